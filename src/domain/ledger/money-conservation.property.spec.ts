import fc from 'fast-check';
import Big from 'big.js';
import type { PaymentChannel } from '../policies/policy-profile.js';
import type { CommitmentTerms } from '../pricing/account-pricing.js';
import type { LedgerCommand, LedgerContext } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { contextFor, emptyCarried } from './ledger.fixtures.js';
import { PERIODS, kopecks, money, openedPeriod, quantity } from './ledger-history.fixtures.js';
import { refundableNow } from './decisions/refund.js';
import { usageRecordFacts } from './usage-records.js';

/**
 * Issue 14, "done when": money is conserved across corrections and refunds together. Random histories over
 * three periods mix deposits by every channel, grants, charges, late usage, adjustments, voids, re-rates,
 * refunds and the gateway's answers, decided and evolved as the engine does, closed period by period.
 */
const step = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('top-up' as const),
      amount: money.filter((a) => new Big(a).gte(10)),
      channel: fc.constantFrom<PaymentChannel>('card', 'bank-transfer', 'auto-top-up', 'internal'),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      quantity,
      sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      amount: kopecks(1, 300_000),
      expiresAt: fc.constantFrom('2026-04-03T00:00:00.000Z', '2026-07-01T00:00:00.000Z'),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('expire' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('late' as const),
      quantity,
      sku: fc.constantFrom('compute.vcpu', 'storage.ssd'),
      back: fc.integer({ min: 1, max: 2 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      amount: kopecks(1, 300_000),
      direction: fc.constantFrom('credit' as const, 'debit' as const),
      back: fc.integer({ min: 0, max: 2 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('rerate' as const), pick: fc.nat(), quantity }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      amount: fc.oneof(kopecks(1, 100_000), fc.constant('all')),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      pick: fc.nat(),
      part: fc.option(fc.nat(), { nil: undefined }),
      failed: fc.boolean(),
    }),
    weight: 3,
  },
);

/** A storage commitment over the three periods: a period that uses less is charged the shortfall. */
const COMMITMENT: CommitmentTerms = {
  commitmentId: 'c-storage',
  amount: '300.00',
  currency: 'RUB',
  skus: [],
  categories: ['storage'],
  discountPercent: '10',
  effectiveFrom: PERIODS[0].startsAt,
  months: 3,
  firstPeriodId: '2026-03',
  lastPeriodId: '2026-05',
  effectiveUntil: PERIODS[2].endsAt,
};

const sum = <T>(items: readonly T[], amount: (item: T) => string) =>
  items.reduce((total, item) => total.plus(amount(item)), new Big(0));

