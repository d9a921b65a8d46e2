import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import {
  accountStream,
  alertsStream,
  ledgerStreamParts,
} from '../../src/platform/event-store/stream-names.js';
import type { NewEvent } from '../../src/platform/event-store/event-store.port.js';
import { accountStatusProjection } from '../../projections/account-status.projection.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { accountStatusReference } from './support/account-status-reference.js';
import { generateHistory } from './support/history.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

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

async function dump(db: ReadModelDb, table: (name: string) => string) {
  const out: Record<string, string[]> = {};
  for (const name of TABLES) {
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

async function build(store: SqliteEventStore, db: ReadModelDb, projection: Projection, batchSize: number) {
  const runner = new ProjectionRunner(store, db, projection, { batchSize });
  await runner.prepare();
  await runner.applyUntil((await store.headPosition())!);
  expect(runner.status.lastError).toBeUndefined();
  return runner;
}

const event = (type: string, data: unknown, at: string): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { effectiveAt: at, recordedAt: at },
});

/**
 * After the engine-made history, what it does not make: payment method and contract changes, budgets set
 * and ended, closure requested, an account deleted, an account opened twice, a charge booked in a period
 * older than the account's latest, and a charge in the ledger of an account never opened.
 */
async function appendRareEvents(store: SqliteEventStore): Promise<void> {
  const at = '2026-04-03T10:00:00.000Z';
  const all = await store.readAll({ maxCount: 1_000_000 });
  const opened = all.find((e) => e.type === 'AccountOpened')!;
  const charge = all.find((e) => e.type === 'ResourceConsumed')!;
  const { accountId, periodId } = ledgerStreamParts(charge.streamId)!;
  await store.append(accountStream('acc-001'), [
    event('PaymentMethodChanged', { accountId: 'acc-001', at, paymentMethod: 'bank-transfer' }, at),
    event(
      'ContractChanged',
      {
        accountId: 'acc-001',
        at,
        contract: 'individual-contract',
        paymentScheme: 'prepaid',
        profileId: 'vk-legal-prepaid',
        profileVersion: 1,
      },
      at,
    ),
    event('AccountClosureRequested', { accountId: 'acc-001', at, reason: 'moving', by: 'owner' }, at),
  ]);
  await store.append(accountStream('acc-002'), [
    event('AccountDeleted', { accountId: 'acc-002', at, reason: 'test', erased: [] }, at),
  ]);
  // Opened again: every table keeps its first row.
  await store.append(opened.streamId, [
    event('AccountOpened', { ...(opened.data as object), openedAt: at }, at),
  ]);
  const budget = { scope: 'account', amount: '100', currency: 'RUB', thresholds: [50, 100], channels: [] };
  await store.append(alertsStream('acc-003'), [
    event('BudgetSet', { budgetId: 'b-1', ...budget, at }, at),
    event('BudgetSet', { budgetId: 'b-2', ...budget, at }, at),
    event('BudgetEnded', { budgetId: 'b-1', at }, at),
  ]);
  // An earlier period of its account (already followed by later ones), and an account never opened.
  await store.append(charge.streamId, [event('ResourceConsumed', charge.data, at)]);
  await store.append(charge.streamId.replace(accountId, 'acc-ghost'), [
    event('ResourceConsumed', { ...(charge.data as object), accountId: 'acc-ghost' }, at),
  ]);
  expect(periodId < '2026-03').toBe(true);
}

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
