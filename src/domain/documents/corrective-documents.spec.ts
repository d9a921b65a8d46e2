/**
 * Corrective documents (issue 14): given a closed period's documents as issued and corrections booked for it,
 * which corrective documents are composed and what each line's before / after / increase / decrease say.
 *
 * March 2026 (RU VAT 22 %), Cloud Compute by SKU: 1 000 vCPU-hours for 1 220.00 and 500 GB-hours of RAM for
 * 610.00, paid by bank transfer; corrections booked on 10 April.
 */
import Big from 'big.js';
import { closeAndNumber, correction, correctiveOfKind, TestSeries } from './corrective-documents.fixtures.js';
import {
  CorrectionBelowDocumentedError,
  CorrectionPeriodMismatchError,
  correctiveDocumentsFor,
  overConfirmedCorrectiveDocumentsFor,
  type CorrectiveDocumentsRequest,
} from './corrective-documents.js';
import { closingDocumentsFor } from './closing-documents.js';
import type { AccountDocument, DocumentAccount, Numbered } from './document-types.js';
import {
  RU_ISSUER,
  individual,
  nonResident,
  periodClosedBySku,
  profile,
  ruLegal,
  skuTotal,
  withDocuments,
} from './documents.fixtures.js';
import type { PolicyProfile } from '../policies/policy-profile.js';

const VCPU = 'compute.vcpu.hour';
const RAM = 'compute.ram.gb.hour';
const MARCH = periodClosedBySku([
  skuTotal(VCPU, 'Cloud Compute', '1000', '1220'),
  skuTotal(RAM, 'Cloud Compute', '500', '610'),
]);

function setUp(account: DocumentAccount = ruLegal(), policy: PolicyProfile = profile('yc-legal-credit')) {
  const series = new TestSeries();
  const originals = closeAndNumber(series, account, policy, MARCH);
  const compose = (corrections: CorrectiveDocumentsRequest['corrections'], issued = series.issued) =>
    correctiveDocumentsFor({
      account,
      issuer: RU_ISSUER,
      profile: policy,
      periodId: '2026-03',
      bookedInPeriod: '2026-04',
      corrections,
      issued,
    });
  return { series, originals, compose };
}

const ofKind = (documents: readonly Numbered<AccountDocument>[], kind: string) =>
  documents.find((d) => d.kind === kind)!;

const lateUsage = (id: string, sku: string, quantity: string, amount: string) =>
  correction(id, amount, {
    kind: 'late-usage',
    service: 'Cloud Compute',
    sku,
    usageRecordId: `u-${id}`,
    usage: {
      quantity,
      unit: 'hour',
      windowStart: '2026-03-20T10:00:00.000Z',
      windowEnd: '2026-03-20T11:00:00.000Z',
      catalogVersion: '2026-01',
      ratedAmount: amount,
    },
  });
const voided = (id: string, sku: string, quantity: string, amount: string) => ({
  ...lateUsage(id, sku, quantity, amount),
  kind: 'usage-voided' as const,
});

