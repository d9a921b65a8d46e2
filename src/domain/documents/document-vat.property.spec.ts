/**
 * Property: whatever the lines, a document's VAT total is the sum of its per-line VAT, and net + VAT =
 * gross holds for every line and for the document — for bills and closing documents, every
 * jurisdiction, rounding mode and VAT rate-change policy. Each line's VAT is also checked against an
 * independent integer computation of gross × r / (100 + r), rounded half-up to kopecks.
 */
import type Big from 'big.js';
import fc from 'fast-check';

import type { ServiceTotals, SkuTotals } from '../ledger/ledger-events.js';
import { Decimal } from '../shared/decimal.js';
import { vatPercent, type VatSchedule } from '../shared/vat.js';
import { composeBill } from './bill.js';
import { closingDocumentsFor } from './closing-documents.js';
import type { AccountDocument, DocumentLine } from './document-types.js';
import {
  KZ_ISSUER,
  RU_ISSUER,
  kzLegal,
  nonResident,
  periodClosed,
  profile,
  ruLegal,
  withDocuments,
} from './documents.fixtures.js';

const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 10_000_000n }), fc.integer({ min: 0, max: 999_999 }))
  .map(([units, micros]) => `${units}.${String(micros).padStart(6, '0')}`);

const serviceTotals = fc
  .uniqueArray(
    fc.record({
      name: fc.string({ minLength: 1, maxLength: 12 }),
      consumption: amount,
      grantShare: fc.nat(100),
    }),
    { selector: (s) => s.name, maxLength: 12 },
  )
  .map((services): ServiceTotals[] =>
    services.map(({ name, consumption, grantShare }) => {
      const fromGrants = new Decimal(consumption).times(String(grantShare)).div('100').round(6, 0);
      return {
        service: name,
        category: 'compute',
        consumption,
        fromGrants: fromGrants.toFixed(),
        fromBalance: new Decimal(consumption).minus(fromGrants).toFixed(),
      };
    }),
  );

const scenario = fc.record({
  byService: serviceTotals,
  account: fc.constantFrom('RU', 'KZ', 'non-resident'),
  periodId: fc.constantFrom('2025-11', '2025-12', '2026-01', '2026-03'),
  mode: fc.constantFrom('half-up' as const, 'half-even' as const),
  midMonthChange: fc.constantFrom('act-date' as const, 'split-by-day' as const),
  actBasis: fc.constantFrom('spent-from-balance' as const, 'total-consumption' as const),
  deposits: amount,
});

/** A hypothetical mid-month change, so 'split-by-day' really splits. */
const MID_MONTH: VatSchedule = {
  RU: [
    { from: null, until: '2026-03-17', rate: vatPercent('20'), basis: 'test' },
    { from: '2026-03-18', until: null, rate: vatPercent('22'), basis: 'test' },
  ],
  KZ: [
    { from: null, until: '2026-03-17', rate: vatPercent('12'), basis: 'test' },
    { from: '2026-03-18', until: null, rate: vatPercent('16'), basis: 'test' },
  ],
  'non-resident': [{ from: null, until: null, rate: { kind: 'none' }, basis: 'test' }],
};

const kopecks = (value: string) => {
  expect(value).toMatch(/^-?\d+\.\d{2}$/);
  return BigInt(value.replace('.', ''));
};

/** round(gross × p / (100 + p)) half-up (or half-even), in integers. */
function expectedVat(grossKopecks: bigint, percent: bigint, mode: 'half-up' | 'half-even'): bigint {
  const numerator = grossKopecks * percent;
  const denominator = 100n + percent;
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return mode === 'half-up' || quotient % 2n === 1n ? quotient + 1n : quotient;
}

