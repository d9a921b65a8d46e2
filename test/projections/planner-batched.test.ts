import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { timelinePlannerProjection } from '../../projections/workers/timeline-planner.projection.js';
import { generateHistory } from './support/history.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { appendRareEvents } from './support/rare-events.js';
import { timelinePlannerReference } from './support/timeline-planner-reference.js';
import { dumpTables } from './support/table-dump.js';

const TABLES = ['timeline_accounts', 'timeline_deadlines'];

const dump = (db: ReadModelDb, table: (name: string) => string) => dumpTables(db, table, TABLES);

/**
 * Builds the planner up to the head. The log ends with a charge of an account never opened, which the
 * planner refuses: the runner commits everything before it and stops there, naming it.
 */
async function build(store: SqliteEventStore, db: ReadModelDb, projection: Projection, batchSize: number) {
  const runner = new ProjectionRunner(store, db, projection, { batchSize });
  await runner.prepare();
  await expect(runner.applyUntil((await store.headPosition())!)).rejects.toThrow(
    /No AccountOpened seen for acc-ghost/,
  );
  expect(runner.status.lastError?.position).toBe((await store.headPosition())!.toString());
  return { runner, rows: await dump(db, runner.table) };
}

describe('the deadline planner batches its writes: the same rows as one statement per change', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  let expected: Record<string, string[]>;
  const profiles = new ProfileRegistry();
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 16, months: 3, stepsPerMonth: 5, seed: 11 });
    await appendRareEvents(store);
    const reference = await build(
      store,
      track(new SqliteReadModelDb(':memory:')),
      timelinePlannerReference(profiles),
      500,
    );
    expected = reference.rows;
    cluster = await startPgCluster();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it('the history plans deadlines of many kinds, some met by a close, and a retention', () => {
    expect(expected.timeline_accounts!.length).toBe(16);
    const rows = expected.timeline_deadlines!.map((r) => new Map(JSON.parse(r) as Array<[string, string]>));
    const kinds = new Set(rows.map((r) => r.get('kind')));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    expect(kinds).toContain('end-document-retention');
    expect(rows.some((r) => r.get('outcome') === 'met: period closed')).toBe(true);
    expect(rows.some((r) => r.get('status') === 'pending')).toBe(true);
  });

  it.each([1, 9, 500, 5000])(
    'on SQLite, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const { rows } = await build(
        store,
        track(new SqliteReadModelDb(':memory:')),
        timelinePlannerProjection(profiles),
        batchSize,
      );
      expect(rows).toEqual(expected);
    },
    120_000,
  );

  it.each([13, 5000])(
    'on PostgreSQL, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
      const { rows } = await build(store, db, timelinePlannerProjection(profiles), batchSize);
      expect(rows).toEqual(expected);
    },
    120_000,
  );

  it('a batch starting at a contract change reads the account once, with the time zone the table keeps', async () => {
    const planner = timelinePlannerProjection(profiles);
    const events = await store.readAll({ maxCount: 1_000_000, filter: planner.filter });
    const changed = events.findLast((e) => e.type === 'ContractChanged')!;
    const db = track(new SqliteReadModelDb(':memory:'));
    const runner = new ProjectionRunner(store, db, planner, { batchSize: 5000 });
    await runner.prepare();
    await runner.applyUntil(changed.position - 1n);
    // One batch from the change on: the period opened after it plans in the account's time zone.
    await expect(runner.applyUntil((await store.headPosition())!)).rejects.toThrow(/acc-ghost/);
    expect(await dump(db, runner.table)).toEqual(expected);
  });

  it('outside a transaction (each event written at once) the tables equal the reference', async () => {
    const db = track(new SqliteReadModelDb(':memory:'));
    const table = (name: string) => `${name}_fold`;
    const planner = timelinePlannerProjection(profiles);
    await planner.setup(db, table);
    const events = await store.readAll({ maxCount: 1_000_000, filter: planner.filter });
    for (const recorded of events.slice(0, -1)) await planner.apply(db, recorded, table);
    await expect(planner.apply(db, events.at(-1)!, table)).rejects.toThrow(/acc-ghost/);
    expect(await dump(db, table)).toEqual(expected);
  });
});