describe('corrective documents: an act and a VAT invoice corrected', () => {
  it('late usage raises a line: corrective act and КСФ, each naming its original, before / after / increase', () => {
    const { originals, compose } = setUp();
    const act = ofKind(originals, 'act');
    const invoice = ofKind(originals, 'vat-invoice');

    const { documents, omitted } = compose([lateUsage('c1', VCPU, '100', '122')]);

    expect(omitted).toBeUndefined();
    expect(documents.map((d) => d.kind)).toEqual(['corrective-act', 'corrective-vat-invoice']);
    const correctiveAct = correctiveOfKind(documents, 'corrective-act');
    const ksf = correctiveOfKind(documents, 'corrective-vat-invoice');
    expect(correctiveAct.corrects).toEqual({
      documentId: act.documentId,
      kind: 'act',
      number: act.number,
      date: '2026-03-31',
    });
    expect(ksf.corrects).toEqual({
      documentId: invoice.documentId,
      kind: 'vat-invoice',
      number: invoice.number,
      date: '2026-03-31',
    });
    expect(ksf.basisDocumentId).toBe(correctiveAct.documentId);
    expect(correctiveAct.date).toBe('2026-04-10');
    expect(correctiveAct.servicePeriod).toEqual({ firstDay: '2026-03-01', lastDay: '2026-03-31' });
    expect(correctiveAct.correctiveLines).toEqual([
      {
        description: `Cloud Compute: ${VCPU}`,
        service: 'Cloud Compute',
        category: 'compute',
        sku: VCPU,
        servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
        vatRate: { kind: 'percent', percent: '22' },
        before: { net: '1000.00', vat: '220.00', gross: '1220.00', quantity: '1000', unitPrice: '1.00' },
        after: { net: '1100.00', vat: '242.00', gross: '1342.00', quantity: '1100', unitPrice: '1.00' },
        increase: { net: '100.00', vat: '22.00', gross: '122.00', quantity: '100' },
        decrease: { net: '0.00', vat: '0.00', gross: '0.00' },
      },
    ]);
    expect(correctiveAct.change).toEqual({
      increase: { net: '100.00', vat: '22.00', gross: '122.00' },
      decrease: { net: '0.00', vat: '0.00', gross: '0.00' },
      difference: { net: '100.00', vat: '22.00', gross: '122.00' },
    });
    // The documents as they stand after: the RAM line unchanged, the vCPU line raised.
    expect(correctiveAct.totals).toEqual({ net: '1600.00', vat: '352.00', gross: '1952.00' });
    expect(ksf.correctiveLines).toEqual(correctiveAct.correctiveLines);
  });

  it('a voided record lowers its line: row Г (decrease) only, the difference negative', () => {
    const { compose } = setUp();
    const { documents } = compose([voided('c2', RAM, '100', '-122')]);
    const [row] = correctiveOfKind(documents, 'corrective-act').correctiveLines;
    expect(row!.sku).toBe(RAM);
    expect(row!.before).toEqual({
      net: '500.00',
      vat: '110.00',
      gross: '610.00',
      quantity: '500',
      unitPrice: '1.00',
    });
    expect(row!.after).toEqual({
      net: '400.00',
      vat: '88.00',
      gross: '488.00',
      quantity: '400',
      unitPrice: '1.00',
    });
    expect(row!.increase).toEqual({ net: '0.00', vat: '0.00', gross: '0.00' });
    expect(row!.decrease).toEqual({ net: '100.00', vat: '22.00', gross: '122.00', quantity: '100' });
    expect(correctiveOfKind(documents, 'corrective-act').change.difference).toEqual({
      net: '-100.00',
      vat: '-22.00',
      gross: '-122.00',
    });
  });

  it('mixed lines: increase and decrease totalled apart, unchanged lines not shown', () => {
    const { compose } = setUp();
    const { documents } = compose([
      lateUsage('c3', VCPU, '10', '12.20'),
      correction('c4', '-61', { service: 'Cloud Compute', sku: RAM, kind: 'adjustment' }),
    ]);
    const ksf = correctiveOfKind(documents, 'corrective-vat-invoice');
    // In the document's line order (service, then SKU).
    expect(ksf.correctiveLines.map((r) => [r.sku, r.increase.gross, r.decrease.gross])).toEqual([
      [RAM, '0.00', '61.00'],
      [VCPU, '12.20', '0.00'],
    ]);
    // An adjustment changes the amount, not the quantity: the price moves instead.
    expect(ksf.correctiveLines[0]!.after).toEqual({
      net: '450.00',
      vat: '99.00',
      gross: '549.00',
      quantity: '500',
      unitPrice: '0.90',
    });
    expect(ksf.change).toEqual({
      increase: { net: '10.00', vat: '2.20', gross: '12.20' },
      decrease: { net: '50.00', vat: '11.00', gross: '61.00' },
      difference: { net: '-40.00', vat: '-8.80', gross: '-48.80' },
    });
    expect(ksf.correctionIds).toEqual(['c3', 'c4']);
  });

  it('a second correction of the period starts from the previous corrective document’s "after"', () => {
    const { series, originals, compose } = setUp();
    const first = series.number(compose([lateUsage('c5', VCPU, '100', '122')]).documents);
    const second = compose([lateUsage('c6', VCPU, '50', '61')]).documents;

    const act = correctiveOfKind(second, 'corrective-act');
    const firstAct = ofKind(first, 'corrective-act');
    expect(act.corrects.number).toBe(ofKind(originals, 'act').number);
    expect(act.previous).toEqual({
      documentId: firstAct.documentId,
      kind: 'corrective-act',
      number: firstAct.number,
      date: '2026-04-10',
    });
    expect(correctiveOfKind(second, 'corrective-vat-invoice').previous?.number).toBe(
      ofKind(first, 'corrective-vat-invoice').number,
    );
    const [row] = act.correctiveLines;
    expect(row!.before).toEqual({
      net: '1100.00',
      vat: '242.00',
      gross: '1342.00',
      quantity: '1100',
      unitPrice: '1.00',
    });
    expect(row!.after.gross).toBe('1403.00');
    expect(row!.after.quantity).toBe('1150');
    expect(row!.increase.gross).toBe('61.00');
  });

  it('a decrease beyond what the documents confirmed is refused, naming the line', () => {
    const { compose } = setUp();
    expect(() => compose([voided('c7', RAM, '600', '-732')])).toThrow(CorrectionBelowDocumentedError);
  });

  it('dates the documents the local day of the correction (Moscow)', () => {
    const { compose } = setUp();
    const late = { ...lateUsage('c8', VCPU, '1', '1.22'), at: '2026-04-10T22:30:00.000Z' };
    expect(compose([late]).documents.map((d) => d.date)).toEqual(['2026-04-11', '2026-04-11']);
  });

  it('a correction of another period is refused', () => {
    const { compose } = setUp();
    expect(() => compose([correction('c9', '1', { correctsPeriod: '2026-02' })])).toThrow(
      CorrectionPeriodMismatchError,
    );
  });
});

