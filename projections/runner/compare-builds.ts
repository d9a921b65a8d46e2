import { ProjectionRegistry } from './projection-registry.js';
import type { ReadModelDb } from './read-model-db.js';
import { assertIdentifier, columnsOf, isTable } from './sql-dialect.js';

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

const countRows = async (db: ReadModelDb, table: string) =>
  Number((await db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${assertIdentifier(table)}`))!.n);

/**
 * Rows in one table and not the other, as multisets, computed by the database: each distinct row's count
 * in the live table minus its count in the candidate, summed as absolute values. Nothing is loaded into
 * memory, so tables of any size compare (GROUP BY treats NULLs as equal, as a comparison must).
 */
async function differingRows(db: ReadModelDb, live: string, candidate: string): Promise<number> {
  const columns = await columnsOf(db, live);
  const candidateColumns = await columnsOf(db, candidate);
  if (columns.join() !== candidateColumns.join()) {
    return (await countRows(db, live)) + (await countRows(db, candidate));
  }
  const list = columns.map((c) => `"${assertIdentifier(c)}"`).join(', ');
  const row = await db.get<{ n: number | string | null }>(
    `SELECT SUM(ABS(d)) AS n FROM (
       SELECT ${list}, SUM(side) AS d FROM (
         SELECT ${list}, 1 AS side FROM ${assertIdentifier(live)}
         UNION ALL SELECT ${list}, -1 AS side FROM ${assertIdentifier(candidate)}
       ) AS both_builds GROUP BY ${list}
     ) AS per_row`,
  );
  return Number(row?.n ?? 0);
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
    const liveTable = live.get(base);
    const candidateTable = candidate.get(base);
    const liveRows = liveTable ? await countRows(db, liveTable) : 0;
    const candidateRows = candidateTable ? await countRows(db, candidateTable) : 0;
    result.push({
      table: base,
      liveRows,
      candidateRows,
      differingRows:
        liveTable && candidateTable
          ? await differingRows(db, liveTable, candidateTable)
          : liveRows + candidateRows,
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
