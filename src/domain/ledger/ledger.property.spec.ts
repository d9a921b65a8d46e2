import fc from 'fast-check';
import Big from 'big.js';
import type { LedgerCommand } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { carriedState, evolveLedger, initialLedgerState, serviceTotals } from './ledger-state.js';
import { IN_MARCH, contextFor, periodOpened } from './ledger.fixtures.js';

const amount = fc
  .tuple(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([units, micro]) => new Big(units).plus(new Big(micro).div(1_000_000)).toFixed());

const command = fc.oneof(
  fc.record({ kind: fc.constant('top-up' as const), amount: amount.filter((a) => new Big(a).gte(10)) }),
  fc.record({
    kind: fc.constant('consume' as const),
    amount,
    sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    amount: amount.filter((a) => new Big(a).gt('0')),
    priority: fc.integer({ min: -3, max: 3 }),
  }),
);

describe('ledger properties', () => {
  it.each(['vk-individual-prepaid', 'yc-legal-prepaid', 'yc-legal-credit'])(
    'conserves money for %s: opening + deposits + grants used − charges = closing balance; grants never go below 0',
    (profileId) => {
      fc.assert(
        fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
          const context = contextFor(profileId);
          const opened = periodOpened(
            { creditLimit: profileId === 'yc-legal-credit' ? '1000' : '0' },
            profileId,
          );
          let state = evolveLedger(initialLedgerState(), opened);
          const stored: LedgerEvent[] = [];
          commands.forEach((c, i) => {
            const ledgerCommand: LedgerCommand =
              c.kind === 'top-up'
                ? {
                    type: 'TopUp',
                    paymentId: `p${i}`,
                    amount: c.amount,
                    channel: 'bank-transfer',
                    at: IN_MARCH,
                  }
                : c.kind === 'grant'
                  ? {
                      type: 'IssueGrant',
                      grantId: `g${i}`,
                      kind: 'promo',
                      amount: c.amount,
                      expiresAt: '2026-06-01T00:00:00.000Z',
                      categories: 'all',
                      excludedCategories: [],
                      priority: c.priority,
                      at: IN_MARCH,
                    }
                  : {
                      type: 'ConsumeResource',
                      usageRecordId: `u${i}`,
                      sku: c.sku,
                      quantity: c.amount,
                      windowStart: IN_MARCH,
                      windowEnd: IN_MARCH,
                    };
            const decision = decideLedger(ledgerCommand, state, context);
            if (!decision.ok) return; // rejected commands change nothing
            for (const event of decision.events) {
              stored.push(event);
              state = evolveLedger(state, event);
            }
          });
          let deposits = new Big(0);
          let charges = new Big(0);
          let grantsUsed = new Big(0);
          for (const event of stored) {
            if (event.type === 'FundsDeposited') deposits = deposits.plus(event.data.amount);
            if (event.type === 'ResourceConsumed') {
              charges = charges.plus(event.data.amount);
              for (const part of event.data.fromGrants) grantsUsed = grantsUsed.plus(part.amount);
              expect(
                new Big(event.data.fromBalance)
                  .plus(event.data.fromGrants.reduce((s, g) => s.plus(g.amount), new Big(0)))
                  .eq(event.data.amount),
              ).toBe(true);
            }
          }
          expect(deposits.plus(grantsUsed).minus(charges).eq(state.balance)).toBe(true);
          // A replay of the stored history (through JSON, as from the store) rebuilds exactly the same state.
          const replayed = (JSON.parse(JSON.stringify([opened, ...stored])) as LedgerEvent[]).reduce(
            evolveLedger,
            initialLedgerState(),
          );
          expect(carriedState(replayed)).toEqual(carriedState(state));
          expect(serviceTotals(replayed)).toEqual(serviceTotals(state));
          for (const grant of state.grants.values()) expect(new Big(grant.remaining).gte('0')).toBe(true);
          // A prepaid VK account below zero is frozen; a frozen one has not got back above zero.
          if (profileId === 'vk-individual-prepaid') {
            if (state.balance.lt('0')) expect(state.status).toBe('frozen');
            if (state.status === 'frozen') expect(state.balance.lte('0')).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    },
  );
});
