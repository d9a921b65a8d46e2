import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountBalancesProjection } from '../../projections/account-balances.projection.js';
import { billingReportProjection } from '../../projections/billing-report.projection.js';
import { costsProjection } from '../../projections/costs.projection.js';
import type { Projection } from '../../projections/runner/projection.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { accountBalancesReference } from './support/account-balances-reference.js';
import { billingReportReference } from './support/billing-report-reference.js';
import { costsReference } from './support/costs-reference.js';
import { generateHistory } from './support/history.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { buildToHead, dumpTables } from './support/table-dump.js';

/** Each batched projection beside its previous code (one statement per row change), and its tables. */
const PAIRS: Array<{ batched: Projection; reference: Projection; tables: string[] }> = [
  {
    batched: accountBalancesProjection,
    reference: accountBalancesReference,
    tables: ['balance_accounts', 'balance_history', 'balance_grants', 'balance_bills'],
  },
  {
    batched: billingReportProjection,
    reference: billingReportReference,
    tables: ['billing_report_accounts', 'billing_report_daily', 'billing_report_corrections'],
  },
  { batched: costsProjection, reference: costsReference, tables: ['cost_accounts', 'cost_daily'] },
];

const dump = dumpTables;

const build = buildToHead;

describe('batched read models equal their one-statement-per-change versions on an engine-made history', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 16, months: 3, stepsPerMonth: 5, seed: 11 });
    cluster = await startPgCluster();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it.each(PAIRS.map((p) => [p.batched.name, p] as const))(
    '%s: SQLite in batches of 1, 9 and 500 and PostgreSQL in batches of 500 give the reference rows',
    async (_name, { batched, reference, tables }) => {
      const expectedDb = track(new SqliteReadModelDb(':memory:'));
      const expectedRunner = await build(store, expectedDb, reference, 500);
      const expected = await dump(expectedDb, expectedRunner.table, tables);
      for (const table of tables.slice(0, 2))
        expect({ table, rows: expected[table]!.length > 10 }).toEqual({ table, rows: true });
      for (const batchSize of [1, 9, 500]) {
        const db = track(new SqliteReadModelDb(':memory:'));
        const runner = await build(store, db, batched, batchSize);
        expect({ batchSize, rows: await dump(db, runner.table, tables) }).toEqual({
          batchSize,
          rows: expected,
        });
      }
      const pg = track(new PostgresReadModelDb(await cluster.freshSchema()));
      const pgRunner = await build(store, pg, batched, 500);
      expect(await dump(pg, pgRunner.table, tables)).toEqual(expected);
    },
    120_000,
  );
});
