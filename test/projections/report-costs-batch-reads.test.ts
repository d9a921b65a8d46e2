import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { ChargeCorrection, LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
import { billingReportProjection } from '../../projections/billing-report.projection.js';
import { costsProjection } from '../../projections/costs.projection.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { CountingBatchDb } from './support/counting-batch-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { billingReportReference } from './support/billing-report-reference.js';
import { costsReference } from './support/costs-reference.js';
import { generateHistory } from './support/history.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { appendRareEvents } from './support/rare-events.js';
import { dumpTables } from './support/table-dump.js';

const PAIRS = [
  {
    batched: billingReportProjection,
    reference: billingReportReference,
    tables: ['billing_report_accounts', 'billing_report_daily', 'billing_report_corrections'],
  },
  { batched: costsProjection, reference: costsReference, tables: ['cost_accounts', 'cost_daily'] },
] as const;

/** Builds `projection` from scratch up to the head; it stops at the log's poison event (an account never opened). */
async function rebuild(store: SqliteEventStore, db: ReadModelDb, projection: Projection, batchSize: number) {
  const runner = new ProjectionRunner(store, db, projection, { batchSize });
  await runner.prepare();
  await expect(runner.applyUntil((await store.headPosition())!)).rejects.toThrow(/No AccountOpened seen/);
  return runner;
}

/**
 * billing-report and costs apply a whole batch at once (applyBatch): the batch's accounts and the rows of its
 * charges are read before any event is applied — on PostgreSQL in one statement each, not one per charge. The tables must equal those of the code that
 * read a row per charge, whatever the batch, up to the same poison event.
 */
describe('billing-report and costs read a batch’s rows at once: the same tables as a read per charge', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 12, months: 2, stepsPerMonth: 4, seed: 5 });
    // Corrections (the report lists them, costs add them), one booked twice (the first stays), and two
    // more records on an existing charge's row (summed into a row a batch may already hold).
    const all = await store.readAll({ maxCount: 1_000_000 });
    const charges = all.filter((e) => e.type === 'ResourceConsumed');
    const charge = charges[Math.floor(charges.length / 3)]!;
    const data = charge.data as LedgerEventOf<'ResourceConsumed'>['data'];
    const at = data.windowEnd;
    const correction = (correctionId: string, extra: Partial<ChargeCorrection>): ChargeCorrection => ({
      correctionId,
      kind: 'adjustment',
      correctsPeriod: charge.streamId.split('@')[1]!,
      service: data.service,
      category: data.category,
      amount: '-0.40',
      fromGrants: [],
      fromBalance: '-0.40',
      balanceAfter: '0',
      reason: 'test',
      by: 'ops:test',
      at,
      ...extra,
    });
    const voided = correction('void-1', {
      kind: 'usage-voided',
      sku: data.sku,
      usageRecordId: data.usageRecordId,
      usageWindow: { windowStart: data.windowStart, windowEnd: data.windowEnd },
      amount: `-${data.amount}`,
      fromBalance: `-${data.amount}`,
    });
    const event = (type: string, eventData: unknown) => ({
      id: randomUUID(),
      type,
      data: eventData,
      metadata: charge.metadata,
    });
    await store.append(charge.streamId, [
      event('ChargeCorrected', correction('adj-1', {})),
      event('ChargeCorrected', voided),
      event('ChargeCorrected', { ...voided, reason: 'booked twice' }),
      event('ResourceConsumed', {
        ...data,
        usageRecordId: randomUUID(),
        amount: '0.10',
        fromBalance: '0.10',
      }),
    ]);
    // A first record of its row whose amounts are written as an event may write them ('1.50', '3.0'): the
    // report's row prints them as the domain's sum does ('1.5'), the cost row keeps the text.
    await store.append(charge.streamId, [
      event('ResourceConsumed', {
        ...data,
        usageRecordId: randomUUID(),
        sku: 'text-as-written',
        quantity: '3.0',
        amount: '1.50',
        fromGrants: [],
        fromBalance: '1.50',
        fromBalanceBy: [{ source: 'card', amount: '1.50' }],
      }),
    ]);
    await appendRareEvents(store);
    await store.append(charge.streamId, [
      event('ResourceConsumed', {
        ...data,
        usageRecordId: randomUUID(),
        amount: '2.000',
        fromBalance: '2.000',
      }),
    ]);
    cluster = await startPgCluster();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it.each(PAIRS.map((p) => [p.batched.name, p] as const))(
    '%s: SQLite in batches of 1, 7, 500 and 5 000 and PostgreSQL in 13 and 500 equal the reference, up to the same poison event',
    async (_name, { batched, reference, tables }) => {
      const expectedDb = track(new SqliteReadModelDb(':memory:'));
      const expectedRunner = await rebuild(store, expectedDb, reference, 500);
      const expected = await dumpTables(expectedDb, expectedRunner.table, tables);
      for (const table of tables.slice(1))
        expect({ table, rows: expected[table]!.length > 0 }).toEqual({ table, rows: true });
      expect(expected[tables[1]]!.some((row) => row.includes('text-as-written'))).toBe(true);
      const stoppedAt = expectedRunner.status.position;
      for (const batchSize of [1, 7, 500, 5000]) {
        const db = track(new SqliteReadModelDb(':memory:'));
        const runner = await rebuild(store, db, batched, batchSize);
        expect({ batchSize, at: runner.status.position }).toEqual({ batchSize, at: stoppedAt });
        expect({ batchSize, rows: await dumpTables(db, runner.table, tables) }).toEqual({
          batchSize,
          rows: expected,
        });
      }
      for (const batchSize of [13, 500]) {
        const pg = track(new PostgresReadModelDb(await cluster.freshSchema()));
        const runner = await rebuild(store, pg, batched, batchSize);
        expect({ batchSize, at: runner.status.position }).toEqual({ batchSize, at: stoppedAt });
        expect(await dumpTables(pg, runner.table, tables)).toEqual(expected);
      }
    },
    120_000,
  );

  it.each(PAIRS.map((p) => [p.batched.name, p] as const))(
    '%s: a whole batch reads in at most 2 statements on PostgreSQL, whatever the number of charges',
    async (_name, { batched, reference, tables }) => {
      // Up to the poison event: the first half applied, then the second half in one counted batch.
      const all = (await store.readAll({ maxCount: 1_000_000, filter: batched.filter })).filter(
        (e) => !e.streamId.includes('acc-ghost'),
      );
      const half = Math.floor(all.length / 2);
      const [before, batch] = [all.slice(0, half), all.slice(half)];
      expect(batch.filter((e) => e.type === 'ResourceConsumed').length).toBeGreaterThan(30);
      const table = (name: string) => name;
      const expectedDb = track(new SqliteReadModelDb(':memory:'));
      await reference.setup(expectedDb, table);
      await expectedDb.transaction(async (tx) => {
        for (const event of all) await reference.apply(tx, event, table);
      });
      const expected = await dumpTables(expectedDb, table, tables);
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const db =
          dialect === 'sqlite'
            ? track(new SqliteReadModelDb(':memory:'))
            : track(new PostgresReadModelDb(await cluster.freshSchema()));
        await batched.setup(db, table);
        await db.transaction((tx) => batched.applyBatch!(tx, before, table));
        const reads = await db.transaction(async (tx) => {
          const counting = new CountingBatchDb(tx);
          await batched.applyBatch!(counting, batch, table);
          const reads = counting.statements;
          await counting.flushBatches();
          return reads;
        });
        // PostgreSQL: the accounts and the rows in one statement each. SQLite: a cached statement per key
        // (no round trips there), each key read at most once.
        const limit = dialect === 'postgres' ? 2 : batch.length;
        expect({ dialect, reads: reads <= limit }).toEqual({ dialect, reads: true });
        expect(await dumpTables(db, table, tables)).toEqual(expected);
      }
    },
    60_000,
  );
});
