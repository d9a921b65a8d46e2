import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { ReadModelDb, SqlValue } from '../../projections/runner/read-model-db.js';
import {
  TIMELINE_PLANNER,
  timelinePlannerProjection,
} from '../../projections/workers/timeline-planner.projection.js';
import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import type { LedgerEvent } from '../../src/domain/ledger/ledger-events.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { PLANNING_LEDGER_EVENTS } from '../../src/domain/timelines/deadline-plan.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ledgerStreamParts } from '../../src/platform/event-store/stream-names.js';
import { generateHistory } from '../projections/support/history.js';

/** The planner's database, counting the reads of an account's time zone and profile. */
function countingReads(db: SqliteReadModelDb) {
  const reads: string[] = [];
  const counting: ReadModelDb = Object.assign(Object.create(db) as ReadModelDb, {
    get: <T>(sql: string, params?: SqlValue[]) => {
      if (sql.includes('timeline_accounts')) reads.push(String(params?.[0]));
      return db.get<T>(sql, params);
    },
  });
  return { db: counting, reads };
}

/**
 * Issue 18 (the command path): the planner reads the account's row only for the ledger events that may plan a
 * deadline — a charge (most of the log) plans none and costs no read — and plans the same deadlines.
 */
describe('the timeline planner reads an account only for events that may plan', () => {
  it('a generated history: one read per planning ledger event, none for charges, and every deadline planned', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 8, months: 2, stepsPerMonth: 4 });
    const events = await store.readAll();
    const sqlite = new SqliteReadModelDb(':memory:');
    const { db, reads } = countingReads(sqlite);
    const planner = timelinePlannerProjection(new ProfileRegistry());
    const table = (name: string) => `test_${name}`;
    await planner.setup(db, table);
    for (const event of events) await planner.apply(db, event, table);

    const ledgerEvents = events.filter((e) => ledgerStreamParts(e.streamId));
    const planning = ledgerEvents.filter((e) => PLANNING_LEDGER_EVENTS.has(e.type as LedgerEvent['type']));
    const charges = ledgerEvents.filter((e) => e.type === 'ResourceConsumed');
    expect(charges.length).toBeGreaterThan(0);
    expect(planning.length).toBeLessThan(ledgerEvents.length);
    expect(reads).toHaveLength(planning.length);
    // Every period opened planned its close (the deadline the month end depends on).
    const closes = await sqlite.all<{ id: string }>(
      `SELECT id FROM test_timeline_deadlines WHERE kind = 'period-close'`,
    );
    expect(closes).toHaveLength(events.filter((e) => e.type === 'PeriodOpened').length);
    await sqlite.close();
    await store.close();
  });
  it("its subscription's filter leaves out only events that change nothing: the same tables as from every event", async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 10, months: 3, stepsPerMonth: 5, seed: 7 });
    const events = await store.readAll();
    const filter = TIMELINE_PLANNER.filter!;
    const kept = (e: RecordedEvent) =>
      filter.streamPrefixes!.some((prefix) => e.streamId.startsWith(prefix)) &&
      filter.eventTypes!.includes(e.type);
    const tables = async (applied: RecordedEvent[]) => {
      const db = new SqliteReadModelDb(':memory:');
      const planner = timelinePlannerProjection(new ProfileRegistry());
      const table = (name: string) => `test_${name}`;
      await planner.setup(db, table);
      for (const event of applied) await planner.apply(db, event, table);
      const rows = {
        accounts: await db.all('SELECT * FROM test_timeline_accounts ORDER BY account_id'),
        deadlines: await db.all('SELECT * FROM test_timeline_deadlines ORDER BY id'),
      };
      await db.close();
      return rows;
    };
    const filtered = events.filter(kept);
    // The filter matters (every charge is left out) and the history plans many kinds of deadline.
    expect(events.filter((e) => e.type === 'ResourceConsumed').length).toBeGreaterThan(50);
    expect(filtered.filter((e) => e.type === 'ResourceConsumed')).toEqual([]);
    const all = await tables(events);
    expect(new Set(all.deadlines.map((d) => (d as { kind: string }).kind)).size).toBeGreaterThan(3);
    expect(await tables(filtered)).toEqual(all);
    await store.close();
  });
});
