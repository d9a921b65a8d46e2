import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { accountIdOfAccountStream } from '../event-store/stream-names.js';
import { MasterKey } from '../secrets/master-key.js';
import { PostgresVaultStorage, SqliteVaultStorage, type VaultStorage } from './vault-storage.js';

const SEALED_PREFIX = 'aes-256-gcm:';
/** Values sealed under an account's retention key (issued documents' personal requisites). */
const RETAINED_PREFIX = 'retained:aes-256-gcm:';
/** A retention key is wrapped bound to this id, so an account key row and a retention row never open each other. */
const retentionKeyId = (accountId: string) => `retention/${accountId}`;
/** A wrapped key: IV (12 bytes) ‖ GCM tag (16) ‖ the encrypted 32-byte key. */
const IV = 12;
const TAG = 16;
/** What the master key check value wraps: a wrong master key fails here, at start, not at the first read. */
const CHECK_ID = 'master-key-check';

export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
}

/**
 * Crypto-shredding: personal data is stored in events only sealed with a per-account key kept outside the
 * event log. Destroying the key makes the data unreadable forever, while the events themselves (amounts,
 * dates, document numbers, and their hash chain) stay untouched and provable.
 *
 * The per-account keys are themselves wrapped (AES-256-GCM) with a master key from outside the file, bound
 * to their account (the account id is the additional authenticated data, so a row moved to another account
 * does not open): a copy of keys.sqlite alone, or of the whole data folder, reveals nothing. The file is
 * 0600; deleted or rewritten content is zeroed (secure_delete) and the WAL truncated after a key is
 * destroyed or unwrapped keys are migrated, so no plaintext or destroyed key lingers on disk.
 *
 * Instances that share PostgreSQL share the vault there too (`PersonalDataVault.shared`, the same
 * statements): an account opened on one instance has its keys on every other, and a key destroyed on one
 * is destroyed for all. The master key is per deployment: every instance is given the same one, and the
 * check value stops an instance with another at start.
 */
export class PersonalDataVault {
  private readonly storage: VaultStorage;
  private readonly master: Buffer;
  /** How many unwrapped keys (written before keys were wrapped) this open wrapped. */
  readonly keysWrappedOnOpen: number;

  /**
   * The instance's own file (`path`; without a master key only ':memory:', for tests and the simulation:
   * a random one, gone with the process), or a storage — the tables in PostgreSQL that instances share.
   */
  constructor(target: string | VaultStorage, masterKey?: MasterKey) {
    if (!masterKey && target !== ':memory:')
      throw new Error(
        `The personal-data vault ${typeof target === 'string' ? target : target.location} needs a master key to wrap its keys`,
      );
    this.master = (masterKey ?? MasterKey.random()).bytes;
    this.storage = typeof target === 'string' ? new SqliteVaultStorage(target) : target;
    try {
      this.createTables();
      this.checkMasterKey();
      this.keysWrappedOnOpen = this.wrapPlainKeys();
    } catch (error) {
      this.storage.close();
      throw error;
    }
  }

  /** The vault in the PostgreSQL database instances share: every instance opens every account's data. */
  static shared(connectionString: string, masterKey: MasterKey): PersonalDataVault {
    return new PersonalDataVault(new PostgresVaultStorage(connectionString), masterKey);
  }

  /** Where the keys are: the file, or the shared database (its password masked). */
  get location(): string {
    return this.storage.location;
  }

  private createTables(): void {
    const bytes = this.storage.dialect === 'postgres' ? 'BYTEA' : 'BLOB';
    const strict = this.storage.dialect === 'postgres' ? '' : ' STRICT';
    const tables = [
      `CREATE TABLE IF NOT EXISTS account_keys (
        account_id TEXT PRIMARY KEY, key ${bytes}, created_at TEXT NOT NULL, destroyed_at TEXT)${strict}`,
      `CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value ${bytes} NOT NULL)${strict}`,
      `CREATE TABLE IF NOT EXISTS retention_keys (
        account_id TEXT PRIMARY KEY, key ${bytes}, retain_until TEXT NOT NULL, basis TEXT NOT NULL,
        created_at TEXT NOT NULL, destroyed_at TEXT)${strict}`,
    ];
    for (const create of tables) {
      try {
        this.storage.run(create);
      } catch {
        // Two instances starting at once race on CREATE TABLE IF NOT EXISTS in PostgreSQL; the loser finds it made.
        this.storage.run(create);
      }
    }
  }

