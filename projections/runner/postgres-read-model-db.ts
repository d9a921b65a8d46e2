import pg from 'pg';
import type { BatchWrites, ReadModelDb, SqlValue } from './read-model-db.js';

/** bigint parameters travel as text; PostgreSQL casts them to the column's type. */
const toParams = (params: SqlValue[]) => params.map((p) => (typeof p === 'bigint' ? p.toString() : p));

/** Rows fetched per round trip when a cursor is iterated. */
const CURSOR_BATCH = 500;

/** A string as a literal that means the same whatever standard_conforming_strings is: E'…'. */
function stringLiteral(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One element of an array literal: double-quoted, its quotes and backslashes escaped; NULL unquoted. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') throw new Error('Only flat arrays of scalars are written as literals');
  return `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * A parameter as a SQL literal: untyped (a quoted literal takes its type from where it stands, as an
 * untyped parameter does); an array as its array-literal text, cast by the statement ($1::text[]).
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return stringLiteral(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'object') throw new Error('Only scalars and arrays of them are written as literals');
  return stringLiteral(String(value));
}

/**
 * `sql` with its $1, $2 … written in as literals, so it can travel with other statements in one simple-
 * protocol message (which takes no parameters). Quoted strings, quoted names and comments are left alone;
 * dollar-quoted bodies are not recognised (no read model's SQL has one).
 */
export function withLiterals(sql: string, params: readonly unknown[]): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\$(\d+)/g, (token, index?: string) => {
    if (index === undefined) return token;
    const n = Number(index);
    if (n < 1 || n > params.length) throw new Error(`No parameter $${n} for: ${sql}`);
    return literal(params[n - 1]);
  });
}

/** Runs statements on one connection (a pooled client inside a transaction). */
class ClientDb implements ReadModelDb {
  readonly dialect = 'postgres' as const;
  /** The transaction's batch states, flushed before its COMMIT. */
  readonly batches = new Map<object, BatchWrites>();
  /**
   * Statements not sent yet, to travel with the next one in one round trip (literals in place of
   * parameters): the BEGIN until the transaction's first statement, then the writes held for the COMMIT. A
   * round trip per statement cost more than the statements themselves on a loaded host.
   */
  private readonly unsent: string[] = ['BEGIN'];
  /** Set once the transaction's work is done: every write from then on (the flushes) waits for the COMMIT. */
  committing = false;
  constructor(private readonly client: pg.ClientBase) {}

  /** The held writes and the COMMIT, in one message; a failing statement stops the rest (no COMMIT). */
  async commit(): Promise<void> {
    await this.client.query([...this.unsent.splice(0), 'COMMIT'].join(';\n'));
  }

  /** `sql`, after whatever is unsent, in the same message; its result. */
  private async send(sql: string, params: SqlValue[]): Promise<pg.QueryResult> {
    if (this.unsent.length === 0) return this.client.query(sql, toParams(params));
    const message = [...this.unsent.splice(0), withLiterals(sql, toParams(params))].join(';\n');
    // A message of several statements answers one result each: the last is `sql`'s.
    const results = (await this.client.query(message)) as unknown as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(results) ? results.at(-1)! : results;
  }

  /**
   * Inside a transaction, a write that goes with the COMMIT: it fails the whole transaction, not one
   * statement, so only for writes no event is to blame for (the checkpoint).
   */
  runAtCommit(sql: string, params: SqlValue[] = []): Promise<void> {
    this.unsent.push(withLiterals(sql, toParams(params)));
    return Promise.resolve();
  }

  batch<T extends BatchWrites>(key: object, create: () => T): T {
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = create()));
    return batch as T;
  }

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    if (this.committing) return this.runAtCommit(sql, params);
    await this.send(sql, params);
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.send(sql, params)).rows as T[];
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
      // The BEGIN goes with the transaction's first statement (see ClientDb.unsent).
      const db = new ClientDb(client);
      const result = await work(db);
      // The flushes' writes fail the transaction as a whole whichever statement fails, so they all go
      // with the COMMIT: one round trip for every write of the batch.
      db.committing = true;
      for (const batch of db.batches.values()) await batch.flush(db);
      await db.commit();
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
