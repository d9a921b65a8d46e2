/**
 * Every line of a closing document re-adds from its usage records (issue 19): for random histories (usage of
 * several SKUs at sub-kopeck amounts, grants, top-ups through counted and excluded channels, the credit limit
 * running out mid-period), each act, UPD and VAT invoice is derived from the period's ResourceConsumed events:
 * the records' documented amounts add up to each SKU's weight, the largest-remainder allocation gives each
 * line's gross, net + VAT = gross per line, and the lines add up to the totals — to the kopeck. The histories
 * include corrections of the open period itself (issue 14: voided and re-rated records, credit and debit
 * adjustments with and without a SKU), which the issued documents include: they re-add as rows too.
 */
import fc from 'fast-check';
import Big from 'big.js';
import type { LedgerCommand } from '../ledger/ledger-commands.js';
import { decideLedger } from '../ledger/ledger-decide.js';
import type { CarriedState, LedgerEvent } from '../ledger/ledger-events.js';
import { contextFor, emptyCarried } from '../ledger/ledger.fixtures.js';
import { evolveLedger, initialLedgerState } from '../ledger/ledger-state.js';
import { usageRecordFacts } from '../ledger/usage-records.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { periodById } from '../shared/reporting-period.js';
import { closingDocumentsFor, formsMidPeriodClosingDocuments, periodSoFar } from './closing-documents.js';
import {
  deriveClosingDocument,
  isDerivable,
  UsageSums,
  type CorrectionStep,
  type UsageStep,
} from './derivation.js';
import type { ClosingDocument } from './document-types.js';
import { RU_ISSUER, profile, ruLegal } from './documents.fixtures.js';

const ZONE = 'Europe/Moscow';
const PERIOD = '2026-03';
/** Quantities with up to 6 decimals: charges below a kopeck, so rounding and allocation have work to do. */
const quantity = fc.integer({ min: 1, max: 90_000_000 }).map((q) => new Big(q).div(1_000_000).toFixed());
const money = fc.integer({ min: 100, max: 500_000 }).map((k) => new Big(k).div(100).toFixed(2));
const day = fc.integer({ min: 1, max: 28 });
const action = fc.oneof(
  fc.record({
    kind: fc.constant('use' as const),
    quantity,
    sku: fc.constantFrom('compute.vcpu', 'compute.ram', 'storage.ssd', 'storage.hdd'),
    day,
  }),
  fc.record({ kind: fc.constant('grant' as const), amount: money, day }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), day }),
  fc.record({ kind: fc.constant('rerate' as const), pick: fc.nat(), quantity, day }),
  fc.record({
    kind: fc.constant('adjust' as const),
    direction: fc.constantFrom('credit' as const, 'debit' as const),
    amount: fc.integer({ min: 1, max: 20_000 }).map((k) => new Big(k).div(100).toFixed(2)),
    sku: fc.constantFrom(undefined, 'compute.vcpu'),
    day,
  }),
  fc.record({
    kind: fc.constant('top-up' as const),
    amount: money,
    channel: fc.constantFrom('bank-transfer' as const, 'card' as const),
    day,
  }),
);
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

interface Case {
  readonly profileId: string;
  readonly policy: PolicyProfile;
  readonly creditLimit: string;
}
const CASES: Case[] = [
  // Act and VAT invoice on the spent-from-balance basis; a small limit forms documents mid-period.
  { profileId: 'yc-legal-credit', policy: profile('yc-legal-credit'), creditLimit: '60' },
  { profileId: 'yc-legal-credit', policy: profile('yc-legal-credit'), creditLimit: '100000000' },
  // All consumption as the basis.
  {
    profileId: 'yc-legal-credit',
    policy: profile('yc-legal-credit', {
      documents: { ...profile('yc-legal-credit').documents, actBasis: 'total-consumption' },
    }),
    creditLimit: '100000000',
  },
  // A UPD, card top-ups left out of documents (first provider).
  { profileId: 'vk-legal-postpaid', policy: profile('vk-legal-postpaid'), creditLimit: '100000000' },
];