  /**
   * The first open stores a check value; later opens must unwrap it, or the master key is not this vault's.
   * Shared by instances, it stops an instance given another master key at start, before it writes a key
   * the others cannot open.
   */
  private checkMasterKey(): void {
    // ON CONFLICT DO NOTHING: two instances opening a new vault at once both try; the first check value stands.
    this.storage.run('INSERT INTO vault_meta (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      CHECK_ID,
      this.wrap(CHECK_ID, Buffer.alloc(32)),
    ]);
    const row = this.storage.get<{ value: Uint8Array }>('SELECT value FROM vault_meta WHERE name = $1', [
      CHECK_ID,
    ])!;
    try {
      this.unwrap(CHECK_ID, Buffer.from(row.value));
    } catch {
      throw new MasterKeyMismatchError(
        `The personal-data master key does not open ${this.storage.location}: its keys were wrapped with ` +
          'another master key (check PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE — every ' +
          'instance sharing the vault needs the same key; in development, the personal-data-master.key ' +
          'file in the data folder)',
      );
    }
  }

  /**
   * Keys stored before wrapping (a plain 32-byte key) are wrapped in place, in one transaction; then the
   * WAL is truncated and the file vacuumed so the plain keys are gone from the disk, not only from the table.
   */
  private wrapPlainKeys(): number {
    const select = 'SELECT account_id, key FROM account_keys WHERE key IS NOT NULL AND length(key) = 32';
    // A cheap look first; then read and wrap under the write lock, so two instances starting together
    // wrap each key once.
    if (!this.storage.get(select)) return 0;
    const plain = this.storage.transaction(() => {
      const rows = this.storage.all<{ account_id: string; key: Uint8Array }>(select);
      for (const row of rows)
        this.storage.run('UPDATE account_keys SET key = $1 WHERE account_id = $2', [
          this.wrap(row.account_id, Buffer.from(row.key)),
          row.account_id,
        ]);
      return rows;
    });
    this.storage.scrub();
    this.storage.compact();
    return plain.length;
  }

  private wrap(accountId: string, key: Buffer): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.master, iv);
    cipher.setAAD(Buffer.from(accountId, 'utf8'));
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), wrapped]);
  }

  private unwrap(accountId: string, stored: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.master, stored.subarray(0, IV));
    decipher.setAAD(Buffer.from(accountId, 'utf8'));
    decipher.setAuthTag(stored.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(stored.subarray(IV + TAG)), decipher.final()]);
  }

  private key(accountId: string, create: boolean): Buffer | undefined {
    const row = this.storage.get<{ key: Uint8Array | null; destroyed_at: string | null }>(
      'SELECT key, destroyed_at FROM account_keys WHERE account_id = $1',
      [accountId],
    );
    if (row) return row.key ? this.unwrap(accountId, Buffer.from(row.key)) : undefined;
    if (!create) return undefined;
    // Another instance may create it at the same moment: the first key stands and both use it.
    this.storage.run(
      'INSERT INTO account_keys (account_id, key, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [accountId, this.wrap(accountId, randomBytes(32)), new Date().toISOString()],
    );
    return this.key(accountId, false);
  }

  /** Creates the keys of many accounts in one transaction (log generators; the vault otherwise creates them on first seal). */
  createKeys(accountIds: readonly string[]): void {
    const now = new Date().toISOString();
    this.storage.transaction(() => {
      for (const id of accountIds)
        this.storage.run(
          'INSERT INTO account_keys (account_id, key, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [id, this.wrap(id, randomBytes(32)), now],
        );
    });
  }

  /**
   * Moves the keys of an instance's own file (keys.sqlite, from before instances shared the vault) into
   * this vault: the wrapped rows are copied as they are — the same master key wraps both, bound to the
   * account id. A key destroyed on either side stays destroyed; an account that already has another live
   * key here keeps that one and is counted in `conflicts` (data sealed under the file's key needs the file).
   */
  adoptKeysOf(local: PersonalDataVault): { adopted: number; conflicts: string[] } {
    type KeyRow = {
      account_id: string;
      key: Uint8Array | null;
      created_at: string;
      destroyed_at: string | null;
    };
    type RetentionRow = KeyRow & { retain_until: string; basis: string };
    const keys = local.storage.all<KeyRow>(
      'SELECT account_id, key, created_at, destroyed_at FROM account_keys',
    );
    const retained = local.storage.all<RetentionRow>(
      'SELECT account_id, key, retain_until, basis, created_at, destroyed_at FROM retention_keys',
    );
    const conflicts: string[] = [];
    const differs = (table: string, row: KeyRow) => {
      const here = this.storage.get<{ key: Uint8Array | null }>(
        `SELECT key FROM ${table} WHERE account_id = $1`,
        [row.account_id],
      );
      return here?.key && row.key && !Buffer.from(here.key).equals(Buffer.from(row.key));
    };
    this.storage.transaction(() => {
      for (const row of keys) {
        if (differs('account_keys', row)) conflicts.push(row.account_id);
        this.storage.run(
          `INSERT INTO account_keys (account_id, key, created_at, destroyed_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id) DO UPDATE SET key = NULL,
             destroyed_at = COALESCE(account_keys.destroyed_at, excluded.destroyed_at)
           WHERE excluded.destroyed_at IS NOT NULL`,
          [row.account_id, row.key, row.created_at, row.destroyed_at],
        );
      }
      for (const row of retained) {
        if (differs('retention_keys', row)) conflicts.push(`retention/${row.account_id}`);
        this.storage.run(
          `INSERT INTO retention_keys (account_id, key, retain_until, basis, created_at, destroyed_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (account_id) DO UPDATE SET key = NULL,
             destroyed_at = COALESCE(retention_keys.destroyed_at, excluded.destroyed_at)
           WHERE excluded.destroyed_at IS NOT NULL`,
          [row.account_id, row.key, row.retain_until, row.basis, row.created_at, row.destroyed_at],
        );
      }
    });
    return { adopted: keys.length + retained.length - conflicts.length, conflicts };
  }

  seal(accountId: string, value: unknown): string {
    const key = this.key(accountId, true);
    if (!key)
      throw new Error(`The personal data key of ${accountId} was destroyed: nothing personal can be stored`);
    return SEALED_PREFIX + encrypt(key, value);
  }

  /** The value, or undefined once the account's key is destroyed. */
  unseal(accountId: string, sealed: string): unknown {
    const key = this.key(accountId, false);
    if (!key || !sealed.startsWith(SEALED_PREFIX)) return undefined;
    return decrypt(key, sealed.slice(SEALED_PREFIX.length));
  }

  /**
   * The account's retention key — for personal data the law makes us keep after the account is deleted
   * (issued documents' payer requisites) — kept until `until` at least: created on first use, its date only
   * ever moves later (the latest document sets it), with the law that sets it. Refused once destroyed.
   */
  retain(accountId: string, until: string, basis: string): void {
    const row = this.retentionRow(accountId);
    if (row?.destroyed_at)
      throw new Error(`The retention key of ${accountId} was destroyed: nothing personal can be retained`);
    if (row && row.retain_until >= until) return;
    this.storage.run(
      `INSERT INTO retention_keys (account_id, key, retain_until, basis, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET retain_until = excluded.retain_until, basis = excluded.basis
       WHERE excluded.retain_until > retention_keys.retain_until`,
      [
        accountId,
        this.wrap(retentionKeyId(accountId), randomBytes(32)),
        until,
        basis,
        new Date().toISOString(),
      ],
    );
  }

  /** How long the account's retained data is kept and why; undefined when nothing was ever retained. */
  retention(accountId: string): RetentionKeyInfo | undefined {
    const row = this.retentionRow(accountId);
    if (!row) return undefined;
    return {
      retainUntil: row.retain_until,
      basis: row.basis,
      ...(row.destroyed_at ? { destroyedAt: row.destroyed_at } : {}),
    };
  }

  /** Seals under the retention key (`retain` first: without a retention key nothing is sealed). */
  sealRetained(accountId: string, value: unknown): string {
    const key = this.retentionKey(accountId);
    if (!key) throw new Error(`${accountId} has no live retention key: retain(...) the data first`);
    return RETAINED_PREFIX + encrypt(key, value);
  }

  /** The retained value, or undefined once the retention key is destroyed. */
  unsealRetained(accountId: string, sealed: string): unknown {
    const key = this.retentionKey(accountId);
    if (!key || !sealed.startsWith(RETAINED_PREFIX)) return undefined;
    return decrypt(key, sealed.slice(RETAINED_PREFIX.length));
  }

  /** Destroys the retention key (its period is over): the retained data becomes unreadable, forever. */
  destroyRetention(accountId: string, at: string): void {
    this.storage.run(
      'UPDATE retention_keys SET key = NULL, destroyed_at = COALESCE(destroyed_at, $1) WHERE account_id = $2',
      [at, accountId],
    );
    this.storage.scrub();
  }

  private retentionRow(accountId: string) {
    return this.storage.get<{
      key: Uint8Array | null;
      retain_until: string;
      basis: string;
      destroyed_at: string | null;
    }>('SELECT key, retain_until, basis, destroyed_at FROM retention_keys WHERE account_id = $1', [
      accountId,
    ]);
  }

  private retentionKey(accountId: string): Buffer | undefined {
    const row = this.retentionRow(accountId);
    return row?.key ? this.unwrap(retentionKeyId(accountId), Buffer.from(row.key)) : undefined;
  }

  destroy(accountId: string, at: string): void {
    this.storage.run(
      `INSERT INTO account_keys (account_id, key, created_at, destroyed_at) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET key = NULL, destroyed_at = COALESCE(account_keys.destroyed_at, excluded.destroyed_at)`,
      [accountId, at, at],
    );
    // SQLite: secure_delete zeroed the wrapped key in the page; the WAL still holds the page as it was.
    this.storage.scrub();
  }

  destroyedAt(accountId: string): string | undefined {
    const row = this.storage.get<{ destroyed_at: string | null }>(
      'SELECT destroyed_at FROM account_keys WHERE account_id = $1',
      [accountId],
    );
    return row?.destroyed_at ?? undefined;
  }

  close(): void {
    this.storage.close();
  }
}

