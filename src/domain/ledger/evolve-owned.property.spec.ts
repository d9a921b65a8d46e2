import fc from 'fast-check';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedgerBefore } from './ledger-state-before.fixtures.js';
import { kopecks } from './ledger-history.fixtures.js';
import { evolveLedger, evolveOwnedLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { consume, contextFor, grantIssued, periodOpened } from './ledger.fixtures.js';

/**
 * Issue 18's command path: a charge's evolution parses each amount once, and the cached state is changed in
 * place between two hand-outs (evolveOwnedLedger, AggregateStreams). Both must give the very state the
 * evolution before them gave (ledger-state-before.fixtures.ts, kept verbatim), and a state handed out must
 * never change afterwards.
 */
const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
      quantity: fc.integer({ min: 0, max: 400_000 }),
      project: fc.option(fc.constantFrom('web', 'ml'), { nil: undefined }),
      // Hours of 10 March: records of one SKU in one hour share its hourly rounding.
      hour: fc.integer({ min: 0, max: 3 }),
      minute: fc.integer({ min: 0, max: 59 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      amount: kopecks(100, 300_000),
      channel: fc.constantFrom('card' as const, 'bank-transfer' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('grant' as const), amount: kopecks(100, 50_000) }),
  },
  // A reader takes the state (LedgerBook.state): from then on it must stay as it is.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hand-out' as const) }) },
);

type Step = { kind: 'event'; event: LedgerEvent } | { kind: 'hand-out' };

/** A random period history decided step by step on the previous evolution's states, with hand-outs. */
const history = fc
  .tuple(
    fc.constantFrom(...BUILT_IN_PROFILES.map((p) => p.id)),
    fc.integer({ min: 0, max: 2000 }),
    fc.constantFrom('0', '1000'),
    fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }),
  )
  .map(([profileId, balance, creditLimit, steps]) => {
    const context = contextFor(profileId);
    const opened = periodOpened({ balance: String(balance), creditLimit }, profileId);
    const history: Step[] = [{ kind: 'event', event: opened }];
    let state = evolveLedgerBefore(initialLedgerState(), opened);
    steps.forEach((s, i) => {
      if (s.kind === 'hand-out') {
        history.push({ kind: 'hand-out' });
        return;
      }
      const at = `2026-03-10T${String(9 + (s.kind === 'consume' ? s.hour : 0)).padStart(2, '0')}:${String(s.kind === 'consume' ? s.minute : 0).padStart(2, '0')}:00.000Z`;
      const decision =
        s.kind === 'deposit'
          ? {
              ok: true as const,
              events: [
                {
                  type: 'FundsDeposited',
                  data: {
                    paymentId: `pay-${i}`,
                    amount: s.amount,
                    channel: s.channel,
                    countsInDocuments: s.channel === 'bank-transfer',
                    balanceAfter: state.balance.plus(s.amount).toFixed(),
                    at,
                  },
                } as LedgerEvent,
              ],
            }
          : s.kind === 'grant'
            ? { ok: true as const, events: [grantIssued(`g-${i}`, s.amount)] }
            : decideLedger(
                {
                  ...consume(`u-${i}`, s.sku, `${s.quantity}e-3`, at),
                  ...(s.project ? { project: s.project } : {}),
                },
                state,
                context,
              );
      if (!decision.ok) return;
      for (const event of decision.events) {
        history.push({ kind: 'event', event });
        state = evolveLedgerBefore(state, event);
      }
    });
    return history;
  });

const charges = (steps: readonly Step[]) =>
  steps.filter((s) => s.kind === 'event' && s.event.type === 'ResourceConsumed').length;

describe('evolveLedger and evolveOwnedLedger (issue 18: the charge parsed once, changed in place)', () => {
  it('give the state the evolution before them gave, event by event, on random histories of every built-in profile', () => {
    let charged = 0;
    fc.assert(
      fc.property(history, (steps) => {
        charged += charges(steps);
        let before = initialLedgerState();
        let now = initialLedgerState();
        for (const s of steps) {
          if (s.kind !== 'event') continue;
          before = evolveLedgerBefore(before, s.event);
          now = evolveLedger(now, s.event);
          expect(now).toEqual(before);
        }
      }),
      { numRuns: 60, seed: 2018 },
    );
    expect(charged).toBeGreaterThan(600);
  });

  it('in place between hand-outs: the same final state, and every state handed out stays as it was then', () => {
    let handedOut = 0;
    fc.assert(
      fc.property(history, (steps) => {
        let before = initialLedgerState();
        let owned = new WeakSet<object>();
        let state = initialLedgerState();
        const held: Array<{ state: LedgerState; then: LedgerState }> = [];
        for (const s of steps) {
          if (s.kind === 'hand-out') {
            // What AggregateStreams.load does: the state goes out, the next evolution starts a new owned set.
            held.push({ state, then: before });
            owned = new WeakSet();
            continue;
          }
          before = evolveLedgerBefore(before, s.event);
          state = evolveOwnedLedger(state, s.event, owned);
        }
        expect(state).toEqual(before);
        for (const h of held) expect(h.state).toEqual(h.then);
        handedOut += held.length;
      }),
      { numRuns: 100, seed: 20181 },
    );
    expect(handedOut).toBeGreaterThan(300);
  });

  it('changes the state it owns in place: a run of charges makes one state object, not one per charge', () => {
    const context = contextFor('vk-individual-prepaid');
    const owned = new WeakSet<object>();
    let state = evolveLedger(initialLedgerState(), periodOpened({ balance: '1000' }));
    const states = new Set<LedgerState>();
    for (const id of ['a', 'b', 'c', 'd']) {
      const decision = decideLedger(consume(`u-${id}`, 'compute.vcpu', '1'), state, context);
      if (!decision.ok) throw new Error(decision.message);
      for (const event of decision.events) state = evolveOwnedLedger(state, event, owned);
      states.add(state);
    }
    expect(states.size).toBe(1);
    expect(state.usageRecords.size).toBe(4);
  });
});
