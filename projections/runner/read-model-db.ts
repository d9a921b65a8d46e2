/**
 * The storage a projection writes to, the same for SQLite and PostgreSQL: SQL with $1, $2 … parameters
 * in the dialect both accept (INSERT … ON CONFLICT … DO UPDATE). Amounts are stored as decimal strings
 * and computed in TypeScript with big.js, never in SQL floats.
 */
export type SqlValue = string | number | bigint | null;

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * What a projection holds back during one batch (the runner's transaction) and writes at its end: the
 * latest row per key written once, and on PostgreSQL one multi-row statement per table instead of a round
 * trip per row. It must answer every read of what it holds itself, since the tables lag until it flushes.
 */
export interface BatchWrites {
  /** Writes what is held; called once, inside the same transaction, just before it commits. */
  flush(db: ReadModelDb): Promise<void>;
}

export interface ReadModelDb {
  /** For the few statements the two dialects spell differently (the clock, the catalog). */
  readonly dialect: SqlDialect;
  run(sql: string, params?: SqlValue[]): Promise<void>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /**
   * The rows of a query one by one, from a cursor, for reads too large to hold (the cost query streams
   * them into the response). Breaking out of the loop closes the cursor.
   */
  iterate<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): AsyncIterable<T>;
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Inside a transaction: the batch state registered under `key` (made by `create` on first use), flushed
   * in registration order in that transaction before COMMIT — so after the runner's checkpoint statement,
   * and committed with it or rolled back with it (a rolled-back batch's state is dropped). Undefined
   * outside a transaction. Optional, so a storage without it still works: see `batchWrites`.
   */
  batch?<T extends BatchWrites>(key: object, create: () => T): T | undefined;
  /**
   * Inside a transaction: a write sent with the COMMIT (PostgreSQL: in the same round trip). Its failure
   * fails the whole transaction, so only for writes no event is to blame for (the checkpoint). Optional: a
   * storage without it runs the write at once.
   */
  runAtCommit?(sql: string, params?: SqlValue[]): Promise<void>;
}

/**
 * The batch state of `key` in this transaction, or — outside one, or on a storage without batches — a
 * state of its own that `work` fills and that is flushed as soon as `work` is done (one event's writes).
 */
export async function withBatch<T extends BatchWrites, R>(
  db: ReadModelDb,
  key: object,
  create: () => T,
  work: (batch: T) => Promise<R>,
): Promise<R> {
  const shared = db.batch?.(key, create);
  if (shared) return work(shared);
  const own = create();
  const result = await work(own);
  await own.flush(db);
  return result;
}
