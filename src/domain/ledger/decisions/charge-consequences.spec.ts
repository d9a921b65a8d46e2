import fc from 'fast-check';
import { BUILT_IN_PROFILES } from '../../policies/profiles.js';
import { decideLedger } from '../ledger-decide.js';
import type { LedgerEvent } from '../ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger-state.js';
import { consume, contextFor, deposited, grantIssued, periodOpened } from '../ledger.fixtures.js';
import { afterCharge } from './charge-consequences.js';

/**
 * consequencesOfCharge reads the state after a charge from afterCharge, which applies a usage charge
 * arithmetically rather than by evolveLedger on the whole state (the command path's cost). Every field the
 * consequences read must agree with the full evolution, on random histories of every built-in profile.
 */
const readByConsequences = (s: LedgerState, steps: readonly unknown[]) => ({
  accountId: s.accountId,
  periodId: s.periodId,
  status: s.status,
  balance: s.balance.toFixed(),
  creditLimit: s.creditLimit.toFixed(),
  everPaid: s.everPaid,
  grants: [...s.grants.entries()],
  openBills: [...s.openBills.entries()],
  payments: steps.map((_, i) => s.payments.has(`pay-${i}`)),
  autoTopUp: s.autoTopUp,
  suspension: s.suspension,
});

const step = fc.oneof(
  fc.record({
    kind: fc.constant('consume' as const),
    sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
    quantity: fc.integer({ min: 1, max: 400_000 }),
  }),
  fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 3000 }) }),
);

describe('afterCharge: the state after a charge as its consequences read it', () => {
  it('agrees with evolveLedger on every field read, for every charge of random histories', () => {
    let charges = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...BUILT_IN_PROFILES.map((p) => p.id)),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('0', '1000'),
        fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        (profileId, balance, creditLimit, grant, steps) => {
          const context = contextFor(profileId);
          const history: LedgerEvent[] = [
            periodOpened({ balance: String(balance), creditLimit }, profileId),
            ...(grant ? [grantIssued('g-1', String(grant))] : []),
          ];
          let state = history.reduce(evolveLedger, initialLedgerState());
          steps.forEach((s, i) => {
            const decision =
              s.kind === 'deposit'
                ? { ok: true as const, events: [deposited(String(s.amount), `pay-${i}`)] }
                : decideLedger(consume(`u-${i}`, s.sku, (s.quantity / 1000).toString()), state, context);
            if (!decision.ok) return;
            for (const event of decision.events) {
              if (event.type === 'ResourceConsumed') {
                charges++;
                expect(readByConsequences(afterCharge(state, event), steps)).toEqual(
                  readByConsequences(evolveLedger(state, event), steps),
                );
              }
              state = evolveLedger(state, event);
            }
          });
        },
      ),
      { numRuns: 300, seed: 18 },
    );
    // The histories did charge (a property over no charges would prove nothing).
    expect(charges).toBeGreaterThan(500);
  });

  it('leaves the state it was given as it was', () => {
    const state = [periodOpened({ balance: '100' }), grantIssued('g-1', '50')].reduce(
      evolveLedger,
      initialLedgerState(),
    );
    const decision = decideLedger(
      consume('u-1', 'compute.vcpu', '80'),
      state,
      contextFor('vk-individual-prepaid'),
    );
    if (!decision.ok) throw new Error(decision.message);
    const charge = decision.events.find((e) => e.type === 'ResourceConsumed')!;
    const after = afterCharge(state, charge);
    expect(state.balance.toFixed()).toBe('100');
    expect(state.grants.get('g-1')!.remaining).toBe('50');
    expect(after.balance.toFixed()).not.toBe('100');
  });
});
