import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
import { billingReportProjection } from '../../projections/billing-report.projection.js';
import { costsProjection } from '../../projections/costs.projection.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { billingReportReference } from './support/billing-report-reference.js';
import { costsReference } from './support/costs-reference.js';
import { generateHistory } from './support/history.js';
import { buildToHead, dumpTables } from './support/table-dump.js';

type Charge = LedgerEventOf<'ResourceConsumed'>['data'];

/**
 * billing-report and costs hold a batch's sums as decimals and print them at the flush. Amounts as events
 * may write them ('1.50', '0.10', '2.000') must come out as the one-statement-per-change code wrote them:
 * a cost row of one charge keeps the event's text, sums are printed plainly — whatever the batch size.
 */
describe('report sums held per batch print as the previous code printed them', () => {
  let store: SqliteEventStore;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 3, months: 1, stepsPerMonth: 3, seed: 7 });
    const charge = (await store.readAll({ maxCount: 1_000_000 })).find((e) => e.type === 'ResourceConsumed')!;
    const base = charge.data as Charge;
    const like = (resourceId: string, amount: string, quantity: string, extra: Partial<Charge> = {}) => ({
      id: randomUUID(),
      type: 'ResourceConsumed',
      data: {
        ...base,
        usageRecordId: randomUUID(),
        resourceId,
        quantity,
        amount,
        fromGrants: [],
        fromBalance: amount,
        fromBalanceBy: [{ source: 'card', amount }],
        ...extra,
      } satisfies Charge,
      metadata: charge.metadata,
    });
    await store.append(charge.streamId, [
      // Alone on its day and resource: its row is that one charge.
      like('res-alone', '1.50', '3.0'),
      // Three on one row, then one more after other events (a later batch adds to the stored row).
      like('res-shared', '0.10', '1.00'),
      like('res-shared', '2.000', '0.50', {
        fromGrants: [{ grantId: 'g-x', amount: '0.500' }],
        fromBalance: '1.500',
        fromBalanceBy: [
          { source: 'bank-transfer', amount: '1.000' },
          { source: 'card', amount: '0.500' },
        ],
      }),
      like('res-shared', '0.30', '0.2'),
      like('res-other', '7.00', '1'),
      like('res-other', '0.01', '1'),
      like('res-shared', '0.05', '0.30'),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
  });

  it.each([
    ['billing-report', billingReportProjection, billingReportReference, ['billing_report_daily']],
    ['costs', costsProjection, costsReference, ['cost_daily']],
  ] as const)(
    '%s: SQLite in batches of 1, 2, 3 and 500 give the reference rows',
    async (_, batched, reference, tables) => {
      const expectedDb = track(new SqliteReadModelDb(':memory:'));
      const expectedRunner = await buildToHead(store, expectedDb, reference, 500);
      const expected = await dumpTables(expectedDb, expectedRunner.table, tables);
      // The rows the appended charges made are there: a cost row of one charge keeps its '1.50'; the shared
      // resource's costs sum to 2.45; the report's day row sums the sources by name.
      const rows = expected[tables[0]]!;
      if (tables[0] === 'cost_daily') {
        expect(rows.some((row) => row.includes('"1.50"'))).toBe(true);
        expect(rows.some((row) => row.includes('"2.45"'))).toBe(true);
      } else {
        expect(rows.some((row) => row.includes('bank-transfer'))).toBe(true);
        expect(rows.some((row) => row.includes('"1.50"'))).toBe(false);
      }
      for (const batchSize of [1, 2, 3, 500]) {
        const db = track(new SqliteReadModelDb(':memory:'));
        const runner = await buildToHead(store, db, batched, batchSize);
        expect({ batchSize, rows: await dumpTables(db, runner.table, tables) }).toEqual({
          batchSize,
          rows: expected,
        });
      }
    },
  );
});
