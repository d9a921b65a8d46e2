import type { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { ProjectionRunner } from '../../../projections/runner/projection-runner.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';

/** The tables as sorted canonical rows (values as text, so SQLite and PostgreSQL compare equal). */
export async function dumpTables(
  db: ReadModelDb,
  table: (name: string) => string,
  tables: readonly string[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of tables) {
    const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table(name)}`);
    out[name] = rows
      .map((row) =>
        JSON.stringify(
          Object.keys(row)
            .sort()
            .map((k) => [k, row[k] === null ? null : String(row[k])]),
        ),
      )
      .sort();
  }
  return out;
}

/** Builds `projection` from nothing up to the log's head in batches of `batchSize`; it must not fail. */
export async function buildToHead(
  store: SqliteEventStore,
  db: ReadModelDb,
  projection: Projection,
  batchSize: number,
): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(store, db, projection, { batchSize });
  await runner.prepare();
  await runner.applyUntil((await store.headPosition())!);
  expect(runner.status.lastError).toBeUndefined();
  return runner;
}
