import fc from 'fast-check';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, foldLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { periodHistory } from './ledger-history.fixtures.js';
import { consume, contextFor, periodOpened } from './ledger.fixtures.js';

/**
 * foldLedger loads a period faster than reducing its events with evolveLedger: a charge changes in place the
 * maps (and state object) the fold itself made at an earlier charge. It must give the very same state, and
 * leave the state it starts from, and everything reachable from it, as it was (issue 18).
 */
/** Random March histories with projects on some charges: their events in order. */
const history = periodHistory({ projects: true }).map((h) => h.events);

const charges = (events: readonly LedgerEvent[]) =>
  events.filter((e) => e.type === 'ResourceConsumed').length;

describe('foldLedger', () => {
  it('gives the state evolveLedger gives, event by event, on random histories of every built-in profile', () => {
    let charged = 0;
    fc.assert(
      fc.property(history, (events) => {
        charged += charges(events);
        expect(foldLedger(events)).toEqual(events.reduce(evolveLedger, initialLedgerState()));
      }),
      { numRuns: 300, seed: 18 },
    );
    // The histories did charge, in runs of several (a property over no charges would prove nothing).
    expect(charged).toBeGreaterThan(1000);
  });

  it('leaves the state it starts from as it was, and folding on from it agrees with evolveLedger', () => {
    fc.assert(
      fc.property(history, fc.nat(), (events, cut) => {
        const at = cut % events.length;
        const from: LedgerState = foldLedger(events.slice(0, at));
        const fromAgain = events.slice(0, at).reduce(evolveLedger, initialLedgerState());
        const after = foldLedger(events.slice(at), from);
        expect(after).toEqual(events.reduce(evolveLedger, initialLedgerState()));
        // The fold changed nothing it was given: `from` still equals the state before those events.
        expect(from).toEqual(fromAgain);
      }),
      { numRuns: 300, seed: 1818 },
    );
  });

  it('changes none of the maps of a state it did not make (a cached state folded on)', () => {
    const events = [
      periodOpened({ balance: '1000' }),
      ...['a', 'b', 'c'].map((id) => consume(`u-${id}`, 'compute.vcpu', '1')),
    ];
    const context = contextFor('vk-individual-prepaid');
    let state = foldLedger([events[0] as LedgerEvent]);
    const decided: LedgerEvent[] = [];
    for (const command of events.slice(1)) {
      const decision = decideLedger(command as Parameters<typeof decideLedger>[0], state, context);
      if (!decision.ok) throw new Error(decision.message);
      decided.push(...decision.events);
      state = foldLedger(decision.events, state);
    }
    const held = { bySku: new Map(state.bySku), byService: new Map(state.byService), state: { ...state } };
    const bySku = state.bySku;
    const more = decideLedger(consume('u-d', 'compute.vcpu', '2'), state, context);
    if (!more.ok) throw new Error(more.message);
    foldLedger(more.events, state);
    expect(state.bySku).toBe(bySku);
    expect(new Map(state.bySku)).toEqual(held.bySku);
    expect(new Map(state.byService)).toEqual(held.byService);
    expect({ ...state }).toEqual(held.state);
    expect(charges(decided)).toBe(3);
  });
});
