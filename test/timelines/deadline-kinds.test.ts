import { isDeadlineKind } from '../../src/domain/timelines/deadline-kinds.js';
import { startTimelines } from './timeline-harness.js';

describe('the planner stores each deadline with its kind', () => {
  it('a second-provider account out of funds: period close, notices and the suspension, then its deletion', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    try {
      await t.open({ accountId: 'kinds', profileId: 'yc-legal-prepaid', contract: 'public-offer' });
      await t.topUp('kinds', 'p1', '100');
      t.clock.set('2026-03-05T09:00:00.000Z');
      await t.use('kinds', 'u1', '110');
      await t.engine.settle();
      const pending = await t.engine.pending('kinds');
      // Ordered by due time, then by the order ties fire in (the last notice before the suspension).
      expect(pending.map((d) => [d.kind, d.dueAt])).toEqual([
        ['suspension-notice', '2026-03-05T09:00:00.000Z'],
        ['suspension-notice', '2026-03-09T09:00:00.000Z'],
        ['suspension-notice', '2026-03-12T09:00:00.000Z'],
        ['suspend', '2026-03-12T09:00:00.000Z'],
        ['period-close', '2026-03-31T21:00:00.000Z'],
      ]);
      await t.advanceTo('2026-03-13T00:00:00.000Z');
      const after = await t.engine.pending('kinds');
      expect(after.map((d) => d.kind)).toEqual(
        expect.arrayContaining(['penalty', 'period-close', 'delete-account']),
      );
      // Read back from the planner's table (its kind column), in the shared vocabulary.
      expect([...pending, ...after].filter((d) => !isDeadlineKind(d.kind))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
