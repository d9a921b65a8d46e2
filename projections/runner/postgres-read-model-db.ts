import pg from 'pg';
import type { ReadModelDb, SqlValue } from './read-model-db.js';

/** bigint parameters travel as text; PostgreSQL casts them to the column's type. */
const toParams = (params: SqlValue[]) => params.map((p) => (typeof p === 'bigint' ? p.toString() : p));

/** Runs statements on one connection (a pooled client inside a transaction). */
class ClientDb implements ReadModelDb {
  readonly dialect = 'postgres' as const;
  constructor(private readonly client: pg.ClientBase) {}

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    await this.client.query(sql, toParams(params));
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.client.query(sql, toParams(params))).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.client.query(sql, toParams(params))).rows as T[];
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

  async transaction<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(new ClientDb(client));
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
