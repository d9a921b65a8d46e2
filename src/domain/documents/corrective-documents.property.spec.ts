/**
 * Property (issue 14): over random lists of corrections of one closed period — debits and credits, partly paid
 * by grants, partly by card, on random SKUs, booked in random batches (each batch's corrective documents
 * numbered before the next, so each starts from the previous "after") — the corrective documents'
 * differences sum to the ledger's corrections on the documents' basis: under the all-consumption basis
 * (card payments counting in documents) exactly the corrections' amounts; under the spent-from-balance basis their `fromBalance` less the spending
 * through channels that do not count in documents (card, where the profile leaves it out). The КСФ always
 * says what its corrective act says, and the last "after" is the original plus every difference.
 */
import Big from 'big.js';
import fc from 'fast-check';
import type { ChargeCorrection } from '../ledger/ledger-events.js';
import { closeAndNumber, correction, TestSeries } from './corrective-documents.fixtures.js';
import { correctiveDocumentsFor, type CorrectiveDocument } from './corrective-documents.js';
import { RU_ISSUER, periodClosedBySku, ruLegal, skuTotal, withDocuments } from './documents.fixtures.js';

const SKUS = ['compute.vcpu.hour', 'compute.ram.gb.hour', 'storage.ssd.gb.hour'] as const;
const MARCH = periodClosedBySku([
  skuTotal(SKUS[0], 'Cloud Compute', '100000', '1000000'),
  skuTotal(SKUS[1], 'Cloud Compute', '50000', '500000'),
  skuTotal(SKUS[2], 'Block Storage', '70000', '700000', '0', 'storage'),
]);
const cents = (k: number) => new Big(k).div(100).toFixed(2);

/** A correction of at most ±5 000.00: grants pay a part, card another, bank transfer the rest (same sign). */
const arbitraryCorrection = fc
  .record({
    kopecks: fc.integer({ min: -500_000, max: 500_000 }).filter((k) => k !== 0),
    grantShare: fc.integer({ min: 0, max: 100 }),
    cardShare: fc.integer({ min: 0, max: 100 }),
    sku: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ kopecks, grantShare, cardShare, sku }) => {
    const grants = Math.trunc((kopecks * grantShare) / 100);
    const balance = kopecks - grants;
    const card = Math.trunc((balance * cardShare) / 100);
    return { kopecks, grants, balance, card, bank: balance - card, sku: SKUS[sku] };
  });

type Generated = typeof arbitraryCorrection extends fc.Arbitrary<infer T> ? T : never;

function toCorrection(g: Generated, index: number): ChargeCorrection {
  return correction(`c${index}`, cents(g.kopecks), {
    service: g.sku.startsWith('storage') ? 'Block Storage' : 'Cloud Compute',
    category: g.sku.startsWith('storage') ? 'storage' : 'compute',
    sku: g.sku,
    fromGrants: g.grants === 0 ? [] : [{ grantId: 'g1', amount: cents(g.grants) }],
    fromBalance: cents(g.balance),
    fromBalanceBy: [
      ...(g.bank !== 0 ? [{ source: 'bank-transfer' as const, amount: cents(g.bank) }] : []),
      ...(g.card !== 0 ? [{ source: 'card' as const, amount: cents(g.card) }] : []),
    ],
  });
}

const sum = (values: readonly string[]) => values.reduce((acc, v) => acc.plus(v), new Big(0));

function run(
  basis: 'total-consumption' | 'spent-from-balance',
  generated: Generated[],
  cuts: number[],
): { documents: CorrectiveDocument[]; originalGross: string } {
  // All consumption with card counting in documents: nothing is left out, so the documents follow the amounts.
  const eligibleChannels: Array<'bank-transfer' | 'card'> =
    basis === 'total-consumption' ? ['bank-transfer', 'card'] : ['bank-transfer'];
  const profile = withDocuments('yc-legal-credit', { actBasis: basis, eligibleChannels });
  const account = ruLegal();
  const series = new TestSeries();
  const originals = closeAndNumber(series, account, profile, MARCH);
  const corrections = generated.map(toCorrection);
  const bounds = [...new Set([0, ...cuts.map((c) => c % (corrections.length + 1)), corrections.length])].sort(
    (a, b) => a - b,
  );
  const documents: CorrectiveDocument[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const batch = corrections.slice(bounds[i - 1], bounds[i]);
    if (batch.length === 0) continue;
    const composed = correctiveDocumentsFor({
      account,
      issuer: RU_ISSUER,
      profile,
      periodId: '2026-03',
      bookedInPeriod: '2026-04',
      corrections: batch,
      issued: series.issued,
    });
    documents.push(...series.number(composed.documents));
  }
  return { documents, originalGross: originals.find((d) => d.kind === 'act')!.totals.gross };
}

describe('corrective documents: the differences sum to the corrections', () => {
  const lists = fc.tuple(
    fc.array(arbitraryCorrection, { minLength: 1, maxLength: 20 }),
    fc.array(fc.nat(), { maxLength: 5 }),
  );

  it('all consumption: Σ difference = Σ amount, to the kopeck', () => {
    fc.assert(
      fc.property(lists, ([generated, cuts]) => {
        const { documents, originalGross } = run('total-consumption', generated, cuts);
        const acts = documents.filter((d) => d.kind === 'corrective-act');
        const expected = sum(generated.map((g) => cents(g.kopecks)));
        expect(sum(acts.map((d) => d.change.difference.gross)).toFixed(2)).toBe(expected.toFixed(2));
        expect(
          sum(acts.map((d) => d.change.increase.gross))
            .minus(sum(acts.map((d) => d.change.decrease.gross)))
            .toFixed(2),
        ).toBe(expected.toFixed(2));
        const ksf = documents.filter((d) => d.kind === 'corrective-vat-invoice');
        expect(ksf.map((d) => d.change)).toEqual(acts.map((d) => d.change));
        if (acts.length > 0)
          expect(acts.at(-1)!.totals.gross).toBe(new Big(originalGross).plus(expected).toFixed(2));
      }),
      { numRuns: 60 },
    );
  });

  it('spent from balance: Σ difference = Σ fromBalance less card-funded spending', () => {
    fc.assert(
      fc.property(lists, ([generated, cuts]) => {
        const { documents } = run('spent-from-balance', generated, cuts);
        const acts = documents.filter((d) => d.kind === 'corrective-act');
        const expected = sum(generated.map((g) => cents(g.bank)));
        expect(sum(acts.map((d) => d.change.difference.gross)).toFixed(2)).toBe(expected.toFixed(2));
        // No document for a batch that changes nothing on this basis.
        for (const act of acts) expect(act.correctiveLines.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });
});
