import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StoredResponse {
  status: number;
  body: string;
}

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in-flight' };

/**
 * Remembers every Idempotency-Key forever (no TTL): the same key with the same request replays the
 * original response; with a different request it is refused.
 */
export class IdempotencyStore {
  private readonly db: DatabaseSync;
  private readonly select: StatementSync;
  private readonly insert: StatementSync;
  private readonly complete: StatementSync;
  private readonly release: StatementSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)) STRICT;`);
    this.select = this.db.prepare(
      'SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?',
    );
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, ?)',
    );
    this.complete = this.db.prepare(
      'UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND key = ?',
    );
    this.release = this.db.prepare(
      'DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL',
    );
  }

  claim(scope: string, key: string, requestHash: string, now: string): IdempotencyClaim {
    const inserted = this.insert.run(scope, key, requestHash, now);
    if (inserted.changes === 1) return { kind: 'new' };
    const row = this.select.get(scope, key) as {
      request_hash: string;
      status: number | null;
      body: string | null;
    };
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'in-flight' };
    return { kind: 'replay', response: { status: row.status, body: row.body ?? '' } };
  }

  remember(scope: string, key: string, response: StoredResponse): void {
    this.complete.run(response.status, response.body, scope, key);
  }

  /** After a failure of ours (5xx) the key is released so the client may retry. */
  forget(scope: string, key: string): void {
    this.release.run(scope, key);
  }

  close(): void {
    this.db.close();
  }
}
