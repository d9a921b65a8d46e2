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

type SqlValue = string | number | null;

/**
 * Where the records live: the instance's own SQLite file, or — when instances share PostgreSQL for their
 * read models — a table there, so a retry that reaches another instance finds the first attempt's record.
 * `$1, $2…` parameters (both dialects accept them); RETURNING tells whether a row was written.
 */
export interface IdempotencySql {
  readonly dialect: 'sqlite' | 'postgres';
  run(sql: string, params?: SqlValue[]): Promise<void>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  close(): Promise<void>;
}

interface Row {
  request_hash: string;
  status: number | null;
  body: string | null;
  /** BIGINT on PostgreSQL arrives as a string. */
  lease_until: number | string | null;
}

/** The instance's own file: durable (synchronous=FULL) before an answer goes out. */
class SqliteIdempotencySql implements IdempotencySql {
  readonly dialect = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  }
  exec(sql: string): void {
    this.db.exec(sql);
  }
  columns(): Set<string> {
    const rows = this.db.prepare('PRAGMA table_info(idempotency_keys)').all() as Array<{ name: string }>;
    return new Set(rows.map((c) => c.name));
  }
  /** $1 → ?1: SQLite binds numbered parameters positionally, as PostgreSQL does. Prepared once. */
  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      this.statements.set(sql, statement);
    }
    return statement;
  }
  run(sql: string, params: SqlValue[] = []): Promise<void> {
    this.statement(sql).run(...params);
    return Promise.resolve();
  }
  get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return Promise.resolve(this.statement(sql).get(...params) as T | undefined);
  }
  all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.statement(sql).all(...params) as T[]);
  }
  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

const TABLE_COLUMNS = `scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
  status INTEGER, body TEXT, created_at TEXT NOT NULL, owner TEXT, lease_until BIGINT,
  PRIMARY KEY (scope, key)`;

/**
 * Remembers Idempotency-Keys: the same key with the same request replays the original response; with a
 * different request it is refused. Records are kept for the retention period (IDEMPOTENCY_RETENTION_DAYS,
 * `prune`); the command itself never takes effect twice, forever, whatever the retention — the key is the
 * command id, event ids derive from it, and payment and usage ids are claimed by the ledger for good.
 *
 * A key without an outcome yet is a claim that belongs to a live attempt: its `owner` (the instance) and
 * `lease_until` (epoch ms), renewed while the attempt runs. A claim whose lease ran out (its process
 * died mid-request) can be taken over by a retry, which runs the command again — safe for the same
 * reason. At start-up an instance releases its own claims at once.
 *
 * The same statements on SQLite (one instance) and PostgreSQL (instances sharing it): INSERT … ON
 * CONFLICT DO NOTHING and conditional UPDATEs decide races between instances in the database.
 */
export class IdempotencyStore {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly sql: IdempotencySql;

