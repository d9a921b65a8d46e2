import { ProjectionRegistry } from './projection-registry.js';
import type { ReadModelDb } from './read-model-db.js';
import { assertIdentifier, isTable } from './sql-dialect.js';

export interface TableComparison {
  table: string;
  liveRows: number;
  candidateRows: number;
  /** Rows in one build and not the other (counted both ways). */
  differingRows: number;
}

export interface BuildComparison {
  identical: boolean;
  tables: TableComparison[];
}

/** Table name without its build suffix: what pairs a live table with its rebuilt twin. */
const baseName = (table: string, build: number) => table.slice(0, -`_v${build}`.length);

async function rowsOf(db: ReadModelDb, table: string): Promise<Map<string, number>> {
  const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${assertIdentifier(table)}`);
  const counts = new Map<string, number>();
  for (const row of rows) {
    // Values as text: SQLite and PostgreSQL return numbers differently; the content is what matters.
    const key = JSON.stringify(
      Object.keys(row)
        .sort()
        .map((column) => [column, row[column] === null ? null : String(row[column])]),
    );
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Compares two builds of one projection table by table, as multisets of rows. Both must have applied
 * exactly the same events (the host brings them to the same position first).
 */
export async function compareBuilds(
  db: ReadModelDb,
  name: string,
  liveBuild: number,
  candidateBuild: number,
): Promise<BuildComparison> {
  const registry = new ProjectionRegistry(db);
  const tablesOf = async (build: number) => {
    const tables = new Map<string, string>();
    for (const table of await registry.tablesOf(name, build)) {
      if (await isTable(db, table)) tables.set(baseName(table, build), table);
    }
    return tables;
  };
  const live = await tablesOf(liveBuild);
  const candidate = await tablesOf(candidateBuild);
  const result: TableComparison[] = [];
  for (const base of [...new Set([...live.keys(), ...candidate.keys()])].sort()) {
    const liveRows = live.has(base) ? await rowsOf(db, live.get(base)!) : new Map<string, number>();
    const candidateRows = candidate.has(base)
      ? await rowsOf(db, candidate.get(base)!)
      : new Map<string, number>();
    let differing = 0;
    for (const key of new Set([...liveRows.keys(), ...candidateRows.keys()])) {
      differing += Math.abs((liveRows.get(key) ?? 0) - (candidateRows.get(key) ?? 0));
    }
    const total = (rows: Map<string, number>) => [...rows.values()].reduce((a, b) => a + b, 0);
    result.push({
      table: base,
      liveRows: total(liveRows),
      candidateRows: total(candidateRows),
      differingRows: differing,
    });
  }
  return { identical: result.every((t) => t.differingRows === 0), tables: result };
}

/** Drops a build's tables (their indexes go with them). */
export async function dropBuildTables(db: ReadModelDb, name: string, build: number): Promise<void> {
  const registry = new ProjectionRegistry(db);
  for (const table of await registry.tablesOf(name, build)) {
    if (await isTable(db, table)) await db.run(`DROP TABLE IF EXISTS ${assertIdentifier(table)}`);
  }
}
