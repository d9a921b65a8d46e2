import pg from 'pg';
import type { BatchWrites, ReadModelDb, SqlValue } from './read-model-db.js';

/** bigint parameters travel as text; PostgreSQL casts them to the column's type. */
const toParams = (params: SqlValue[]) => params.map((p) => (typeof p === 'bigint' ? p.toString() : p));

/** Rows fetched per round trip when a cursor is iterated. */
const CURSOR_BATCH = 500;

/** Runs statements on one connection (a pooled client inside a transaction). */
class ClientDb implements ReadModelDb {
  readonly dialect = 'postgres' as const;
  /** The transaction's batch states, flushed before its COMMIT. */
  readonly batches = new Map<object, BatchWrites>();
  constructor(private readonly client: pg.ClientBase) {}

  batch<T extends BatchWrites>(key: object, create: () => T): T {
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = create()));
    return batch as T;
  }

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    await this.client.query(sql, toParams(params));
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.client.query(sql, toParams(params))).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.client.query(sql, toParams(params))).rows as T[];
  }

  async *iterate<T>(sql: string, params: SqlValue[] = []): AsyncIterable<T> {
    yield* await this.all<T>(sql, params);
  }

  transaction<T>(): Promise<T> {
    return Promise.reject(new Error('Nested read-model transactions are not supported'));
  }

  async close(): Promise<void> {}
}

/**
 * PostgreSQL read models, for deployments where several app instances share them. The same SQL as
 * SQLite; each transaction runs on its own pooled connection, so runners of different projections
 * commit in parallel.
 */
export class PostgresReadModelDb implements ReadModelDb {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connection: string | pg.PoolConfig) {
    this.pool = new pg.Pool(
      typeof connection === 'string' ? { connectionString: connection, max: 8 } : connection,
    );
    // An idle client that loses its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    await this.pool.query(sql, toParams(params));
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.pool.query(sql, toParams(params))).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.pool.query(sql, toParams(params))).rows as T[];
  }

  /**
   * A server-side cursor on a connection of its own, in a read-only transaction (one snapshot for the whole
   * read), fetched in batches; the connection goes back to the pool when the loop ends or breaks.
   */
  async *iterate<T>(sql: string, params: SqlValue[] = []): AsyncIterable<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    let open = false;
    try {
      await client.query('BEGIN READ ONLY');
      open = true;
      await client.query(`DECLARE read_cursor NO SCROLL CURSOR FOR ${sql}`, toParams(params));
      for (;;) {
        const { rows } = await client.query(`FETCH ${CURSOR_BATCH} FROM read_cursor`);
        for (const row of rows) yield row as T;
        if (rows.length < CURSOR_BATCH) break;
      }
      await client.query('COMMIT');
      open = false;
    } finally {
      if (open) {
        try {
          await client.query('ROLLBACK');
        } catch (error) {
          broken = error as Error;
        }
      }
      client.release(broken);
    }
  }

  async transaction<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const db = new ClientDb(client);
      const result = await work(db);
      for (const batch of db.batches.values()) await batch.flush(db);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