  /** The instance's own SQLite file (or ':memory:'). */
  constructor(path: string, options?: IdempotencyStoreOptions);
  /** A shared database, its table already created (see `IdempotencyStore.shared`). */
  constructor(sql: IdempotencySql, options?: IdempotencyStoreOptions);
  constructor(target: string | IdempotencySql, options: IdempotencyStoreOptions = {}) {
    this.owner = options.owner ?? `pid-${process.pid}`;
    this.leaseMs = options.leaseMs ?? 10_000;
    if (typeof target === 'string') {
      const sqlite = new SqliteIdempotencySql(target);
      sqlite.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)) STRICT;`);
      // Files from before claims had an owner and a lease: their unfinished claims count as expired.
      const columns = sqlite.columns();
      if (!columns.has('owner')) sqlite.exec('ALTER TABLE idempotency_keys ADD COLUMN owner TEXT');
      if (!columns.has('lease_until'))
        sqlite.exec('ALTER TABLE idempotency_keys ADD COLUMN lease_until INTEGER');
      this.sql = sqlite;
    } else {
      this.sql = target;
    }
  }

  /** The records in a database several instances share (PostgreSQL): creates the table when missing. */
  static async shared(sql: IdempotencySql, options: IdempotencyStoreOptions = {}): Promise<IdempotencyStore> {
    const create = `CREATE TABLE IF NOT EXISTS idempotency_keys (${TABLE_COLUMNS})`;
    try {
      await sql.run(create);
    } catch {
      // Two instances starting at once race on CREATE TABLE IF NOT EXISTS; the loser finds it made.
      await sql.run(create);
    }
    await sql.run('CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at)');
    return new IdempotencyStore(sql, options);
  }

  /** Claims the key for this attempt, or says why not. `now` is an ISO-8601 instant. */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    now: string,
    attempt = 1,
  ): Promise<IdempotencyClaim> {
    const at = Date.parse(now);
    // Only a race with other attempts on the same key gets here twice; never spin.
    if (attempt > 3) return { kind: 'in-flight', retryAfterMs: 1000 };
    const inserted = await this.sql.get(
      `INSERT INTO idempotency_keys (scope, key, request_hash, created_at, owner, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, requestHash, now, this.owner, at + this.leaseMs],
    );
    if (inserted) return { kind: 'new' };
    const row = await this.sql.get<Row>(
      'SELECT request_hash, status, body, lease_until FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    // Released between the insert and the select (its attempt failed): claim it afresh.
    if (!row) return this.claim(scope, key, requestHash, now, attempt + 1);
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status !== null)
      return { kind: 'replay', response: { status: Number(row.status), body: row.body ?? '' } };
    const leaseUntil = row.lease_until === null ? null : Number(row.lease_until);
    if (leaseUntil === null || leaseUntil <= at) {
      const taken = await this.sql.get(
        `UPDATE idempotency_keys SET owner = $1, lease_until = $2
         WHERE scope = $3 AND key = $4 AND status IS NULL AND (lease_until IS NULL OR lease_until <= $5)
         RETURNING key`,
        [this.owner, at + this.leaseMs, scope, key, at],
      );
      if (taken) return { kind: 'new', takenOver: true };
      return this.claim(scope, key, requestHash, now, attempt + 1); // another retry took it first, or it just finished
    }
    return { kind: 'in-flight', retryAfterMs: leaseUntil - at };
  }

  /** Extends this instance's claim while its attempt runs; false when the claim is no longer its own. */
  async renew(scope: string, key: string, now = Date.now()): Promise<boolean> {
    const renewed = await this.sql.get(
      `UPDATE idempotency_keys SET lease_until = $1
       WHERE scope = $2 AND key = $3 AND status IS NULL AND owner = $4 RETURNING key`,
      [now + this.leaseMs, scope, key, this.owner],
    );
    return renewed !== undefined;
  }

  async remember(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.sql.run(
      'UPDATE idempotency_keys SET status = $1, body = $2, lease_until = NULL WHERE scope = $3 AND key = $4',
      [response.status, response.body, scope, key],
    );
  }

  /** After a failure of ours (5xx) the key is released so the client may retry. */
  async forget(scope: string, key: string): Promise<void> {
    await this.sql.run(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL AND owner = $3',
      [scope, key, this.owner],
    );
  }

  /**
   * At start-up: claims this instance left unfinished (it was killed mid-request) are released, so a
   * retry runs at once instead of waiting for their leases. Returns how many.
   */
  async releaseOwnClaims(): Promise<number> {
    const released = await this.sql.all(
      'DELETE FROM idempotency_keys WHERE owner = $1 AND status IS NULL RETURNING key',
      [this.owner],
    );
    return released.length;
  }

  /**
   * The retention policy: answered records first stored before `before` (ISO-8601) are deleted; claims
   * still running are kept. Returns how many went.
   */
  async prune(before: string): Promise<number> {
    const pruned = await this.sql.all(
      'DELETE FROM idempotency_keys WHERE status IS NOT NULL AND created_at < $1 RETURNING key',
      [before],
    );
    return pruned.length;
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
