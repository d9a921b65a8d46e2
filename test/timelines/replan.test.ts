import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ServiceMetrics } from '../../src/platform/metrics/service-metrics.js';
import { buildEngine } from '../support/engine.js';
import { generateHistory } from '../projections/support/history.js';

/**
 * A new planner version (a new `timeline_deadlines_v<N>` table) plans every deadline again from the log, and
 * those already due are fired once more. Every deadline command re-checks the account when it fires, so
 * firing the whole past again stores nothing: the upgrade costs a burst of no-ops, never a second effect.
 */
describe('re-planning from the log (a new planner version)', () => {
  it('fires the past deadlines again and stores nothing', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 12, months: 3, stepsPerMonth: 5 });
    const head = await store.headPosition();
    const engine = await buildEngine({ start: '2026-04-02T09:00:00.000Z', store });
    const db = new SqliteReadModelDb(':memory:');
    const timelines = engine.timelines({ timelines: db });
    try {
      await timelines.start();
      const fired = await timelines.advanceTo('2026-04-02T09:00:00.000Z', engine.clock);
      expect(fired.length).toBeGreaterThan(100);
      const outcomes = new Set(fired.map((f) => f.outcome.replace(/: .*/, '')));
      expect([...outcomes].every((o) => ['no-op', 'closed', 'rejected'].includes(o))).toBe(true);
      expect(await store.headPosition()).toBe(head);
      // billing_deadlines_fired_total agrees with what fired: a close acted, the rest were no-ops or rejected.
      const { values } = await engine.context.get(ServiceMetrics).deadlinesFired.get();
      const counted = (outcome: string) =>
        values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
      const firedAs = (prefix: string) => fired.filter((f) => f.outcome.startsWith(prefix)).length;
      expect({
        acted: counted('acted'),
        noOp: counted('no-op'),
        rejected: counted('rejected'),
        error: counted('error'),
      }).toEqual({
        acted: firedAs('closed'),
        noOp: firedAs('no-op'),
        rejected: firedAs('rejected'),
        error: 0,
      });
      expect(counted('no-op') + counted('rejected')).toBeGreaterThan(0);
      expect(values.every((v) => v.labels.kind !== undefined && v.labels.kind !== 'unknown')).toBe(true);
    } finally {
      await timelines.stop();
      await engine.close();
      await db.close();
      await store.close();
    }
  }, 120_000);
});
