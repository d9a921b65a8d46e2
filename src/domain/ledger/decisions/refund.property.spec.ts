import fc from 'fast-check';
import Big from 'big.js';
import type { PaymentChannel } from '../../policies/policy-profile.js';
import type { LedgerCommand } from '../ledger-commands.js';
import { decideLedger } from '../ledger-decide.js';
import type { LedgerEvent } from '../ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger-state.js';
import { IN_MARCH, MARCH, contextFor, periodOpened } from '../ledger.fixtures.js';
import { fundingOfDeposits, REFUNDABLE_CHANNELS } from '../refund-state.js';
import { kopecks } from '../ledger-history.fixtures.js';
import { refundableNow } from './refund.js';

/** Kopecks, as payments and refunds carry them. */
const money = kopecks(1, 200_000);

const smallMoney = kopecks(1, 50_000);

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
      quantity: fc.integer({ min: 1, max: 500_000 }).map((q) => new Big(q).div(1000).toFixed()),
      sku: fc.constantFrom('compute.vcpu', 'storage.ssd'),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('grant' as const), amount: money }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      amount: fc.oneof(smallMoney, fc.constant('all')),
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
  { arbitrary: fc.record({ kind: fc.constant('close' as const) }), weight: 1 },
);

describe('refund properties (random histories: deposits by several channels, grants, charges, refunds)', () => {
  it.each(['vk-individual-prepaid', 'yc-legal-credit'])(
    '%s: a refund never exceeds paid − consumed; deposits − completed refunds − refunds in flight = consumed from balance + balance, to the kopeck',
    (profileId) => {
      // The histories must exercise refunds: counted over every run (not vacuous).
      const seen = { RefundRequested: 0, RefundCompleted: 0, RefundFailed: 0, closes: 0 };
      fc.assert(
        fc.property(fc.array(step, { minLength: 10, maxLength: 50, size: 'medium' }), (steps) => {
          const context = contextFor(profileId);
          const credit = profileId === 'yc-legal-credit' ? '500' : '0';
          let state: LedgerState = evolveLedger(
            initialLedgerState(),
            periodOpened({ creditLimit: credit }, profileId),
          );
          let deposits = new Big(0);
          let refundableDeposits = new Big(0);
          let consumedFromBalance = new Big(0);
          let completed = new Big(0);
          let inFlight = new Big(0);
          const requestedIds: string[] = [];
          const refundedPerPayment = new Map<string, Big>();
          const paidPerPayment = new Map<string, Big>();

          steps.forEach((s, i) => {
            let command: LedgerCommand;
            if (s.kind === 'top-up') {
              command = {
                type: 'TopUp',
                paymentId: `p${i}`,
                amount: s.amount,
                channel: s.channel,
                at: IN_MARCH,
              };
            } else if (s.kind === 'consume') {
              command = {
                type: 'ConsumeResource',
                usageRecordId: `u${i}`,
                sku: s.sku,
                quantity: s.quantity,
                windowStart: IN_MARCH,
                windowEnd: IN_MARCH,
              };
            } else if (s.kind === 'grant') {
              command = {
                type: 'IssueGrant',
                grantId: `g${i}`,
                kind: 'promo',
                amount: s.amount,
                expiresAt: '2026-06-01T00:00:00.000Z',
                categories: 'all',
                excludedCategories: [],
                priority: 0,
                at: IN_MARCH,
              };
            } else if (s.kind === 'refund') {
              command = {
                type: 'RequestRefund',
                refundId: `r${i}`,
                amount: s.amount,
                reason: 'test',
                by: 'ops',
                at: IN_MARCH,
              };
            } else if (s.kind === 'answer') {
              if (requestedIds.length === 0) return;
              const refundId = requestedIds[s.pick % requestedIds.length]!;
              const record = state.refunds.get(refundId);
              const paymentId =
                record && s.part !== undefined
                  ? record.parts[s.part % record.parts.length]!.paymentId
                  : undefined;
              command = {
                type: 'RecordRefundResult',
                refundId,
                ...(paymentId === undefined ? {} : { paymentId }),
                result: s.failed ? { status: 'failed', reason: 'no' } : { status: 'completed' },
                at: IN_MARCH,
              };
            } else {
              // Close the books and open the next period from what it carries.
              const closing = decideLedger(
                { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' },
                state,
                context,
              );
              if (!closing.ok) throw new Error(closing.message);
              const closed = closing.events.reduce(evolveLedger, state);
              state = evolveLedger(initialLedgerState(), periodOpened(closed.closedCarry!, profileId));
              seen.closes += 1;
              return;
            }
            const before = state;
            const decision = decideLedger(command, state, context);
            if (!decision.ok) return;
            for (const event of decision.events) {
              book(event, before);
              state = evolveLedger(state, event);
            }
          });

          function book(event: LedgerEvent, before: LedgerState) {
            if (event.type in seen) seen[event.type as keyof typeof seen] += 1;
            switch (event.type) {
              case 'FundsDeposited':
                deposits = deposits.plus(event.data.amount);
                paidPerPayment.set(event.data.paymentId, new Big(event.data.amount));
                if (REFUNDABLE_CHANNELS.includes(event.data.channel))
                  refundableDeposits = refundableDeposits.plus(event.data.amount);
                return;
              case 'ResourceConsumed':
                consumedFromBalance = consumedFromBalance.plus(event.data.fromBalance);
                return;
              case 'RefundRequested': {
                const amount = new Big(event.data.amount);
                // Never more than what was paid and not consumed (nor refunded already), never below zero.
                expect(amount.lte(refundableNow(before))).toBe(true);
                expect(amount.lte(deposits.minus(consumedFromBalance).minus(completed).minus(inFlight))).toBe(
                  true,
                );
                expect(new Big(event.data.balanceAfter).gte(0)).toBe(true);
                expect(event.data.parts.reduce((sum, p) => sum.plus(p.amount), new Big(0)).eq(amount)).toBe(
                  true,
                );
                for (const part of event.data.parts) {
                  expect(REFUNDABLE_CHANNELS).toContain(part.channel);
                  const refunded = (refundedPerPayment.get(part.paymentId) ?? new Big(0)).plus(part.amount);
                  refundedPerPayment.set(part.paymentId, refunded);
                  expect(refunded.lte(paidPerPayment.get(part.paymentId)!)).toBe(true);
                }
                requestedIds.push(event.data.refundId);
                inFlight = inFlight.plus(amount);
                return;
              }
              case 'RefundCompleted': {
                const record = before.refunds.get(event.data.refundId)!;
                for (const part of record.parts) {
                  if (
                    part.outcome !== 'pending' ||
                    (event.data.paymentId ?? part.paymentId) !== part.paymentId
                  )
                    continue;
                  completed = completed.plus(part.amount);
                  inFlight = inFlight.minus(part.amount);
                }
                return;
              }
              case 'RefundFailed': {
                inFlight = inFlight.minus(event.data.amount);
                const record = before.refunds.get(event.data.refundId)!;
                for (const part of record.parts) {
                  if (
                    part.outcome !== 'pending' ||
                    (event.data.paymentId ?? part.paymentId) !== part.paymentId
                  )
                    continue;
                  refundedPerPayment.set(
                    part.paymentId,
                    refundedPerPayment.get(part.paymentId)!.minus(part.amount),
                  );
                }
                return;
              }
              default:
                return;
            }
          }

          // Money is conserved to the kopeck.
          expect(deposits.minus(completed).minus(inFlight).toFixed()).toBe(
            consumedFromBalance.plus(state.balance).toFixed(),
          );
          // What was refunded, or is being, came from refundable payments only.
          expect(completed.plus(inFlight).lte(refundableDeposits)).toBe(true);
          // The deposit queue is the funding queue, deposit by deposit; it holds the balance above zero.
          const funding = fundingOfDeposits(state.unspentDeposits);
          expect(funding.map((p) => [p.source, p.amount.toFixed()])).toEqual(
            state.funding.map((p) => [p.source, p.amount.toFixed()]),
          );
          const unspent = state.unspentDeposits.reduce((sum, d) => sum.plus(d.amount), new Big(0));
          expect(unspent.toFixed()).toBe((state.balance.gt(0) ? state.balance : new Big(0)).toFixed());
        }),
        { numRuns: 300 },
      );
      expect(Object.values(seen).every((n) => n > 100)).toBe(true);
    },
  );
});
