import type { ReadModelDb, SqlDialect, SqlValue } from '../runner/read-model-db.js';
import { assertIdentifier } from '../runner/sql-dialect.js';

type Table = (name: string) => string;

/**
 * A value computed once per `table` function (one per runner and build), so the hot path reuses the same
 * SQL strings instead of rebuilding them with template literals on every event.
 */
export function perTable<T>(build: (table: Table) => T): (table: Table) => T {
  const built = new WeakMap<Table, T>();
  return (table) => {
    let value = built.get(table);
    if (value === undefined) built.set(table, (value = build(table)));
    return value;
  };
}

export interface RowsSpec {
  /** The table's full name (already through `table()`). */
  table: string;
  columns: readonly string[];
  /** PostgreSQL type of each column, for the arrays the rows travel in; TEXT when absent. */
  types?: Readonly<Record<string, 'text' | 'bigint' | 'integer'>>;
  /** The conflict target (the primary key). */
  key: readonly string[];
  /** Columns an existing row takes from the new one; none: an existing row is kept (DO NOTHING). */
  update: readonly string[];
}

/** Rows per PostgreSQL statement: bounds the size of one message, not the number of round trips much. */
const PG_ROWS_PER_STATEMENT = 5000;

/**
 * Writes many rows of one table as an upsert: on SQLite one cached prepared statement per row (no round
 * trips there), on PostgreSQL one statement per 5 000 rows, each column sent as one text (see joinedColumn)
 * and unnested, so its SQL is the same whatever the number of rows. The rows must have distinct keys (PostgreSQL refuses to
 * update one row twice in a statement): callers hold the latest row per key.
 */
export class RowWriter {
  private readonly sqliteSql: string;
  private readonly pgInto: string;
  private readonly pgConflict: string;
  private readonly pgTypes: readonly string[];
  /** By which columns travel joined (see pgSql): nearly always all of them, so one or two entries. */
  private readonly pgSqls = new Map<string, string>();

  constructor(private readonly spec: RowsSpec) {
    const columns = spec.columns.map(assertIdentifier);
    const conflict =
      spec.update.length === 0
        ? `ON CONFLICT (${spec.key.map(assertIdentifier).join(', ')}) DO NOTHING`
        : `ON CONFLICT (${spec.key.map(assertIdentifier).join(', ')}) DO UPDATE SET ` +
          spec.update.map((c) => `${assertIdentifier(c)} = excluded.${c}`).join(', ');
    const into = `INSERT INTO ${assertIdentifier(spec.table)} (${columns.join(', ')})`;
    this.sqliteSql = `${into} VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ${conflict}`;
    this.pgInto = into;
    this.pgConflict = conflict;
    this.pgTypes = columns.map((c) => spec.types?.[c] ?? 'text');
  }

  /** The PostgreSQL statement for columns sent as joined text (true) or as an array literal (false). */
  private pgSql(joined: readonly boolean[]): string {
    const key = joined.map((j) => (j ? '1' : '0')).join('');
    let sql = this.pgSqls.get(key);
    if (sql === undefined) {
      const columns = this.pgTypes.map((type, i) =>
        joined[i]
          ? `string_to_array($${i + 1}, ${PG_SEPARATOR}, ${PG_NULL})::${type}[]`
          : `$${i + 1}::${type}[]`,
      );
      this.pgSqls.set(
        key,
        (sql = `${this.pgInto} SELECT * FROM UNNEST(${columns.join(', ')}) ${this.pgConflict}`),
      );
    }
    return sql;
  }

  async write(db: ReadModelDb, rows: readonly SqlValue[][]): Promise<void> {
    if (rows.length === 0) return;
    if (db.dialect !== 'postgres') {
      for (const row of rows) await db.run(this.sqliteSql, row as SqlValue[]);
      return;
    }
    for (let start = 0; start < rows.length; start += PG_ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + PG_ROWS_PER_STATEMENT);
      const joined: boolean[] = [];
      const params = this.spec.columns.map((_, i) => {
        const text = joinedColumn(chunk, i);
        joined.push(text !== undefined);
        if (text !== undefined) return text;
        // An array is a parameter value of its own on PostgreSQL; the port's type names scalars only.
        return chunk.map((row) => {
          const value = row[i];
          return typeof value === 'bigint' ? value.toString() : value;
        }) as unknown as SqlValue;
      });
      await db.run(this.pgSql(joined), params);
    }
  }
}

