import { compareBuilds } from '../../projections/runner/compare-builds.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

/** Two builds of a projection `p` with a table `t`, filled with the given rows. */
async function builds(db: ReadModelDb, live: Array<[string, string | null]>, candidate: typeof live) {
  const registry = new ProjectionRegistry(db);
  await registry.ensureSchema();
  for (const [build, rows] of [
    [1, live],
    [2, candidate],
  ] as const) {
    await db.run(`CREATE TABLE t_v${build} (k TEXT NOT NULL, v TEXT)`);
    for (const [k, v] of rows) await db.run(`INSERT INTO t_v${build} (k, v) VALUES ($1, $2)`, [k, v]);
    await registry.recordTables('p', build, [`t_v${build}`]);
  }
}

describe('comparing two builds in the database', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());

  it.each([
    ['SQLite', async () => new SqliteReadModelDb(':memory:') as ReadModelDb],
    ['PostgreSQL', async () => new PostgresReadModelDb(await cluster.freshSchema()) as ReadModelDb],
  ])('on %s: rows compare as multisets, NULL equal to NULL', async (_kind, open) => {
    const db = await open();
    await builds(
      db,
      [
        ['a', '1'],
        ['a', '1'],
        ['b', null],
        ['c', '3'],
      ],
      [
        ['a', '1'],
        ['b', null],
        ['c', '4'],
        ['d', null],
      ],
    );
    // One 'a' missing, 'c' differs (counted on both sides), 'd' only in the candidate.
    expect(await compareBuilds(db, 'p', 1, 2)).toEqual({
      identical: false,
      tables: [{ table: 't', liveRows: 4, candidateRows: 4, differingRows: 4 }],
    });
    await db.run(`DELETE FROM t_v2`);
    for (const [k, v] of [
      ['b', null],
      ['a', '1'],
      ['c', '3'],
      ['a', '1'],
    ] as const)
      await db.run(`INSERT INTO t_v2 (k, v) VALUES ($1, $2)`, [k, v]);
    expect(await compareBuilds(db, 'p', 1, 2)).toEqual({
      identical: true,
      tables: [{ table: 't', liveRows: 4, candidateRows: 4, differingRows: 0 }],
    });
    await db.close();
  });
});
