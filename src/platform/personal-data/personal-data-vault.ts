import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { accountIdOfAccountStream } from '../event-store/stream-names.js';

const SEALED_PREFIX = 'aes-256-gcm:';

/**
 * Crypto-shredding: personal data is stored in events only sealed with a per-account key kept outside the
 * event log. Destroying the key makes the data unreadable forever, while the events themselves (amounts,
 * dates, document numbers, and their hash chain) stay untouched and provable.
 */
export class PersonalDataVault {
  private readonly db: DatabaseSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS account_keys (
        account_id TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, destroyed_at TEXT) STRICT;`);
  }

  private key(accountId: string, create: boolean): Buffer | undefined {
    const row = this.db
      .prepare('SELECT key, destroyed_at FROM account_keys WHERE account_id = ?')
      .get(accountId) as { key: Uint8Array | null; destroyed_at: string | null } | undefined;
    if (row) return row.key ? Buffer.from(row.key) : undefined;
    if (!create) return undefined;
    const key = randomBytes(32);
    this.db
      .prepare('INSERT OR IGNORE INTO account_keys (account_id, key, created_at) VALUES (?, ?, ?)')
      .run(accountId, key, new Date().toISOString());
    return this.key(accountId, false);
  }

  seal(accountId: string, value: unknown): string {
    const key = this.key(accountId, true);
    if (!key)
      throw new Error(`The personal data key of ${accountId} was destroyed: nothing personal can be stored`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
  }

  /** The value, or undefined once the account's key is destroyed. */
  unseal(accountId: string, sealed: string): unknown {
    const key = this.key(accountId, false);
    if (!key || !sealed.startsWith(SEALED_PREFIX)) return undefined;
    const [iv, tag, ciphertext] = sealed.slice(SEALED_PREFIX.length).split(':') as [string, string, string];
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return JSON.parse(
      Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8'),
    );
  }

  destroy(accountId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO account_keys (account_id, key, created_at, destroyed_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET key = NULL, destroyed_at = COALESCE(account_keys.destroyed_at, excluded.destroyed_at)`,
      )
      .run(accountId, at, at);
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