describe('money conservation across corrections and refunds (issue 14)', () => {
  it.each([
    ['vk-individual-prepaid', false],
    ['yc-legal-prepaid', true],
    ['yc-legal-credit', true],
  ])(
    '%s (commitment: %s): deposits − completed refunds − refunds in flight = consumed + balance to the kopeck; a refund never exceeds paid − consumed; PeriodClosed.corrections sum the corrections booked',
    (profileId, committed) => {
      const context: LedgerContext = {
        ...contextFor(profileId),
        ...(committed ? { accountPricing: { discounts: [], commitments: [COMMITMENT] } } : {}),
      };
      // Counted over every run: the histories must reach each kind of event, not only refusals.
      const seen = new Map<string, number>();
      const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
      fc.assert(
        fc.property(fc.array(fc.array(step, { maxLength: 16 }), { minLength: 3, maxLength: 3 }), (plan) => {
          const periods: Array<{ periodId: string; events: LedgerEvent[] }> = [];
          const records: string[] = [];
          const requestedIds: string[] = [];
          let carried = emptyCarried({ creditLimit: profileId === 'yc-legal-credit' ? '500' : '0' });
          let state: LedgerState = initialLedgerState();
          let deposits = new Big(0);
          let consumed = new Big(0);
          let completed = new Big(0);
          let inFlight = new Big(0);

          /** Books one event's money: the sums the property compares. */
          const book = (event: LedgerEvent, before: LedgerState) => {
            count(event.type);
            switch (event.type) {
              case 'FundsDeposited':
                deposits = deposits.plus(event.data.amount);
                return;
              case 'ResourceConsumed':
                consumed = consumed.plus(event.data.fromBalance);
                return;
              case 'ChargeCorrected':
                count(`${event.data.kind}:${new Big(event.data.amount).gt(0) ? 'more' : 'less'}`);
                consumed = consumed.plus(event.data.fromBalance);
                return;
              case 'CommitmentShortfallCharged':
                consumed = consumed.plus(event.data.shortfall);
                return;
              case 'PenaltyAccrued':
                consumed = consumed.plus(event.data.amount);
                return;
              case 'RefundRequested': {
                const amount = new Big(event.data.amount);
                // Never more than what was paid and not consumed (nor refunded already, nor in flight).
                expect(amount.lte(deposits.minus(consumed).minus(completed).minus(inFlight))).toBe(true);
                expect(amount.lte(refundableNow(before))).toBe(true);
                expect(sum(event.data.parts, (p) => p.amount).eq(amount)).toBe(true);
                inFlight = inFlight.plus(amount);
                requestedIds.push(event.data.refundId);
                return;
              }
              case 'RefundCompleted': {
                const record = before.refunds.get(event.data.refundId)!;
                for (const part of record.parts) {
                  if (part.outcome !== 'pending') continue;
                  if ((event.data.paymentId ?? part.paymentId) !== part.paymentId) continue;
                  completed = completed.plus(part.amount);
                  inFlight = inFlight.minus(part.amount);
                }
                return;
              }
              case 'RefundFailed':
                inFlight = inFlight.minus(event.data.amount);
                return;
              default:
                return;
            }
          };

          plan.forEach((steps, p) => {
            const period = PERIODS[p]!;
            const { at } = period;
            const opened = openedPeriod(period, profileId, carried);
            const events: LedgerEvent[] = [opened];
            periods.push({ periodId: period.periodId, events });
            state = evolveLedger(initialLedgerState(), opened);
            const run = (command: LedgerCommand) => {
              const before = state;
              const decision = decideLedger(command, state, context);
              if (!decision.ok) return; // a refusal changes nothing
              for (const event of decision.events) {
                book(event, before);
                events.push(event);
                state = evolveLedger(state, event);
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
                    channel: s.channel,
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
                case 'refund':
                  return run({
                    type: 'RequestRefund',
                    refundId: `r-${id}`,
                    amount: s.amount,
                    reason: 'property',
                    by: 'ops:test',
                    at,
                  });
                case 'answer': {
                  // Refunds asked in an earlier period are answered in a later one too (carried in flight).
                  if (requestedIds.length === 0) return;
                  const refundId = requestedIds[s.pick % requestedIds.length]!;
                  const record = state.refunds.get(refundId);
                  const paymentId =
                    record && s.part !== undefined
                      ? record.parts[s.part % record.parts.length]!.paymentId
                      : undefined;
                  return run({
                    type: 'RecordRefundResult',
                    refundId,
                    ...(paymentId === undefined ? {} : { paymentId }),
                    result: s.failed ? { status: 'failed', reason: 'refused' } : { status: 'completed' },
                    at,
                  });
                }
              }
            });
            if (p < PERIODS.length - 1) {
              run({ type: 'ClosePeriod', at: period.endsAt, timeZone: 'Europe/Moscow' });
              carried = state.closedCarry!;
            }
            // Conserved at every period's end, not only the last.
            expect(deposits.minus(completed).minus(inFlight).toFixed(2)).toBe(
              consumed.plus(state.balance).toFixed(2),
            );
          });

          // deposits − completed refunds − refunds in flight = consumed + balance, to the kopeck (exactly).
          expect(deposits.minus(completed).minus(inFlight).eq(consumed.plus(state.balance))).toBe(true);
          // The ledger's own record of what is in flight agrees with the sum of the answers.
          const pending = [...state.refunds.values()].flatMap((r) =>
            r.parts.filter((q) => q.outcome === 'pending'),
          );
          expect(sum(pending, (q) => q.amount).eq(inFlight)).toBe(true);
          expect(completed.gte(0) && inFlight.gte(0)).toBe(true);

          // Each PeriodClosed lists, by corrected period, exactly the corrections of closed periods it booked.
          for (const { periodId, events } of periods) {
            const closed = events.find((e) => e.type === 'PeriodClosed');
            if (closed?.type !== 'PeriodClosed') continue;
            const booked = new Map<string, { amount: Big; fromGrants: Big; fromBalance: Big }>();
            for (const event of events) {
              if (event.type !== 'ChargeCorrected' || event.data.correctsPeriod === periodId) continue;
              const totals = booked.get(event.data.correctsPeriod) ?? {
                amount: new Big(0),
                fromGrants: new Big(0),
                fromBalance: new Big(0),
              };
              booked.set(event.data.correctsPeriod, {
                amount: totals.amount.plus(event.data.amount),
                fromGrants: totals.fromGrants.plus(sum(event.data.fromGrants, (g) => g.amount)),
                fromBalance: totals.fromBalance.plus(event.data.fromBalance),
              });
            }
            const listed = closed.data.corrections ?? [];
            expect(listed.map((c) => c.correctsPeriod).sort()).toEqual([...booked.keys()].sort());
            for (const corrections of listed) {
              const totals = booked.get(corrections.correctsPeriod)!;
              expect(new Big(corrections.amount).eq(totals.amount)).toBe(true);
              expect(new Big(corrections.fromGrants).eq(totals.fromGrants)).toBe(true);
              expect(new Big(corrections.fromBalance).eq(totals.fromBalance)).toBe(true);
              expect(sum(corrections.items, (c) => c.amount).eq(totals.amount)).toBe(true);
            }
          }
        }),
        // The sample is pinned: the coverage floor below is a property of the sample (a credit account's
        // refunds are mostly refused while it owes, so a random sample sometimes held fewer than 15 failed
        // refunds). Every seed must pass the conservation assertions; change it to explore.
        { numRuns: 200, seed: 20261202 },
      );
      const required = [
        'FundsDeposited',
        'ResourceConsumed',
        'GrantIssued',
        'late-usage:more',
        'adjustment:more',
        'adjustment:less',
        'usage-voided:less',
        'usage-rerated:more',
        'usage-rerated:less',
        'RefundRequested',
        'RefundCompleted',
        'RefundFailed',
        'PeriodClosed',
        ...(committed ? ['CommitmentShortfallCharged'] : []),
      ];
      expect(required.filter((kind) => (seen.get(kind) ?? 0) < 15)).toEqual([]);
    },
  );
});