describe('corrective documents: the document basis', () => {
  const grantPaid = (id: string) =>
    correction(id, '122', {
      service: 'Cloud Compute',
      sku: VCPU,
      fromGrants: [{ grantId: 'g1', amount: '122' }],
      fromBalance: '0',
      fromBalanceBy: [],
    });

  it('spent from balance: a correction paid by grants changes nothing — no corrective document', () => {
    const { compose } = setUp(
      ruLegal(),
      withDocuments('yc-legal-credit', { actBasis: 'spent-from-balance' }),
    );
    expect(compose([grantPaid('g-1')])).toEqual({ periodId: '2026-03', documents: [], omitted: 'no-effect' });
  });

  it('all consumption: the same grant-paid correction is documented in full', () => {
    const { compose } = setUp(ruLegal(), withDocuments('yc-legal-credit', { actBasis: 'total-consumption' }));
    const { documents } = compose([grantPaid('g-2')]);
    expect(documents.map((d) => [d.kind, d.basis, d.change.difference.gross])).toEqual([
      ['corrective-act', 'total-consumption', '122.00'],
      ['corrective-vat-invoice', 'total-consumption', '122.00'],
    ]);
  });

  it('card-funded spending is left out where the profile leaves card payments out of documents', () => {
    const byCard = correction('card-1', '122', {
      service: 'Cloud Compute',
      sku: VCPU,
      fromBalanceBy: [{ source: 'card', amount: '122' }],
    });
    const withoutCards = setUp(
      ruLegal(),
      withDocuments('yc-legal-credit', { eligibleChannels: ['bank-transfer'] }),
    );
    expect(withoutCards.compose([byCard]).omitted).toBe('no-effect');
    const withCards = setUp(
      ruLegal(),
      withDocuments('yc-legal-credit', { eligibleChannels: ['bank-transfer', 'card'] }),
    );
    expect(withCards.compose([byCard]).documents[0]!.change.difference.gross).toBe('122.00');
  });

  it('half by grants under spent from balance: only the balance half moves the line', () => {
    const { compose } = setUp();
    const half = correction('half', '122', {
      service: 'Cloud Compute',
      sku: VCPU,
      fromGrants: [{ grantId: 'g1', amount: '61' }],
      fromBalance: '61',
      fromBalanceBy: [{ source: 'bank-transfer', amount: '61' }],
    });
    expect(compose([half]).documents[0]!.change.increase.gross).toBe('61.00');
  });
});

