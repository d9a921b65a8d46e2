import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { accountIdOfAccountStream } from '../event-store/stream-names.js';
import { ensureDirCreatedPrivate, makeSqliteFilePrivate } from '../files/private-files.js';
import { MasterKey } from '../secrets/master-key.js';

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
 */
export class PersonalDataVault {
  private readonly db: DatabaseSync;
  private readonly master: Buffer;
  /** How many unwrapped keys (written before keys were wrapped) this open wrapped. */
  readonly keysWrappedOnOpen: number;

  /** Without a master key only in memory (tests, the simulation): a random one, gone with the process. */
  constructor(path: string, masterKey?: MasterKey) {
    if (!masterKey && path !== ':memory:')
      throw new Error(`The personal-data vault ${path} needs a master key to wrap its keys`);
    this.master = (masterKey ?? MasterKey.random()).bytes;
    if (path !== ':memory:') ensureDirCreatedPrivate(dirname(path));
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;
      CREATE TABLE IF NOT EXISTS account_keys (
        account_id TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, destroyed_at TEXT) STRICT;
      CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS retention_keys (
        account_id TEXT PRIMARY KEY, key BLOB, retain_until TEXT NOT NULL, basis TEXT NOT NULL,
        created_at TEXT NOT NULL, destroyed_at TEXT) STRICT;`);
    makeSqliteFilePrivate(path);
    this.checkMasterKey(path);
    this.keysWrappedOnOpen = this.wrapPlainKeys();
  }

  /** The first open stores a check value; later opens must unwrap it, or the master key is not this vault's. */
  private checkMasterKey(path: string): void {
    // OR IGNORE: two instances opening a new file at once both try; the first check value stands.
    this.db
      .prepare('INSERT OR IGNORE INTO vault_meta (name, value) VALUES (?, ?)')
      .run(CHECK_ID, this.wrap(CHECK_ID, Buffer.alloc(32)));
    const row = this.db.prepare('SELECT value FROM vault_meta WHERE name = ?').get(CHECK_ID) as {
      value: Uint8Array;
    };
    try {
      this.unwrap(CHECK_ID, Buffer.from(row.value));
    } catch {
      this.db.close();
      throw new MasterKeyMismatchError(
        `The personal-data master key does not open ${path}: its keys were wrapped with another master key ` +
          '(check PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE; in development, the ' +
          'personal-data-master.key file in the data folder)',
      );
    }
  }

  /**
   * Keys stored before wrapping (a plain 32-byte key) are wrapped in place, in one transaction; then the
   * WAL is truncated and the file vacuumed so the plain keys are gone from the disk, not only from the table.
   */
  private wrapPlainKeys(): number {
    const select = this.db.prepare(
      'SELECT account_id, key FROM account_keys WHERE key IS NOT NULL AND length(key) = 32',
    );
    // A cheap look first; then read and wrap under the write lock, so two instances starting together
    // wrap each key once.
    if (!select.get()) return 0;
    const update = this.db.prepare('UPDATE account_keys SET key = ? WHERE account_id = ?');
    this.db.exec('BEGIN IMMEDIATE');
    let plain: Array<{ account_id: string; key: Uint8Array }>;
    try {
      plain = select.all() as typeof plain;
      for (const row of plain) update.run(this.wrap(row.account_id, Buffer.from(row.key)), row.account_id);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    this.scrub();
    this.db.exec('VACUUM');
    this.scrub();
    return plain.length;
  }

  /** Moves everything into the main file and empties the WAL: old page images hold old key bytes. */
  private scrub(): void {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
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
    const row = this.db
      .prepare('SELECT key, destroyed_at FROM account_keys WHERE account_id = ?')
      .get(accountId) as { key: Uint8Array | null; destroyed_at: string | null } | undefined;
    if (row) return row.key ? this.unwrap(accountId, Buffer.from(row.key)) : undefined;
    if (!create) return undefined;
    this.db
      .prepare('INSERT OR IGNORE INTO account_keys (account_id, key, created_at) VALUES (?, ?, ?)')
      .run(accountId, this.wrap(accountId, randomBytes(32)), new Date().toISOString());
    return this.key(accountId, false);
  }

  /** Creates the keys of many accounts in one transaction (log generators; the vault otherwise creates them on first seal). */
  createKeys(accountIds: readonly string[]): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO account_keys (account_id, key, created_at) VALUES (?, ?, ?)',
    );
    const now = new Date().toISOString();
    this.db.exec('BEGIN');
    for (const id of accountIds) insert.run(id, this.wrap(id, randomBytes(32)), now);
    this.db.exec('COMMIT');
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
    this.db
      .prepare(
        `INSERT INTO retention_keys (account_id, key, retain_until, basis, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET retain_until = excluded.retain_until, basis = excluded.basis
         WHERE excluded.retain_until > retention_keys.retain_until`,
      )
      .run(
        accountId,
        this.wrap(retentionKeyId(accountId), randomBytes(32)),
        until,
        basis,
        new Date().toISOString(),
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
    this.db
      .prepare(
        `UPDATE retention_keys SET key = NULL, destroyed_at = COALESCE(destroyed_at, ?) WHERE account_id = ?`,
      )
      .run(at, accountId);
    this.scrub();
  }

  private retentionRow(accountId: string) {
    return this.db
      .prepare('SELECT key, retain_until, basis, destroyed_at FROM retention_keys WHERE account_id = ?')
      .get(accountId) as
      | { key: Uint8Array | null; retain_until: string; basis: string; destroyed_at: string | null }
      | undefined;
  }

  private retentionKey(accountId: string): Buffer | undefined {
    const row = this.retentionRow(accountId);
    return row?.key ? this.unwrap(retentionKeyId(accountId), Buffer.from(row.key)) : undefined;
  }

  destroy(accountId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO account_keys (account_id, key, created_at, destroyed_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET key = NULL, destroyed_at = COALESCE(account_keys.destroyed_at, excluded.destroyed_at)`,
      )
      .run(accountId, at, at);
    // secure_delete zeroed the wrapped key in the page; the WAL still holds the page as it was.
    this.scrub();
  }

  destroyedAt(accountId: string): string | undefined {
    const row = this.db
      .prepare('SELECT destroyed_at FROM account_keys WHERE account_id = ?')
      .get(accountId) as { destroyed_at: string | null } | undefined;
    return row?.destroyed_at ?? undefined;
  }

  close(): void {
    this.db.close();
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