/**
 * A column's values travel to PostgreSQL as one text, joined by a control character that values do not
 * hold, which string_to_array splits: measured about half the cost of an array parameter (escaping each
 * element here, parsing the quoted elements there) for the 500 rows × 6 columns of a balance-history batch.
 */
const SEPARATOR = '\x1f';
/** The text standing for NULL (string_to_array's third argument): a value equal to it cannot be joined. */
const NULL_TEXT = '\x1e';
const PG_SEPARATOR = "E'\\x1f'";
const PG_NULL = "E'\\x1e'";

/**
 * Column `i` of `rows` joined for string_to_array, or undefined when a value would not come back the same
 * (it holds the separator or is the NULL text, or it is the only value and empty: '' splits into no element).
 */
function joinedColumn(rows: readonly SqlValue[][], i: number): string | undefined {
  let text = '';
  for (let r = 0; r < rows.length; r++) {
    const value = rows[r]![i];
    const part = value === null || value === undefined ? NULL_TEXT : String(value);
    if (part.includes(SEPARATOR) || (part === NULL_TEXT && value !== null && value !== undefined))
      return undefined;
    text = r === 0 ? part : text + SEPARATOR + part;
  }
  return text === '' ? undefined : text;
}

/**
 * The rows of one table a batch touches, by key: each read from the table at most once, then changed here
 * and written once at the batch end (the latest row per key). Within the batch this, not the table, is
 * the truth for those keys.
 */
export class HeldRows<R> {
  /** null: looked up, not in the table. */
  private readonly rows = new Map<string, R | null>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly writer: RowWriter,
    private readonly values: (row: R) => SqlValue[],
  ) {}

  async get(key: string, load: () => Promise<R | undefined>): Promise<R | undefined> {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = (await load()) ?? null;
      this.rows.set(key, row);
    }
    return row ?? undefined;
  }

  /**
   * Reads, in one call of `read`, the rows of the `keys` not held yet (`read` is given those keys and
   * answers the rows found, by key), so a whole batch's rows are then at hand without an await (`held`).
   */
  async load(
    keys: Iterable<string>,
    read: (missing: string[]) => Promise<Iterable<readonly [string, R]>>,
  ): Promise<void> {
    const missing = new Set<string>();
    for (const key of keys) if (!this.rows.has(key)) missing.add(key);
    if (missing.size === 0) return;
    const found = await read([...missing]);
    for (const key of missing) this.rows.set(key, null);
    for (const [key, row] of found) if (missing.has(key)) this.rows.set(key, row);
  }

  /** A row of a key `load` was given (undefined: not in the table, nor put since). */
  held(key: string): R | undefined {
    const row = this.rows.get(key);
    if (row === undefined) throw new Error(`Row ${key} was not loaded for this batch`);
    return row ?? undefined;
  }

  put(key: string, row: R): void {
    this.rows.set(key, row);
    this.changed.add(key);
  }

  /** For rows only ever inserted (INSERT … DO NOTHING): the first one held for a key stays. */
  add(key: string, row: R): void {
    if (this.changed.has(key)) return;
    this.put(key, row);
  }

  flush(db: ReadModelDb): Promise<void> {
    return this.writer.write(
      db,
      [...this.changed].map((key) => this.values(this.rows.get(key)!)),
    );
  }
}

/**
 * The rows of many keys (each the values of the key's columns, in order). On PostgreSQL one statement for
 * them all, the keys sent as one text array per column ($1, $2 …: a round trip per key would dominate); on
 * SQLite a cached statement per key, with no round trip: measured cheaper than unpacking the keys from a
 * JSON parameter with json_each.
 */
export async function readByKeys<R>(
  db: ReadModelDb,
  sql: Readonly<Record<SqlDialect, string>>,
  keys: ReadonlyArray<readonly string[]>,
): Promise<R[]> {
  if (keys.length === 0) return [];
  if (db.dialect === 'postgres') {
    // An array is a parameter value of its own on PostgreSQL; the port's type names scalars only.
    const columns = keys[0]!.map((_, i) => keys.map((key) => key[i]!) as unknown as SqlValue);
    return db.all<R>(sql.postgres, columns);
  }
  const rows: R[] = [];
  for (const key of keys) {
    const row = await db.get<R>(sql.sqlite, key as string[]);
    if (row !== undefined) rows.push(row);
  }
  return rows;
}