describe('corrective documents: which documents', () => {
  it('an original UPD status 1 gets one УКД status 1 (also the КСФ)', () => {
    const { originals, compose } = setUp(
      ruLegal({ profileId: 'vk-legal-postpaid' }),
      profile('vk-legal-postpaid'),
    );
    const upd = ofKind(originals, 'upd');
    const { documents } = compose([lateUsage('u1', VCPU, '100', '122')]);
    expect(documents.map((d) => [d.kind, d.status, d.corrects.number, d.corrects.date])).toEqual([
      ['ukd', 1, upd.number, '2026-03-31'],
    ]);
  });

  it('an original UPD status 2 with its VAT invoice gets a УКД status 2 and a КСФ', () => {
    const policy = withDocuments('vk-legal-postpaid', { closing: 'upd-status-2' });
    const { compose } = setUp(ruLegal({ profileId: 'vk-legal-postpaid' }), policy);
    const { documents } = compose([lateUsage('u2', VCPU, '100', '122')]);
    expect(documents.map((d) => [d.kind, d.status, d.corrects.kind])).toEqual([
      ['ukd', 2, 'upd'],
      ['corrective-vat-invoice', undefined, 'vat-invoice'],
    ]);
  });

  it('no VAT invoice originally (a non-resident, without VAT): a corrective act only', () => {
    const { compose } = setUp(nonResident(), profile('yc-legal-credit'));
    const { documents } = compose([lateUsage('n1', VCPU, '100', '122')]);
    expect(documents.map((d) => d.kind)).toEqual(['corrective-act']);
    expect(documents[0]!.correctiveLines[0]).toMatchObject({
      vatRate: { kind: 'none' },
      before: { net: '1220.00', vat: '0.00', gross: '1220.00' },
      after: { net: '1342.00', vat: '0.00', gross: '1342.00' },
      increase: { net: '122.00', vat: '0.00', gross: '122.00' },
    });
  });

  it('a correction of the open period needs none: its closing documents include it', () => {
    const { originals } = setUp();
    const result = correctiveDocumentsFor({
      account: ruLegal(),
      issuer: RU_ISSUER,
      profile: profile('yc-legal-credit'),
      periodId: '2026-03',
      bookedInPeriod: '2026-03',
      corrections: [correction('o1', '10')],
      issued: originals,
    });
    expect(result.omitted).toBe('open-period');
    expect(result.documents).toEqual([]);
  });

  it('a period without closing documents gets none; individuals get none', () => {
    const { compose } = setUp();
    expect(compose([correction('x1', '10')], []).omitted).toBe('no-closing-documents');
    const person = correctiveDocumentsFor({
      account: individual(),
      issuer: RU_ISSUER,
      profile: profile('vk-individual-prepaid'),
      periodId: '2026-03',
      bookedInPeriod: '2026-04',
      corrections: [correction('x2', '10')],
      issued: [],
    });
    expect(person.omitted).toBe('individual');
  });

  it('a correction of a service the documents did not print adds a line that was zero before', () => {
    const { compose } = setUp();
    const storage = correction('s1', '50', { service: 'Block Storage', category: 'storage' });
    const [row] = compose([storage]).documents[0]!.correctiveLines;
    expect(row).toMatchObject({
      service: 'Block Storage',
      before: { net: '0.00', vat: '0.00', gross: '0.00' },
      after: { gross: '50.00', vat: '9.02', net: '40.98' },
      increase: { gross: '50.00', vat: '9.02', net: '40.98' },
    });
  });
});