/** A month of random history through the real decider; the events, and the documents as the issuer forms them. */
function month(c: Case, actions: Action[]) {
  const period = periodById(PERIOD, ZONE);
  const context = { ...contextFor(c.profileId), profile: c.policy };
  const carried: CarriedState = emptyCarried({ creditLimit: c.creditLimit });
  const opened: LedgerEvent = {
    type: 'PeriodOpened',
    data: {
      accountId: 'acc-ru',
      periodId: PERIOD,
      startsAt: period.startsAt,
      endsAt: period.endsAt,
      lastDay: period.lastDay,
      currency: 'RUB',
      profileId: c.profileId,
      profileVersion: 1,
      carried,
    },
  };
  let state = evolveLedger(initialLedgerState(), opened);
  const events: LedgerEvent[] = [opened];
  const documents: ClosingDocument[] = [];
  const midPeriod: ClosingDocument[] = [];
  const apply = (command: LedgerCommand) => {
    const decision = decideLedger(command, state, context);
    if (!decision.ok) return;
    for (const event of decision.events) {
      if (event.type === 'BillIssued' && formsMidPeriodClosingDocuments(event.data)) {
        const formed = closingDocumentsFor({
          closed: periodSoFar(state),
          account: ruLegal(),
          issuer: RU_ISSUER,
          profile: c.policy,
          midPeriod: { issuedOn: event.data.issuedOn, billId: event.data.billId },
          alreadyDocumented: midPeriod,
        }).documents;
        midPeriod.push(...formed);
        documents.push(...formed);
      }
      events.push(event);
      state = evolveLedger(state, event);
    }
  };
  const booked: string[] = [];
  [...actions]
    .sort((a, b) => a.day - b.day)
    .forEach((a, i) => {
      const at = `${PERIOD}-${String(a.day).padStart(2, '0')}T09:00:00.000Z`;
      if (a.kind === 'void' || a.kind === 'rerate') {
        if (booked.length === 0) return;
        const record = usageRecordFacts(booked[a.pick % booked.length]!, [{ periodId: PERIOD, events }])!;
        const ops = { reason: 'property', reference: `T-${i}`, by: 'ops:test', at };
        apply(
          a.kind === 'void'
            ? { type: 'VoidUsageRecord', record, ...ops }
            : { type: 'RerateUsageRecord', record, quantity: a.quantity, ...ops },
        );
      } else if (a.kind === 'adjust') {
        // A credit never takes a service below zero: a negative line is no document (another rule's matter).
        const service = state.byService.get('Cloud Compute');
        if (a.direction === 'credit' && !(service && service.consumption.minus(a.amount).gt(0))) return;
        apply({
          type: 'Adjust',
          adjustmentId: `a${i}`,
          direction: a.direction,
          amount: a.amount,
          period: PERIOD,
          service: 'Cloud Compute',
          category: 'compute',
          ...(a.sku ? { sku: a.sku } : {}),
          reason: 'property',
          by: 'ops:test',
          at,
        });
      } else if (a.kind === 'use') {
        const before = events.length;
        apply({
          type: 'ConsumeResource',
          usageRecordId: `u${i}`,
          sku: a.sku,
          quantity: a.quantity,
          windowStart: at,
          windowEnd: at,
        });
        if (events.slice(before).some((e) => e.type === 'ResourceConsumed')) booked.push(`u${i}`);
      } else if (a.kind === 'grant')
        apply({
          type: 'IssueGrant',
          grantId: `g${i}`,
          kind: 'promo',
          amount: a.amount,
          expiresAt: '2026-12-31T00:00:00.000Z',
          categories: 'all',
          excludedCategories: [],
          priority: 0,
          at,
        });
      else if (a.kind === 'top-up')
        apply({ type: 'TopUp', paymentId: `p${i}`, amount: a.amount, channel: a.channel, at });
    });
  apply({ type: 'ClosePeriod', at: period.endsAt, timeZone: ZONE });
  const closed = events.find((e) => e.type === 'PeriodClosed');
  if (closed?.type === 'PeriodClosed')
    documents.push(
      ...closingDocumentsFor({
        closed: closed.data,
        account: ruLegal(),
        issuer: RU_ISSUER,
        profile: c.policy,
        alreadyDocumented: midPeriod,
      }).documents,
    );
  return { events, documents };
}

