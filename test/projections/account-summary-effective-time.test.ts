import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountStatusProjection } from '../../projections/account-status.projection.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { accountStatusReference } from './support/account-status-reference.js';
import { generateHistory } from './support/history.js';
import { buildToHead, dumpTables } from './support/table-dump.js';

/**
 * The account summary keeps each period's latest effective time as a canonical instant. A canonical
 * effectiveAt is taken as it is and two canonical ones compared as text (no Date made, issue 18); any other
 * form — an offset, no milliseconds, unreadable, absent — must still come out as the reference (the
 * projection's code before) has it: parsed, printed canonically, compared by instant.
 */
describe('account summary: the latest effective time, whatever form effectiveAt is written in', () => {
  const dbs: ReadModelDb[] = [];
  let store: SqliteEventStore;

  /** The same instant, or another one, written as the engine would not write it. */
  const forms: Array<(at: string) => unknown> = [
    (at) => at,
    (at) => new Date(Date.parse(at) + 3 * 3_600_000).toISOString().replace('.000Z', '+03:00'),
    (at) => at.replace(/\.\d{3}Z$/, 'Z'),
    (at) => new Date(Date.parse(at) - 86_400_000).toISOString(),
    () => undefined,
    (at) => new Date(Date.parse(at) + 86_400_000).toISOString().replace('Z', '+00:00'),
  ];

  beforeAll(async () => {
    const generated = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(generated, { accounts: 6, months: 2, stepsPerMonth: 4, seed: 5 });
    // The same log, each event's effectiveAt rewritten in turn in one of the forms.
    store = SqliteEventStore.open({ path: ':memory:' });
    const events = await generated.readAll({ maxCount: 1_000_000 });
    // One unreadable time, late in a period: the summary then keeps the far future for that period.
    const unreadable = events.findLast((e) => e.type === 'ResourceConsumed')!;
    // And one past year 9999 opening another account's last period (toISOString's six-digit form, which
    // text order does not sort): the period's later times must not replace it.
    const account = (e: { streamId: string }) => e.streamId.split('@')[0];
    const lastOpened = new Map(
      events.filter((e) => e.type === 'PeriodOpened').map((e) => [account(e), e] as const),
    );
    const farFuture = [...lastOpened.values()].find(
      (opened) =>
        account(opened) !== account(unreadable) &&
        events.some((e) => e.streamId === opened.streamId && e.position > opened.position),
    )!;
    for (const [i, e] of events.entries()) {
      const { effectiveAt, ...metadata } = e.metadata;
      const written =
        e === unreadable
          ? 'not a time'
          : e === farFuture
            ? '+010000-01-01T00:00:00.000Z'
            : forms[i % forms.length]!(String(effectiveAt));
      await store.append(e.streamId, [
        {
          id: e.id,
          type: e.type,
          data: e.data,
          metadata: written === undefined ? metadata : { ...metadata, effectiveAt: written },
        },
      ]);
    }
    await generated.close();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
  });

  const summaries = async (projection: typeof accountStatusProjection) => {
    const db = new SqliteReadModelDb(':memory:');
    dbs.push(db);
    const runner = await buildToHead(store, db, projection, 500);
    return (await dumpTables(db, runner.table, ['account_summary'])).account_summary!;
  };

  it('account_summary equals the reference, every form present in the log', async () => {
    const expected = await summaries(accountStatusReference);
    expect(expected.length).toBe(6);
    // Non-canonical and unreadable times did reach the rows (else this would prove nothing).
    expect(expected.some((row) => row.includes('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(expected.some((row) => row.includes('+010000-01-01T00:00:00.000Z'))).toBe(true);
    expect(await summaries(accountStatusProjection)).toEqual(expected);
  }, 120_000);
});
