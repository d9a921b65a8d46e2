import fc from 'fast-check';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, foldLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { consume, contextFor, deposited, grantIssued, periodOpened } from './ledger.fixtures.js';

/**
 * foldLedger loads a period faster than reducing its events with evolveLedger: a charge changes in place the
 * maps (and state object) the fold itself made at an earlier charge. It must give the very same state, and
 * leave the state it starts from, and everything reachable from it, as it was (issue 18).
 */
const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
      quantity: fc.integer({ min: 1, max: 400_000 }),
      project: fc.option(fc.constantFrom('web', 'ml'), { nil: undefined }),
    }),
  },
  fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('grant' as const), amount: fc.integer({ min: 1, max: 500 }) }),
);

/** A random period history, decided step by step as the engine would (rejected commands store nothing). */
const history = fc
  .tuple(
    fc.constantFrom(...BUILT_IN_PROFILES.map((p) => p.id)),
    fc.integer({ min: 0, max: 2000 }),
    fc.constantFrom('0', '1000'),
    fc.array(step, { minLength: 1, maxLength: 40 }),
  )
  .map(([profileId, balance, creditLimit, steps]) => {
    const context = contextFor(profileId);
    const events: LedgerEvent[] = [periodOpened({ balance: String(balance), creditLimit }, profileId)];
    let state = events.reduce(evolveLedger, initialLedgerState());
    steps.forEach((s, i) => {
      const decision =
        s.kind === 'deposit'
          ? { ok: true as const, events: [deposited(String(s.amount), `pay-${i}`)] }
          : s.kind === 'grant'
            ? { ok: true as const, events: [grantIssued(`g-${i}`, String(s.amount))] }
            : decideLedger(
                {
                  ...consume(`u-${i}`, s.sku, `${s.quantity}e-3`),
                  ...(s.project ? { project: s.project } : {}),
                },
                state,
                context,
              );
      if (!decision.ok) return;
      for (const event of decision.events) {
        events.push(event);
        state = evolveLedger(state, event);
      }
    });
    return events;
  });

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
