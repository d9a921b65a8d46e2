import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StoredResponse {
  status: number;
  body: string;
}

export type IdempotencyClaim =
  /** This attempt owns the key now; `takenOver` when it took an abandoned attempt's expired claim. */
  | { kind: 'new'; takenOver?: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  /** A live attempt (another request, or one whose lease has not run out yet) holds the key. */
  | { kind: 'in-flight'; retryAfterMs: number };

export interface IdempotencyStoreOptions {
  /** This instance's name (INSTANCE_ID): the owner of the claims it makes. */
  owner?: string;
  /** How long a claim stays valid unless its attempt renews it (IDEMPOTENCY_LEASE_MS). */
  leaseMs?: number;
}

interface Row {
  request_hash: string;
  status: number | null;
  body: string | null;
  lease_until: number | null;
}

/**
 * Remembers every Idempotency-Key forever (no TTL): the same key with the same request replays the
 * original response; with a different request it is refused.
 *
 * A key without an outcome yet is a claim that belongs to a live attempt: its `owner` (the instance) and
 * `lease_until` (epoch ms), renewed while the attempt runs. A claim whose lease ran out (its process
 * died mid-request) can be taken over by a retry, which runs the command again — safe, because the key is
 * the command id and event ids derive from it. At start-up an instance releases its own claims at once.
 *
 * Plain SQL over one table (INSERT … ON CONFLICT DO NOTHING, conditional UPDATEs), so a PostgreSQL
 * implementation is the same statements.
 */
export class IdempotencyStore {
  private readonly db: DatabaseSync;
  private readonly select: StatementSync;
  private readonly insert: StatementSync;
  private readonly takeOver: StatementSync;
  private readonly renewal: StatementSync;
  private readonly complete: StatementSync;
  private readonly release: StatementSync;
  private readonly releaseOwner: StatementSync;
  readonly owner: string;
  readonly leaseMs: number;

  constructor(path: string, options: IdempotencyStoreOptions = {}) {
    this.owner = options.owner ?? `pid-${process.pid}`;
    this.leaseMs = options.leaseMs ?? 10_000;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)) STRICT;`);
    // Files from before claims had an owner and a lease: their unfinished claims count as expired.
    const columns = new Set(
      (this.db.prepare('PRAGMA table_info(idempotency_keys)').all() as Array<{ name: string }>).map(
        (c) => c.name,
      ),
    );
    if (!columns.has('owner')) this.db.exec('ALTER TABLE idempotency_keys ADD COLUMN owner TEXT');
    if (!columns.has('lease_until'))
      this.db.exec('ALTER TABLE idempotency_keys ADD COLUMN lease_until INTEGER');
    this.select = this.db.prepare(
      'SELECT request_hash, status, body, lease_until FROM idempotency_keys WHERE scope = ? AND key = ?',
    );
    this.insert = this.db.prepare(
      `INSERT INTO idempotency_keys (scope, key, request_hash, created_at, owner, lease_until)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.takeOver = this.db.prepare(
      `UPDATE idempotency_keys SET owner = ?, lease_until = ?
       WHERE scope = ? AND key = ? AND status IS NULL AND (lease_until IS NULL OR lease_until <= ?)`,
    );
    this.renewal = this.db.prepare(
      `UPDATE idempotency_keys SET lease_until = ?
       WHERE scope = ? AND key = ? AND status IS NULL AND owner = ?`,
    );
    this.complete = this.db.prepare(
      'UPDATE idempotency_keys SET status = ?, body = ?, lease_until = NULL WHERE scope = ? AND key = ?',
    );
    this.release = this.db.prepare(
      'DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL AND owner = ?',
    );
    this.releaseOwner = this.db.prepare('DELETE FROM idempotency_keys WHERE owner = ? AND status IS NULL');
  }

  /** Claims the key for this attempt, or says why not. `now` is an ISO-8601 instant. */
  claim(scope: string, key: string, requestHash: string, now: string, attempt = 1): IdempotencyClaim {
    const at = Date.parse(now);
    // Only a race with other attempts on the same key gets here twice; never spin.
    if (attempt > 3) return { kind: 'in-flight', retryAfterMs: 1000 };
    const inserted = this.insert.run(scope, key, requestHash, now, this.owner, at + this.leaseMs);
    if (inserted.changes === 1) return { kind: 'new' };
    const row = this.select.get(scope, key) as Row | undefined;
    // Released between the insert and the select (its attempt failed): claim it afresh.
    if (!row) return this.claim(scope, key, requestHash, now, attempt + 1);
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status !== null)
      return { kind: 'replay', response: { status: row.status, body: row.body ?? '' } };
    if (row.lease_until === null || row.lease_until <= at) {
      const taken = this.takeOver.run(this.owner, at + this.leaseMs, scope, key, at);
      if (taken.changes === 1) return { kind: 'new', takenOver: true };
      return this.claim(scope, key, requestHash, now, attempt + 1); // another retry took it first, or it just finished
    }
    return { kind: 'in-flight', retryAfterMs: row.lease_until - at };
  }

  /** Extends this instance's claim while its attempt runs; false when the claim is no longer its own. */
  renew(scope: string, key: string, now = Date.now()): boolean {
    return this.renewal.run(now + this.leaseMs, scope, key, this.owner).changes === 1;
  }

  remember(scope: string, key: string, response: StoredResponse): void {
    this.complete.run(response.status, response.body, scope, key);
  }

  /** After a failure of ours (5xx) the key is released so the client may retry. */
  forget(scope: string, key: string): void {
    this.release.run(scope, key, this.owner);
  }

  /**
   * At start-up: claims this instance left unfinished (it was killed mid-request) are released, so a
   * retry runs at once instead of waiting for their leases. Returns how many.
   */
  releaseOwnClaims(): number {
    return Number(this.releaseOwner.run(this.owner).changes);
  }

  close(): void {
    this.db.close();
  }
}