/** An account's retention key as the vault records it. */
export interface RetentionKeyInfo {
  /** The instant the retained data may be destroyed (the end of its legal retention period). */
  retainUntil: string;
  /** The law that sets the period. */
  basis: string;
  /** When the key was destroyed; absent while it lives. */
  destroyedAt?: string;
}

/** `iv:tag:ciphertext` (base64) of the value's JSON under the key (AES-256-GCM). */
function encrypt(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
}

function decrypt(key: Buffer, sealed: string): unknown {
  const [iv, tag, ciphertext] = sealed.split(':') as [string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return JSON.parse(
    Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8'),
  );
}

/** Event data codec for account streams: `data.personal` is sealed at rest and unsealed on read. */
export function personalDataCodec(vault: PersonalDataVault) {
  return {
    encode(streamId: string, data: unknown): unknown {
      const record = data as { accountId?: string; personal?: unknown };
      if (!record || record.personal === undefined) return data;
      return { ...record, personal: { sealed: vault.seal(accountIdOf(streamId), record.personal) } };
    },
    decode(streamId: string, data: unknown): unknown {
      const record = data as { personal?: { sealed?: string } };
      if (!record?.personal?.sealed) return data;
      const personal = vault.unseal(accountIdOf(streamId), record.personal.sealed);
      // Once the key is destroyed the sealed data is unreadable: the event reads as if it had none.
      return { ...record, personal };
    },
  };
}

const accountIdOf = (streamId: string) => accountIdOfAccountStream(streamId) ?? streamId;
