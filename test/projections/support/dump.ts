import type { Projection } from '../../../projections/runner/projection.js';
import { ProjectionRegistry } from '../../../projections/runner/projection-registry.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import { isTable } from '../../../projections/runner/sql-dialect.js';

export type Dump = Record<string, string[]>;

/**
 * Every live table of every projection, as sorted canonical rows (values as text, so SQLite and
 * PostgreSQL dumps compare equal). Keyed by table name without its build suffix.
 */
export async function dumpReadModels(db: ReadModelDb, projections: Projection[]): Promise<Dump> {
  const registry = new ProjectionRegistry(db);
  const dump: Dump = {};
  for (const projection of projections) {
    const live = await registry.liveBuild(projection.name);
    if (!live) throw new Error(`${projection.name} has no live build`);
    for (const table of await registry.tablesOf(projection.name, live.build)) {
      if (!(await isTable(db, table))) continue;
      const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table}`);
      dump[`${projection.name}/${table.replace(/_v\d+$/, '')}`] = rows
        .map((row) =>
          JSON.stringify(
            Object.keys(row)
              .sort()
              .map((k) => [k, row[k] === null ? null : String(row[k])]),
          ),
        )
        .sort();
    }
  }
  return dump;
}

/** Row counts per table: a readable summary for failure messages and the report. */
export const rowCounts = (dump: Dump) =>
  Object.fromEntries(Object.entries(dump).map(([table, rows]) => [table, rows.length]));
