/**
 * Documents never double-count a charge across periods: for random usage spread over consecutive months
 * (with grants and top-ups), closing each period and composing its act counts every kopeck spent from the
 * personal account exactly once, and every usage record lands in exactly one period.
 */
import fc from 'fast-check';
import Big from 'big.js';
import type { LedgerCommand } from '../ledger/ledger-commands.js';
import { decideLedger } from '../ledger/ledger-decide.js';
import type { CarriedState, LedgerEvent, LedgerEventOf } from '../ledger/ledger-events.js';
import { contextFor, emptyCarried } from '../ledger/ledger.fixtures.js';
import { evolveLedger, initialLedgerState } from '../ledger/ledger-state.js';
import { nextPeriod, periodById } from '../shared/reporting-period.js';
import { closingDocumentsFor, formsMidPeriodClosingDocuments, periodSoFar } from './closing-documents.js';
import type { ClosingDocument } from './document-types.js';
import { RU_ISSUER, profile, ruLegal } from './documents.fixtures.js';

const PROFILE = 'yc-legal-credit';
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;
const ZONE = 'Europe/Moscow';
const kopecks = fc.integer({ min: 1, max: 500_000 }).map((k) => new Big(k).div(100).toFixed(2));
const action = fc.oneof(
  fc.record({
    kind: fc.constant('use' as const),
    quantity: kopecks,
    sku: fc.constantFrom('compute.vcpu', 'storage.ssd'),
    day: fc.integer({ min: 1, max: 28 }),
  }),
  fc.record({ kind: fc.constant('grant' as const), amount: kopecks, day: fc.integer({ min: 1, max: 28 }) }),
  fc.record({
    kind: fc.constant('top-up' as const),
    amount: kopecks.filter((a) => new Big(a).gte(10)),
    day: fc.integer({ min: 1, max: 28 }),
  }),
);

function runMonth(periodId: string, carried: CarriedState, actions: Action[], tag: string) {
  /** The closing documents formed mid-period, each from the ledger state just before its bill. */
  const midPeriod: ClosingDocument[] = [];
  const period = periodById(periodId, ZONE);
  const context = contextFor(PROFILE);
  const opened: LedgerEvent = {
    type: 'PeriodOpened',
    data: {
      accountId: 'acc-ru',
      periodId,
      startsAt: period.startsAt,
      endsAt: period.endsAt,
      lastDay: period.lastDay,
      currency: 'RUB',
      profileId: PROFILE,
      profileVersion: 1,
      carried,
    },
  };
  let state = evolveLedger(initialLedgerState(), opened);
  const events: LedgerEvent[] = [opened];
  const apply = (command: LedgerCommand) => {
    const decision = decideLedger(command, state, context);
    if (!decision.ok) return;
    for (const event of decision.events) {
      if (event.type === 'BillIssued' && formsMidPeriodClosingDocuments(event.data)) {
        midPeriod.push(
          ...closingDocumentsFor({
            closed: periodSoFar(state),
            account: ruLegal(),
            issuer: RU_ISSUER,
            profile: profile(PROFILE),
            midPeriod: { issuedOn: event.data.issuedOn, billId: event.data.billId },
            alreadyDocumented: midPeriod,
          }).documents,
        );
      }
      events.push(event);
      state = evolveLedger(state, event);
    }
  };
  [...actions]
    .sort((a, b) => a.day - b.day)
    .forEach((a, i) => {
      const at = `${periodId}-${String(a.day).padStart(2, '0')}T09:00:00.000Z`;
      if (a.kind === 'use')
        apply({
          type: 'ConsumeResource',
          usageRecordId: `${tag}-${i}`,
          sku: a.sku,
          quantity: a.quantity,
          windowStart: at,
          windowEnd: at,
        });
      else if (a.kind === 'grant')
        apply({
          type: 'IssueGrant',
          grantId: `${tag}-g${i}`,
          kind: 'promo',
          amount: a.amount,
          expiresAt: '2026-12-31T00:00:00.000Z',
          categories: 'all',
          excludedCategories: [],
          priority: 0,
          at,
        });
      else
        apply({ type: 'TopUp', paymentId: `${tag}-p${i}`, amount: a.amount, channel: 'bank-transfer', at });
    });
  apply({ type: 'ClosePeriod', at: period.endsAt, timeZone: ZONE });
  const closed = events.find((e) => e.type === 'PeriodClosed') as LedgerEventOf<'PeriodClosed'>;
  return { events, closed, midPeriod };
}

describe('documents across periods', () => {
  it('count every kopeck spent from the personal account in exactly one act, and every usage record once', () => {
    fc.assert(
      fc.property(fc.array(fc.array(action, { maxLength: 12 }), { minLength: 2, maxLength: 4 }), (months) => {
        let periodId = '2026-01';
        let carried = emptyCarried({ creditLimit: '10000000' });
        let spentFromBalance = new Big(0);
        let actsTotal = new Big(0);
        const usageSeen = new Map<string, number>();
        months.forEach((actions, m) => {
          const { events, closed } = runMonth(periodId, carried, actions, `m${m}`);
          for (const event of events) {
            if (event.type !== 'ResourceConsumed') continue;
            spentFromBalance = spentFromBalance.plus(event.data.fromBalance);
            usageSeen.set(event.data.usageRecordId, (usageSeen.get(event.data.usageRecordId) ?? 0) + 1);
          }
          const documents = closingDocumentsFor({
            closed: closed.data,
            account: ruLegal(),
            issuer: RU_ISSUER,
            profile: profile(PROFILE),
          });
          for (const document of documents.documents)
            if (document.kind === 'act') actsTotal = actsTotal.plus(document.totals.gross);
          carried = closed.data.carried;
          periodId = nextPeriod(periodById(periodId, ZONE)).id;
        });
        expect(actsTotal.toFixed(2)).toBe(spentFromBalance.toFixed(2));
        for (const count of usageSeen.values()) expect(count).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it('within a period too: the acts formed when the credit limit runs out and the month-end act count every kopeck once', () => {
    fc.assert(
      fc.property(fc.array(fc.array(action, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), (months) => {
        let periodId = '2026-01';
        // A small limit, so it runs out (more than once, after top-ups) within a month.
        let carried = emptyCarried({ creditLimit: '50' });
        let spentFromBalance = new Big(0);
        let actsTotal = new Big(0);
        months.forEach((actions, m) => {
          const { events, closed, midPeriod } = runMonth(periodId, carried, actions, `m${m}`);
          for (const event of events)
            if (event.type === 'ResourceConsumed')
              spentFromBalance = spentFromBalance.plus(event.data.fromBalance);
          const monthEnd = closingDocumentsFor({
            closed: closed.data,
            account: ruLegal(),
            issuer: RU_ISSUER,
            profile: profile(PROFILE),
            alreadyDocumented: midPeriod,
          });
          for (const document of [...midPeriod, ...monthEnd.documents])
            if (document.kind === 'act') actsTotal = actsTotal.plus(document.totals.gross);
          carried = closed.data.carried;
          periodId = nextPeriod(periodById(periodId, ZONE)).id;
        });
        expect(actsTotal.toFixed(2)).toBe(spentFromBalance.toFixed(2));
      }),
      { numRuns: 100 },
    );
  });
});
