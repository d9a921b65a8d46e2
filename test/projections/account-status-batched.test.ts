import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountStatusProjection } from '../../projections/account-status.projection.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { accountStatusReference } from './support/account-status-reference.js';
import { generateHistory } from './support/history.js';
import { appendRareEvents } from './support/rare-events.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { buildToHead, dumpTables } from './support/table-dump.js';

const TABLES = [
  'account_status',
  'account_status_history',
  'account_summary',
  'account_list',
  'account_budgets',
  'account_period_spend',
  'refunds',
  'refund_parts',
];

const dump = (db: ReadModelDb, table: (name: string) => string) => dumpTables(db, table, TABLES);

const build = buildToHead;

describe('account-status batches its writes: the same rows as one statement per change', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  let expected: Record<string, string[]>;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 16, months: 3, stepsPerMonth: 5, seed: 11 });
    await appendRareEvents(store);
    const db = track(new SqliteReadModelDb(':memory:'));
    const runner = await build(store, db, accountStatusReference, 500);
    expected = await dump(db, runner.table);
    cluster = await startPgCluster();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it('the history fills every table (statuses beyond active, budgets, refunds, several periods)', () => {
    for (const name of TABLES)
      expect({ name, rows: expected[name]!.length > 0 }).toEqual({ name, rows: true });
    const statuses = new Set(expected.account_status_history!.map((r) => JSON.parse(r)[5][1] as string));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['active', 'closing', 'deleted', 'frozen']));
    expect(expected.account_summary!.some((r) => r.includes('"closure_requested_at","2026-04-03'))).toBe(
      true,
    );
  });

  it.each([1, 9, 500, 5000])(
    'on SQLite, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new SqliteReadModelDb(':memory:'));
      const runner = await build(store, db, accountStatusProjection, batchSize);
      expect(await dump(db, runner.table)).toEqual(expected);
    },
    120_000,
  );

  it.each([13, 5000])(
    'on PostgreSQL, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
      const runner = await build(store, db, accountStatusProjection, batchSize);
      expect(await dump(db, runner.table)).toEqual(expected);
    },
    120_000,
  );

  it('outside a transaction (each event written at once) the tables equal the reference', async () => {
    const db = track(new SqliteReadModelDb(':memory:'));
    const table = (name: string) => `${name}_fold`;
    await accountStatusProjection.setup(db, table);
    for (const recorded of await store.readAll({
      maxCount: 1_000_000,
      filter: accountStatusProjection.filter,
    }))
      await accountStatusProjection.apply(db, recorded, table);
    expect(await dump(db, table)).toEqual(expected);
  });
});
