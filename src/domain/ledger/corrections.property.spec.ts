import fc from 'fast-check';
import Big from 'big.js';
import { BalanceDerivation } from './balance-derivation.js';
import type { LedgerCommand } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { carriedState, evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { contextFor, emptyCarried } from './ledger.fixtures.js';
import { PERIODS, money, openedPeriod, quantity } from './ledger-history.fixtures.js';
import { usageRecordFacts } from './usage-records.js';

const step = fc.oneof(
  fc.record({ kind: fc.constant('top-up' as const), amount: money.filter((a) => new Big(a).gte(10)) }),
  fc.record({
    kind: fc.constant('consume' as const),
    quantity,
    sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    amount: money.filter((a) => new Big(a).gt('0')),
    expiresAt: fc.constantFrom('2026-04-03T00:00:00.000Z', '2026-07-01T00:00:00.000Z'),
  }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({
    kind: fc.constant('late' as const),
    quantity,
    sku: fc.constantFrom('compute.vcpu', 'storage.ssd'),
    back: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    amount: money.filter((a) => new Big(a).gt('0')),
    direction: fc.constantFrom('credit' as const, 'debit' as const),
    back: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rerate' as const), pick: fc.nat(), quantity }),
);

describe('corrections conserve money (issue 14)', () => {
  it.each(['vk-individual-prepaid', 'yc-legal-prepaid', 'yc-legal-credit'])(
    'for %s, over random histories of charges, deposits, late usage, adjustments, voids and re-rates: deposits = consumed + balance to the kopeck, grants add up, and the balance is the sum of its movements',
    (profileId) => {
      const context = contextFor(profileId);
      const booked = new Map<string, number>();
      fc.assert(
        fc.property(fc.array(fc.array(step, { maxLength: 14 }), { minLength: 3, maxLength: 3 }), (plan) => {
          const periods: Array<{ periodId: string; events: LedgerEvent[] }> = [];
          const records: string[] = [];
          let carried = emptyCarried({ creditLimit: profileId === 'yc-legal-credit' ? '500' : '0' });
          let state: LedgerState = initialLedgerState();
          plan.forEach((steps, p) => {
            const period = PERIODS[p]!;
            const { at } = period;
            const opened = openedPeriod(period, profileId, carried);
            const events: LedgerEvent[] = [opened];
            periods.push({ periodId: period.periodId, events });
            state = evolveLedger(initialLedgerState(), opened);
            const run = (command: LedgerCommand) => {
              const decision = decideLedger(command, state, context);
              if (!decision.ok) return; // a refusal changes nothing
              for (const event of decision.events) {
                events.push(event);
                state = evolveLedger(state, event);
                // Every correction records the balance its own evolve leaves.
                if (event.type === 'ChargeCorrected')
                  booked.set(event.data.kind, (booked.get(event.data.kind) ?? 0) + 1);
                if (event.type === 'ChargeCorrected')
                  expect(state.balance.toFixed()).toBe(new Big(event.data.balanceAfter).toFixed());
              }
            };
            steps.forEach((s, i) => {
              const id = `${p}-${i}`;
              const earlier = PERIODS[Math.max(0, p - ('back' in s ? s.back : 0))]!;
              switch (s.kind) {
                case 'top-up':
                  return run({
                    type: 'TopUp',
                    paymentId: `pay-${id}`,
                    amount: s.amount,
                    channel: 'card',
                    at,
                  });
                case 'grant':
                  return run({
                    type: 'IssueGrant',
                    grantId: `g-${id}`,
                    kind: 'promo',
                    amount: s.amount,
                    expiresAt: s.expiresAt,
                    categories: 'all',
                    excludedCategories: [],
                    priority: 0,
                    at,
                  });
                case 'expire':
                  return run({ type: 'ExpireGrants', at });
                case 'consume':
                  records.push(`u-${id}`);
                  return run({
                    type: 'ConsumeResource',
                    usageRecordId: `u-${id}`,
                    sku: s.sku,
                    quantity: s.quantity,
                    windowStart: at,
                    windowEnd: at,
                  });
                case 'late':
                  if (p === 0) return;
                  records.push(`u-${id}`);
                  return run({
                    type: 'BookLateUsage',
                    usageRecordId: `u-${id}`,
                    sku: s.sku,
                    quantity: s.quantity,
                    windowStart: earlier.at,
                    windowEnd: earlier.at,
                    closedPeriod: { periodId: earlier.periodId, endsAt: earlier.endsAt, quantityBefore: '0' },
                    by: 'key:meter',
                    at,
                  });
                case 'adjust':
                  return run({
                    type: 'Adjust',
                    adjustmentId: id,
                    direction: s.direction,
                    amount: s.amount,
                    period: earlier.periodId,
                    service: 'Cloud Compute',
                    category: 'compute',
                    reason: 'property',
                    by: 'ops:test',
                    at,
                  });
                case 'void':
                case 'rerate': {
                  if (records.length === 0) return;
                  const record = usageRecordFacts(records[s.pick % records.length]!, periods);
                  if (!record) return; // refused when it came
                  return run(
                    s.kind === 'void'
                      ? { type: 'VoidUsageRecord', record, reason: 'property', by: 'ops:test', at }
                      : {
                          type: 'RerateUsageRecord',
                          record,
                          quantity: s.quantity,
                          reason: 'property',
                          by: 'ops:test',
                          at,
                        },
                  );
                }
              }
            });
            if (p < PERIODS.length - 1) {
              run({ type: 'ClosePeriod', at: period.endsAt, timeZone: 'Europe/Moscow' });
              carried = state.closedCarry!;
            }
          });

          let deposits = new Big(0);
          let spent = new Big(0);
          let grantsIssued = new Big(0);
          let grantsDrawn = new Big(0);
          let grantsLost = new Big(0);
          for (const { events } of periods) {
            const derivation = new BalanceDerivation();
            let movements = new Big(0);
            for (const event of events) {
              const movement = derivation.add(event);
              if (movement && event.type !== 'PeriodOpened') movements = movements.plus(movement.amount);
              if (event.type === 'FundsDeposited') deposits = deposits.plus(event.data.amount);
              if (event.type === 'GrantIssued') grantsIssued = grantsIssued.plus(event.data.amount);
              if (event.type === 'ResourceConsumed' || event.type === 'ChargeCorrected') {
                spent = spent.plus(event.data.fromBalance);
                const fromGrants = event.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), new Big(0));
                grantsDrawn = grantsDrawn.plus(fromGrants);
                expect(new Big(event.data.fromBalance).plus(fromGrants).eq(event.data.amount)).toBe(true);
                if (event.type === 'ChargeCorrected') {
                  const parts = (event.data.fromBalanceBy ?? []).reduce(
                    (sum, q) => sum.plus(q.amount),
                    new Big(0),
                  );
                  expect(parts.eq(event.data.fromBalance)).toBe(true);
                }
              }
              if (event.type === 'PeriodClosed') {
                grantsLost = grantsLost.plus(event.data.grantsExpired);
                // The closed period adds up with the corrections of earlier periods it booked apart.
                const corrections = (event.data.corrections ?? []).reduce(
                  (sum, c) => sum.plus(c.fromBalance),
                  new Big(0),
                );
                expect(
                  new Big(event.data.openingBalance)
                    .plus(event.data.deposits)
                    .minus(event.data.spentFromBalance)
                    .minus(event.data.penalties)
                    .minus(corrections)
                    .eq(event.data.closingBalance),
                ).toBe(true);
              }
            }
            // The balance is the opening plus the sum of its movements.
            expect(new Big(derivation.opening).plus(movements).eq(derivation.balance)).toBe(true);
          }
          grantsLost = grantsLost.plus(state.grantsExpired);
          const remaining = [...state.grants.values()].reduce((sum, g) => sum.plus(g.remaining), new Big(0));
          // deposits = consumed (charges + corrections, from the balance) + balance, to the kopeck.
          expect(deposits.minus(spent).toFixed(2)).toBe(state.balance.toFixed(2));
          expect(deposits.minus(spent).eq(state.balance)).toBe(true);
          // Grants: issued = drawn (net of what corrections gave back) + lost (expired) + remaining.
          expect(grantsDrawn.plus(grantsLost).plus(remaining).eq(grantsIssued)).toBe(true);
          for (const grant of state.grants.values()) expect(new Big(grant.remaining).gte('0')).toBe(true);
          const queued = state.funding.reduce((sum, q) => sum.plus(q.amount), new Big(0));
          expect(queued.eq(state.balance.gt('0') ? state.balance : new Big(0))).toBe(true);
          // A voided record charges nothing any more, however it was corrected before.
          for (const id of records) {
            const record = usageRecordFacts(id, periods);
            if (record?.voided) expect(new Big(record.charged).eq('0')).toBe(true);
            if (record) expect(new Big(record.charged).gte('0')).toBe(true);
          }
          // A replay through JSON, as from the store, rebuilds the same state.
          const last = periods.at(-1)!.events;
          const replayed = (JSON.parse(JSON.stringify(last)) as LedgerEvent[]).reduce(
            evolveLedger,
            initialLedgerState(),
          );
          expect(carriedState(replayed)).toEqual(carriedState(state));
        }),
        { numRuns: 150 },
      );
      // The histories reach every kind of correction (not only refusals).
      for (const kind of ['late-usage', 'adjustment', 'usage-voided', 'usage-rerated'])
        expect(booked.get(kind) ?? 0).toBeGreaterThan(20);
    },
  );
});
