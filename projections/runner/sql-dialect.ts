import type { ReadModelDb } from './read-model-db.js';

/**
 * The few things SQLite and PostgreSQL spell differently. Lease expiry uses the database's clock, so
 * instances on machines whose clocks disagree still agree on who holds a lease.
 */
export function nowMsSql(db: ReadModelDb): string {
  return db.dialect === 'postgres'
    ? 'CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)'
    : "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
}

/** Whether `name` is a table (projections also pass index names through `table()`). */
export async function isTable(db: ReadModelDb, name: string): Promise<boolean> {
  const row =
    db.dialect === 'postgres'
      ? await db.get(
          `SELECT 1 AS found FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1`,
          [name],
        )
      : await db.get(`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = $1`, [name]);
  return row !== undefined;
}

/** A table's column names, in their declared order. */
export async function columnsOf(db: ReadModelDb, table: string): Promise<string[]> {
  const rows =
    db.dialect === 'postgres'
      ? await db.all<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      : await db.all<{ name: string }>(`SELECT name FROM pragma_table_info($1) ORDER BY cid`, [table]);
  return rows.map((r) => r.name);
}

/** Only names a projection chose (letters, digits, underscores) reach SQL as identifiers. */
export function assertIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a safe SQL identifier: ${name}`);
  return name;
}

/**
 * Runs DDL that several processes may run at once: PostgreSQL's CREATE … IF NOT EXISTS can still race
 * on its catalog, and the loser simply finds the object there when it tries again.
 */
export async function createConcurrently(db: ReadModelDb, ddl: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.run(ddl);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < 3 && (code === '23505' || code === '42P07' || code === '42710')) continue;
      throw error;
    }
  }
}
