/**
 * The storage a projection writes to, the same for SQLite and PostgreSQL: SQL with $1, $2 … parameters
 * in the dialect both accept (INSERT … ON CONFLICT … DO UPDATE). Amounts are stored as decimal strings
 * and computed in TypeScript with big.js, never in SQL floats.
 */
export type SqlValue = string | number | bigint | null;

export type SqlDialect = 'sqlite' | 'postgres';

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
}