describe('a give-back after the period’s mid-period documents (credit limit exhausted)', () => {
  const SO_FAR = periodClosedBySku([
    skuTotal(VCPU, 'Cloud Compute', '1000', '1220'),
    skuTotal(RAM, 'Cloud Compute', '500', '610'),
  ]);
  // 300 vCPU-hours (366.00) voided after the mid-period act; 100 GB-hours of RAM (122.00) more used.
  const AFTER_VOID = periodClosedBySku([
    skuTotal(VCPU, 'Cloud Compute', '700', '854'),
    skuTotal(RAM, 'Cloud Compute', '600', '732'),
  ]);

  function issue(policy: PolicyProfile, closed = AFTER_VOID) {
    const account = ruLegal();
    const series = new TestSeries();
    const midPeriod = series.number(
      closingDocumentsFor({
        closed: SO_FAR,
        account,
        issuer: RU_ISSUER,
        profile: policy,
        midPeriod: { issuedOn: '2026-03-15', billId: 'b1' },
      }).documents,
    );
    const monthEnd = closingDocumentsFor({
      closed,
      account,
      issuer: RU_ISSUER,
      profile: policy,
      alreadyDocumented: midPeriod,
    });
    const corrective = overConfirmedCorrectiveDocumentsFor({
      account,
      issuer: RU_ISSUER,
      profile: policy,
      periodId: '2026-03',
      overConfirmed: monthEnd.overConfirmed ?? [],
      issued: series.issued,
      date: '2026-03-31',
    });
    const numbered = series.number([...monthEnd.documents, ...corrective.documents]);
    return { midPeriod, monthEnd, corrective, numbered };
  }

  const gross = (d: { totals: { gross: string } } | undefined) => new Big(d?.totals.gross ?? '0');

  it('an act: the month-end act confirms zero, a corrective act and КСФ of the mid-period act take back the rest', () => {
    const { midPeriod, monthEnd, corrective, numbered } = issue(profile('yc-legal-credit'));
    expect(monthEnd.documents).toEqual([]);
    expect(monthEnd.overConfirmed).toEqual([
      { service: 'Cloud Compute', category: 'compute', amount: '244.00' },
    ]);
    expect(corrective.documents.map((d) => d.kind)).toEqual(['corrective-act', 'corrective-vat-invoice']);
    const act = correctiveOfKind(corrective.documents, 'corrective-act');
    const midAct = ofKind(midPeriod, 'act');
    expect(act.corrects).toEqual({
      documentId: midAct.documentId,
      kind: 'act',
      number: midAct.number,
      date: '2026-03-15',
    });
    expect(act.date).toBe('2026-03-31');
    expect(act.documentId).toBe('acc-ru/2026-03/corrective-act/month-end-remainder');
    expect(act.change.difference.gross).toBe('-244.00');
    // The mid-period act, the month-end act (none) and the corrective act: the period after the void.
    expect(gross(midAct).plus(act.change.difference.gross).toFixed(2)).toBe('1586.00');
    // Numbered in the issuer's series after the mid-period documents.
    expect(numbered.map((d) => d.sequence)).toEqual([3, 4]);
  });

  it('a UPD status 1: the excess of one service is taken back by a УКД while the rest confirms the others', () => {
    const vk = profile('vk-legal-prepaid');
    const closed = periodClosedBySku([
      skuTotal(VCPU, 'Cloud Compute', '700', '854'),
      skuTotal(RAM, 'Cloud Compute', '500', '610'),
      skuTotal('storage.gb.month', 'Block Storage', '10', '50'),
    ]);
    const { midPeriod, monthEnd, corrective } = issue(vk, closed);
    const upd = monthEnd.documents.find((d) => d.kind === 'upd')!;
    expect(upd.lines.map((l) => [l.service, l.gross])).toEqual([['Block Storage', '50.00']]);
    expect(corrective.documents.map((d) => d.kind)).toEqual(['ukd']);
    const ukd = correctiveOfKind(corrective.documents, 'ukd');
    expect(ukd.change.decrease.gross).toBe('366.00');
    // To the kopeck: mid-period UPD + month-end UPD + УКД = the period's consumption after the void.
    const total = gross(ofKind(midPeriod, 'upd')).plus(gross(upd)).plus(ukd.change.difference.gross);
    expect(total.toFixed(2)).toBe('1514.00');
  });

  it('nothing over-confirmed: no corrective document', () => {
    const { corrective } = issue(profile('yc-legal-credit'), SO_FAR);
    expect(corrective.documents).toEqual([]);
  });
});