function checkLine(line: DocumentLine, mode: 'half-up' | 'half-even') {
  const [net, vat, gross] = [kopecks(line.net), kopecks(line.vat), kopecks(line.gross)];
  expect(net + vat).toBe(gross);
  expect(gross > 0n).toBe(true);
  if (line.vatRate.kind === 'none') expect(vat).toBe(0n);
  else expect(vat).toBe(expectedVat(gross, BigInt(line.vatRate.percent), mode));
}

function checkDocument(document: AccountDocument, mode: 'half-up' | 'half-even') {
  for (const line of document.lines) checkLine(line, mode);
  const sum = (pick: (line: DocumentLine) => string) =>
    document.lines.reduce((total, line) => total + kopecks(pick(line)), 0n);
  expect(sum((l) => l.vat)).toBe(kopecks(document.totals.vat));
  expect(sum((l) => l.net)).toBe(kopecks(document.totals.net));
  expect(sum((l) => l.gross)).toBe(kopecks(document.totals.gross));
  expect(kopecks(document.totals.net) + kopecks(document.totals.vat)).toBe(kopecks(document.totals.gross));
}

/** Each service as two SKUs (issue 13): a share of it and the rest, with quantities. */
function twoSkusEach(byService: readonly ServiceTotals[], share: number): SkuTotals[] {
  return byService.flatMap((s) => {
    const part = (value: string) => new Decimal(value).times(String(share)).div('100').round(6, 0);
    const sku = (name: string, pick: (value: string) => Big): SkuTotals => ({
      sku: `${s.service}.${name}`,
      service: s.service,
      category: s.category,
      unit: 'unit',
      quantity: '3.5',
      consumption: pick(s.consumption).toFixed(),
      fromGrants: pick(s.fromGrants).toFixed(),
      fromBalance: pick(s.fromBalance).toFixed(),
      fromBalanceBy: [],
    });
    return [sku('a', part), sku('b', (value) => new Decimal(value).minus(part(value)))];
  });
}

it.each([
  ['one line per service', false],
  ['one line per SKU (issue 13)', true],
])('Σ line VAT = document VAT; net + VAT = gross per line and per document: %s', (_label, perSku) => {
  fc.assert(
    fc.property(scenario, fc.integer({ min: 0, max: 100 }), (s, share) => {
      const account = s.account === 'RU' ? ruLegal() : s.account === 'KZ' ? kzLegal() : nonResident();
      const issuer = s.account === 'KZ' ? KZ_ISSUER : RU_ISSUER;
      const base = withDocuments('vk-legal-prepaid', { actBasis: s.actBasis });
      const policy = {
        ...base,
        rounding: { mode: s.mode, subMinorChargesRoundUp: false },
        vat: { midMonthChange: s.midMonthChange },
      };
      const closed = periodClosed({
        periodId: s.periodId,
        byService: s.byService,
        ...(perSku ? { bySku: twoSkusEach(s.byService, share) } : {}),
        documentEligibleDeposits: s.deposits,
      });
      const schedule = s.periodId === '2026-03' ? MID_MONTH : undefined;

      const closing = closingDocumentsFor({
        closed,
        account,
        issuer,
        profile: policy,
        ...(schedule ? { vatSchedule: schedule } : {}),
      });
      for (const document of closing.documents) {
        checkDocument(document, s.mode);
        // The SKU variant really prints SKU lines (every service line names its SKU).
        if (perSku)
          for (const line of document.lines.filter((l) => l.service !== null)) expect(line.sku).toBeDefined();
      }

      const bill = composeBill({
        kind: 'period',
        account,
        issuer,
        profile: { ...profile('yc-legal-credit'), rounding: policy.rounding, vat: policy.vat },
        periodId: s.periodId,
        basis: closed,
        agreement: { number: 'A-1', date: '2025-01-01' },
        ...(schedule ? { vatSchedule: schedule } : {}),
      });
      if (bill.issued) {
        checkDocument(bill.bill, s.mode);
        expect(kopecks(bill.bill.toPay) > 0n).toBe(true);
      }
    }),
    { numRuns: 300 },
  );
});