/** The events a document is made of: up to its bill for one formed mid-period, else the whole period. */
function eventsOf(document: ClosingDocument, events: readonly LedgerEvent[]): LedgerEvent[] {
  const billId = /-mid\/(.+)$/.exec(document.documentId)?.[1];
  const end =
    billId === undefined
      ? events.length
      : events.findIndex((e) => e.type === 'BillIssued' && e.data.billId === billId);
  return events.slice(0, end);
}

function derive(
  c: Case,
  document: ClosingDocument,
  documents: readonly ClosingDocument[],
  events: LedgerEvent[],
) {
  const sums = new UsageSums(c.policy.documents);
  const steps: Array<UsageStep | CorrectionStep> = [];
  const corrections: CorrectionStep[] = [];
  for (const event of eventsOf(document, events)) {
    if (event.type === 'ResourceConsumed') steps.push(sums.add(event.data));
    if (event.type === 'ChargeCorrected') {
      const step = sums.addCorrection(event.data, document.periodId);
      steps.push(step);
      corrections.push(step);
    }
  }
  const earlier = documents.slice(0, documents.indexOf(document));
  return {
    steps,
    corrections,
    derivation: deriveClosingDocument({
      document,
      sums,
      account: ruLegal(),
      issuer: RU_ISSUER,
      profile: c.policy,
      earlier,
    }),
  };
}

const kopecks = (amount: string) => new Big(amount).times(100);

