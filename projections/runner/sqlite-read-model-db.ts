import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { BatchWrites, ReadModelDb, SqlValue } from './read-model-db.js';

const insideTransaction = new AsyncLocalStorage<SqliteReadModelDb>();

/**
 * How a read-model or worker file syncs its commits. `normal` (the default): in WAL mode a commit is not
 * fsynced, only each checkpoint of the WAL into the file, so a power loss (not a process crash) may lose
 * the last transactions — the file stays consistent, and because each runner's checkpoint commits in the
 * same transaction as its writes, the lost ones are replayed from the log. `full` fsyncs every commit.
 */
export type ReadModelSync = 'normal' | 'full';

/** SQLite read models (the default): one file beside the event store, WAL, synchronous=NORMAL. */
export class SqliteReadModelDb implements ReadModelDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  /** One connection: transactions of different runners take turns instead of nesting. */
  private turn: Promise<unknown> = Promise.resolve();
  /** The batch states of the open transaction (there is at most one: they take turns). */
  private batches?: Map<object, BatchWrites>;

  constructor(path: string, { synchronous = 'normal' }: { synchronous?: ReadModelSync } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    // The log itself (the event store) stays synchronous=FULL: it is what everything is replayed from.
    this.db.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'};`,
    );
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      // $1 → ?1: SQLite binds numbered parameters positionally, as PostgreSQL does.
      statement = this.db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    if (params.length === 0 && !sql.includes('$')) {
      this.db.exec(sql);
      return;
    }
    this.statement(sql).run(...params);
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return this.statement(sql).get(...params) as T | undefined;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.statement(sql).all(...params) as T[];
  }

  /**
   * A statement of its own (the cached ones may be reused meanwhile), stepped row by row. It reads on the
   * one connection, live: a runner's commit while it is open is allowed, and rows it changes may be seen.
   */
  async *iterate<T>(sql: string, params: SqlValue[] = []): AsyncIterable<T> {
    const statement = this.db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
    for (const row of statement.iterate(...params)) yield row as T;
  }

  batch<T extends BatchWrites>(key: object, create: () => T): T | undefined {
    if (!this.batches || insideTransaction.getStore() !== this) return undefined;
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = create()));
    return batch as T;
  }

  transaction<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
    // A transaction opened from inside another would wait for itself forever: refuse it instead.
    if (insideTransaction.getStore() === this) {
      return Promise.reject(new Error('Nested read-model transactions are not supported'));
    }
    const run = this.turn.then(() => insideTransaction.run(this, () => this.transactionNow(work)));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async transactionNow<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    const batches = (this.batches = new Map());
    try {
      const result = await work(this);
      for (const batch of batches.values()) await batch.flush(this);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.batches = undefined;
    }
  }

  async close(): Promise<void> {
    await this.turn;
    if (this.db.isOpen) this.db.close();
  }
}
