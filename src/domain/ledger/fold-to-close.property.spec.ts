import fc from 'fast-check';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, foldLedger, foldLedgerToClose, type LedgerState } from './ledger-state.js';
import { periodHistory } from './ledger-history.fixtures.js';
import { contextFor, MARCH } from './ledger.fixtures.js';

/**
 * foldLedgerToClose loads a period for its month-end close without the per-hour charges and the usage record
 * ids, which only the command path reads (issue 18). Everything else must be foldLedger's, and the close —
 * accepted or refused, early for a closing account, or asked before the period ended — must decide the same
 * events, so the period closes with the same carry-over.
 */
const history = periodHistory({ projects: true }).map(({ profileId, commands }) => ({
  profileId,
  events: commands.flat(),
}));

/** The state without the parts the close fold leaves out. */
const withoutCommandPathState = (state: LedgerState) => ({
  ...state,
  hourlyCharges: undefined,
  usageRecords: undefined,
});

/** Before March ended, as it ended, after it (accepted), and ended early at a closing account's closure. */
const closing: fc.Arbitrary<{ at: string; closureRequestedAt?: string }> = fc.oneof(
  fc.record({ at: fc.constantFrom('2026-03-20T10:00:00.000Z', '2026-04-01T00:05:00.000Z') }),
  fc.record({
    at: fc.constant('2026-04-01T00:05:00.000Z'),
    closureRequestedAt: fc
      .integer({ min: Date.parse(MARCH.startsAt) + 1, max: Date.parse(MARCH.endsAt) - 1 })
      .map((ms) => new Date(ms).toISOString()),
  }),
);

describe('foldLedgerToClose', () => {
  it("is foldLedger's state but for the per-hour charges and usage record ids, which it leaves empty", () => {
    let charged = 0;
    fc.assert(
      fc.property(history, ({ events }) => {
        const full = foldLedger(events);
        const light = foldLedgerToClose(events);
        expect(withoutCommandPathState(light)).toEqual(withoutCommandPathState(full));
        expect(light.usageRecords.size).toBe(0);
        charged += full.usageRecords.size;
      }),
      { numRuns: 200, seed: 18 },
    );
    // The histories did charge (a property over no charges would prove nothing).
    expect(charged).toBeGreaterThan(500);
  });

  it('closes a period as a close on the whole state does: the same events, refusals and carry-over', () => {
    let closed = 0;
    let early = 0;
    fc.assert(
      fc.property(history, closing, ({ profileId, events }, { at, closureRequestedAt }) => {
        const context = {
          ...contextFor(profileId),
          ...(closureRequestedAt ? { closureRequestedAt } : {}),
        };
        const close = (state: LedgerState) =>
          decideLedger({ type: 'ClosePeriod', at, timeZone: 'Europe/Moscow' }, state, context);
        const onWhole = close(foldLedger(events));
        const onLight = close(foldLedgerToClose(events));
        expect(onLight).toEqual(onWhole);
        if (onWhole.ok) {
          closed++;
          if (closureRequestedAt) early++;
          const after = (state: LedgerState) => (onWhole.events as LedgerEvent[]).reduce(evolveLedger, state);
          expect(after(foldLedgerToClose(events)).closedCarry).toEqual(after(foldLedger(events)).closedCarry);
        }
      }),
      { numRuns: 200, seed: 1818 },
    );
    // Real closes, early ones among them, not only refusals.
    expect(closed).toBeGreaterThan(60);
    expect(early).toBeGreaterThan(20);
  });
});