describe('the derivation of a closing document', () => {
  it.each(CASES.map((c, i) => [i, c.profileId, c.policy.documents.actBasis, c.creditLimit, c] as const))(
    'case %i (%s, %s, limit %s): every line re-adds from its usage records to the kopeck',
    (_i, _profile, _basis, _limit, c) => {
      const derived = { perSku: 0, midPeriod: 0, corrections: new Set<string>() };
      fc.assert(
        fc.property(fc.array(action, { maxLength: 14 }), (actions) => {
          const { events, documents } = month(c, actions);
          for (const document of documents.filter((d) => isDerivable(d.kind))) {
            const { steps, corrections, derivation } = derive(c, document, documents, events);
            if (derivation.services.some((s) => s.allocation)) derived.perSku += 1;
            for (const correction of corrections) {
              derived.corrections.add(correction.kind);
              // Every correction of the period is a row: who, why, and its signed amount as booked.
              const booked = events.find(
                (e) => e.type === 'ChargeCorrected' && e.data.correctionId === correction.correctionId,
              );
              expect(booked?.type === 'ChargeCorrected' && booked.data.amount).toBe(correction.amount);
              expect(correction).toMatchObject({ by: 'ops:test', reason: 'property' });
            }
            if (document.documentId.includes('-mid/')) derived.midPeriod += 1;
            expect(derivation.reconciles).toBe(true);
            const firstOfPeriod = !documents
              .slice(0, documents.indexOf(document))
              .some((d) => d.kind === 'act' || d.kind === 'upd');
            for (const service of derivation.services) {
              // The records of the service re-add to its exact basis.
              const records = steps.filter((s) => s.service === service.service);
              const exact = records.reduce((sum, s) => sum.plus(s.documented), new Big(0));
              expect(exact.toFixed()).toBe(new Big(service.exact).toFixed());
              if (!service.allocation) continue;
              // The allocation gives the service's gross exactly, each part its exact share rounded down or up.
              const allocated = service.allocation.reduce((sum, a) => sum.plus(a.allocated), new Big(0));
              expect(allocated.toFixed(2)).toBe(service.gross);
              for (const part of service.allocation) {
                expect(kopecks(part.allocated).minus(part.exactShare).abs().lt(1)).toBe(true);
                if (firstOfPeriod) {
                  const ofSku = records.filter((s) => s.sku === part.sku);
                  expect(ofSku.reduce((sum, s) => sum.plus(s.documented), new Big(0)).toFixed()).toBe(
                    new Big(part.weight).toFixed(),
                  );
                  const quantityOf = (s: UsageStep | CorrectionStep) =>
                    'quantityChange' in s ? s.quantityChange : s.quantity;
                  expect(ofSku.reduce((sum, s) => sum.plus(quantityOf(s)), new Big(0)).toFixed()).toBe(
                    new Big(part.quantity).toFixed(),
                  );
                }
                // The SKU's allocated part is its line's gross (a SKU with a zero part has no line).
                const lines = derivation.lines.filter(
                  (l) => l.service === service.service && l.sku === part.sku,
                );
                const linesGross = lines.reduce((sum, l) => sum.plus(l.issued.gross), new Big(0));
                expect(linesGross.toFixed(2)).toBe(part.allocated);
              }
            }
            for (const line of derivation.lines) {
              expect(line.matches).toBe(true);
              expect(new Big(line.net).plus(line.vat).toFixed(2)).toBe(line.gross);
              // The VAT is the exact VAT rounded half-up to the kopeck.
              expect(new Big(line.vatExact).toFixed(2)).toBe(line.vat);
            }
            const sum = (pick: (l: (typeof derivation.lines)[number]) => string) =>
              derivation.lines.reduce((total, l) => total.plus(pick(l)), new Big(0)).toFixed(2);
            expect({ net: sum((l) => l.net), vat: sum((l) => l.vat), gross: sum((l) => l.gross) }).toEqual(
              document.totals,
            );
            expect(derivation.totals.amountDue).toBe(document.totals.gross);
          }
        }),
        { numRuns: 60 },
      );
      // The histories did exercise SKU lines, every kind of open-period correction, and mid-period documents
      // where the limit is small.
      expect(derived.perSku).toBeGreaterThan(0);
      expect([...derived.corrections].sort()).toEqual(['adjustment', 'usage-rerated', 'usage-voided']);
      if (c.creditLimit === '60') expect(derived.midPeriod).toBeGreaterThan(0);
    },
  );

  it('a line changed after issue does not reconcile, and the derivation names it', () => {
    const c = CASES[1]!;
    const { events, documents } = month(c, [
      { kind: 'use', quantity: '1000.005', sku: 'compute.vcpu', day: 3 },
      { kind: 'use', quantity: '220.005', sku: 'compute.ram', day: 4 },
      { kind: 'use', quantity: '10.5', sku: 'storage.ssd', day: 5 },
    ]);
    const act = documents.find((d) => d.kind === 'act')!;
    const honest = derive(c, act, documents, events).derivation;
    expect(honest.reconciles).toBe(true);
    // The worked example of docs/documents.md: 1 000.005 and 220.005 make 1 220.01, allocated 1 000.00 + 220.01.
    expect(honest.services.find((s) => s.service === 'Cloud Compute')).toMatchObject({
      exact: '1220.01',
      rounded: '1220.01',
      allocation: [
        { sku: 'compute.ram', weight: '220.005', allocated: '220.01' },
        { sku: 'compute.vcpu', weight: '1000.005', allocated: '1000.00' },
      ],
    });
    const tampered: ClosingDocument = {
      ...act,
      lines: act.lines.map((l, i) =>
        i === 0 ? { ...l, gross: new Big(l.gross).plus('0.01').toFixed(2) } : l,
      ),
    };
    const derivation = derive(c, tampered, documents, events).derivation;
    expect(derivation.reconciles).toBe(false);
    expect(derivation.lines.map((l) => l.matches)).toEqual(act.lines.map((_, i) => i !== 0));
    expect(derivation.totals.matches).toBe(false);
  });
});
