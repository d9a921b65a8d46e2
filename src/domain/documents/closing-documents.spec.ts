import fc from 'fast-check';
import { Decimal } from '../shared/decimal.js';
import { vatPercent, type VatSchedule } from '../shared/vat.js';
import { closingDocumentsFor, type ClosingDocumentsRequest } from './closing-documents.js';
import {
  NegativeDocumentLineError,
  PayerDetailsRequiredError,
  type ActDocument,
  type AdvanceVatInvoiceDocument,
  type ClosingDocument,
  type UpdDocument,
  type VatInvoiceDocument,
} from './document-types.js';
import {
  KZ_ISSUER,
  RU_CUSTOMER,
  RU_ISSUER,
  individual,
  kzLegal,
  nonResident,
  periodClosed,
  periodClosedBySku,
  profile,
  ruLegal,
  service,
  skuTotal,
  withDocuments,
  type PeriodClosedData,
} from './documents.fixtures.js';

const YC_PREPAID = 'yc-legal-prepaid'; // act + VAT invoice
const VK_PREPAID = 'vk-legal-prepaid'; // UPD status 1 + advance VAT invoice

/** Compute 1 000 of which 300 paid by grants; storage 220 from the balance. */
const MIXED = [service('Compute', '1000', '300'), service('Block Storage', '220', '0', 'storage')];

function documents(overrides: Partial<ClosingDocumentsRequest> & { closed?: PeriodClosedData } = {}) {
  return closingDocumentsFor({
    closed: periodClosed({ byService: MIXED }),
    account: ruLegal({ profileId: YC_PREPAID }),
    issuer: RU_ISSUER,
    profile: profile(YC_PREPAID),
    ...overrides,
  });
}

const kinds = (docs: readonly ClosingDocument[]) =>
  docs.map((d) => (d.kind === 'upd' ? `upd-${d.status}` : d.kind));
const ofKind = <K extends ClosingDocument['kind']>(docs: readonly ClosingDocument[], kind: K) =>
  docs.find((d) => d.kind === kind) as Extract<ClosingDocument, { kind: K }>;

describe("act + VAT invoice (second provider, 'act-and-vat-invoice')", () => {
  const result = documents();
  const act = ofKind(result.documents, 'act') as ActDocument;
  const invoice = ofKind(result.documents, 'vat-invoice') as VatInvoiceDocument;

  it('a resident gets an act and a VAT invoice dated the last day of the period', () => {
    expect(kinds(result.documents)).toEqual(['act', 'vat-invoice']);
    expect(result.omitted).toEqual([]);
    expect(act).toMatchObject({
      documentId: 'acc-ru/2026-03/act',
      accountId: 'acc-ru',
      periodId: '2026-03',
      date: '2026-03-31',
      servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
      currency: 'RUB',
      vatJurisdiction: 'RU',
      basis: 'spent-from-balance',
      issuer: RU_ISSUER,
      payer: RU_CUSTOMER,
      delivery: 'post',
    });
  });

  it('the act confirms what was spent from the personal account: a split service shows its balance part', () => {
    expect(act.lines.map((l) => [l.service, l.gross, l.vat, l.net])).toEqual([
      ['Compute', '700.00', '126.23', '573.77'],
      ['Block Storage', '220.00', '39.67', '180.33'],
    ]);
    expect(act.totals).toEqual({ gross: '920.00', vat: '165.90', net: '754.10' });
  });

  it('the VAT invoice repeats the act’s lines and refers to it', () => {
    expect(invoice.basisDocumentId).toBe(act.documentId);
    expect(invoice.lines).toEqual(act.lines);
    expect(invoice.totals).toEqual(act.totals);
  });

  it("with the 'total-consumption' basis the act includes what grants paid", () => {
    const total = documents({ profile: withDocuments(YC_PREPAID, { actBasis: 'total-consumption' }) });
    const totalAct = ofKind(total.documents, 'act');
    expect(totalAct.basis).toBe('total-consumption');
    expect(totalAct.lines.map((l) => l.gross)).toEqual(['1000.00', '220.00']);
  });

  it('grant-only consumption: no act and no VAT invoice', () => {
    const grantOnly = documents({ closed: periodClosed({ byService: [service('Compute', '800', '800')] }) });
    expect(grantOnly.documents).toEqual([]);
    expect(grantOnly.omitted).toEqual([
      { kind: 'act', reason: 'grant-only-consumption' },
      { kind: 'vat-invoice', reason: 'grant-only-consumption' },
    ]);
  });

  it('one minor unit from the balance is enough for an act; half a kopeck rounds with the profile mode', () => {
    const spent = (fromBalance: string, mode: 'half-up' | 'half-even' = 'half-up') =>
      documents({
        profile: profile(YC_PREPAID, { rounding: { mode, subMinorChargesRoundUp: false } }),
        closed: periodClosed({
          byService: [
            {
              service: 'Compute',
              category: 'compute',
              consumption: fromBalance,
              fromGrants: '0',
              fromBalance,
            },
          ],
        }),
      });
    expect(kinds(spent('0.01').documents)).toEqual(['act', 'vat-invoice']);
    expect(ofKind(spent('0.01').documents, 'act').totals).toEqual({
      gross: '0.01',
      vat: '0.00',
      net: '0.01',
    });
    expect(spent('0.004')).toMatchObject({
      documents: [],
      omitted: [{ kind: 'act', reason: 'no-consumption' }, {}],
    });
    expect(ofKind(spent('0.005').documents, 'act').totals.gross).toBe('0.01');
    expect(kinds(spent('0.005', 'half-even').documents)).toEqual([]);
  });

  it('no consumption at all: nothing to document', () => {
    expect(documents({ closed: periodClosed() }).omitted).toEqual([
      { kind: 'act', reason: 'no-consumption' },
      { kind: 'vat-invoice', reason: 'no-consumption' },
    ]);
  });

  it('non-residents get the act without VAT and no VAT invoice', () => {
    const result = documents({ account: nonResident() });
    expect(kinds(result.documents)).toEqual(['act']);
    expect(result.omitted).toEqual([{ kind: 'vat-invoice', reason: 'non-resident' }]);
    const nrAct = ofKind(result.documents, 'act');
    expect(nrAct.currency).toBe('USD');
    expect(nrAct.lines.every((l) => l.vatRate.kind === 'none' && l.vat === '0.00' && l.net === l.gross)).toBe(
      true,
    );
    expect(nrAct.totals).toEqual({ gross: '920.00', vat: '0.00', net: '920.00' });
  });

  it('Kazakhstan: act and VAT invoice at 16% in 2026, 12% for December 2025', () => {
    const kz = (periodId: string) =>
      documents({
        account: kzLegal(),
        issuer: KZ_ISSUER,
        closed: periodClosed({ periodId, byService: [service('Compute', '116')] }),
      });
    expect(ofKind(kz('2026-03').documents, 'act').totals).toEqual({
      gross: '116.00',
      vat: '16.00',
      net: '100.00',
    });
    expect(ofKind(kz('2025-12').documents, 'vat-invoice').lines[0]!.vatRate).toEqual({
      kind: 'percent',
      percent: '12',
    });
  });

  it('a Kazakh issuer never issues a UPD (a Russian form): under a UPD profile it issues the act (АВР) and its invoice', () => {
    for (const closing of ['upd-status-1', 'upd-status-2'] as const) {
      const result = documents({
        account: kzLegal(),
        issuer: KZ_ISSUER,
        profile: withDocuments(VK_PREPAID, { closing, advanceVatInvoice: false }),
        closed: periodClosed({
          periodId: '2026-03',
          byService: [service('Compute', '116')],
          deposits: '116',
        }),
      });
      expect(kinds(result.documents)).toEqual(['act', 'vat-invoice']);
    }
    // A Russian issuer under the same profile keeps its UPD.
    const ru = documents({
      profile: withDocuments(VK_PREPAID, { closing: 'upd-status-1', advanceVatInvoice: false }),
      closed: periodClosed({ byService: MIXED }),
    });
    expect(kinds(ru.documents)).toEqual(['upd-1']);
  });

  it('the act names the agreement registered under an individual contract; under the public offer none', () => {
    const agreement = { number: 'ОБЛ-2026/3', date: '2026-01-20' };
    const withAgreement = documents({
      account: ruLegal({ agreement, contract: 'individual-contract' }),
      closed: periodClosed({ byService: MIXED }),
    });
    expect(ofKind(withAgreement.documents, 'act').agreement).toEqual(agreement);
    const offer = documents({
      account: ruLegal({ agreement, contract: 'public-offer' }),
      closed: periodClosed({ byService: MIXED }),
    });
    expect(ofKind(offer.documents, 'act').agreement).toBeUndefined();
  });

  it('VAT at the rate in force on the period’s last day: 20% for December 2025, 22% for January 2026', () => {
    const rate = (periodId: string) =>
      ofKind(documents({ closed: periodClosed({ periodId, byService: MIXED }) }).documents, 'act').lines[0]!
        .vatRate;
    expect(rate('2025-12')).toEqual({ kind: 'percent', percent: '20' });
    expect(rate('2026-01')).toEqual({ kind: 'percent', percent: '22' });
  });

  it("'split-by-day': one act line per rate, each with its own days (a hypothetical mid-month change)", () => {
    const schedule: VatSchedule = {
      RU: [
        { from: null, until: '2026-03-15', rate: vatPercent('20'), basis: 'test' },
        { from: '2026-03-16', until: null, rate: vatPercent('22'), basis: 'test' },
      ],
      KZ: [],
      'non-resident': [],
    };
    const split = ofKind(
      documents({
        profile: profile(YC_PREPAID, { vat: { midMonthChange: 'split-by-day' } }),
        vatSchedule: schedule,
        closed: periodClosed({ byService: [service('Compute', '3100')] }),
      }).documents,
      'act',
    );
    expect(
      split.lines.map((l) => [l.servicePeriod.firstDay, l.servicePeriod.lastDay, l.gross, l.vat]),
    ).toEqual([
      ['2026-03-01', '2026-03-15', '1500.00', '250.00'],
      ['2026-03-16', '2026-03-31', '1600.00', '288.52'],
    ]);
    expect(split.totals).toEqual({ gross: '3100.00', vat: '538.52', net: '2561.48' });
    // 'act-date' uses the rate on the last day for the whole period
    const actDate = ofKind(
      documents({ vatSchedule: schedule, closed: periodClosed({ byService: [service('Compute', '3100')] }) })
        .documents,
      'act',
    );
    expect(actDate.totals.vat).toBe('559.02');
  });

  it('documents are dated the last day of the period in the account’s time zone', () => {
    const february = documents({ closed: periodClosed({ periodId: '2026-02', byService: MIXED }) });
    expect(february.documents.map((d) => d.date)).toEqual(['2026-02-28', '2026-02-28']);
    expect(ofKind(february.documents, 'act').servicePeriod).toEqual({
      firstDay: '2026-02-01',
      lastDay: '2026-02-28',
    });
  });

  it('EDM accounts receive them electronically', () => {
    expect(documents({ account: ruLegal({ edm: true }) }).documents.map((d) => d.delivery)).toEqual([
      'edm',
      'edm',
    ]);
  });
});

describe("UPD (first provider, 'upd-status-1' / 'upd-status-2')", () => {
  const vk = (overrides: Partial<ClosingDocumentsRequest> = {}) =>
    documents({ account: ruLegal({ profileId: VK_PREPAID }), profile: profile(VK_PREPAID), ...overrides });

  it('status 1 replaces act + VAT invoice: one UPD with the act’s lines', () => {
    const result = vk();
    expect(kinds(result.documents)).toEqual(['upd-1']);
    const upd = ofKind(result.documents, 'upd') as UpdDocument;
    expect(upd).toMatchObject({ documentId: 'acc-ru/2026-03/upd', status: 1, basis: 'spent-from-balance' });
    expect(upd.totals).toEqual({ gross: '920.00', vat: '165.90', net: '754.10' });
    expect(result.omitted).toEqual([{ kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' }]);
  });

  it('status 2 is a transfer document only: residents get their VAT invoice beside it', () => {
    const result = vk({
      profile: withDocuments(VK_PREPAID, { closing: 'upd-status-2', advanceVatInvoice: false }),
    });
    expect(kinds(result.documents)).toEqual(['upd-2', 'vat-invoice']);
    expect(ofKind(result.documents, 'vat-invoice').basisDocumentId).toBe('acc-ru/2026-03/upd');
  });

  it('non-residents get status 2 (a status-1 UPD is a VAT invoice) and no VAT invoice', () => {
    const status1 = vk({
      account: nonResident(),
      profile: withDocuments(VK_PREPAID, { advanceVatInvoice: false }),
    });
    expect(kinds(status1.documents)).toEqual(['upd-2']);
    const status2 = vk({
      account: nonResident(),
      profile: withDocuments(VK_PREPAID, { closing: 'upd-status-2', advanceVatInvoice: false }),
    });
    expect(kinds(status2.documents)).toEqual(['upd-2']);
    expect(status2.omitted).toEqual([{ kind: 'vat-invoice', reason: 'non-resident' }]);
  });

  it('grant-only consumption: no UPD', () => {
    const result = vk({
      profile: withDocuments(VK_PREPAID, { closing: 'upd-status-2', advanceVatInvoice: false }),
      closed: periodClosed({ byService: [service('Compute', '50', '50')] }),
    });
    expect(result.documents).toEqual([]);
    expect(result.omitted).toEqual([
      { kind: 'upd', reason: 'grant-only-consumption' },
      { kind: 'vat-invoice', reason: 'grant-only-consumption' },
    ]);
  });
});

describe('advance VAT invoice (RU): eligible deposits of the period − amount confirmed by the act', () => {
  const vk = (documentEligibleDeposits: string, byService = MIXED, deposits = documentEligibleDeposits) =>
    documents({
      account: ruLegal({ profileId: VK_PREPAID }),
      profile: profile(VK_PREPAID),
      closed: periodClosed({ byService, deposits, documentEligibleDeposits }),
    });

  it('5 000 paid by bank transfer, 920 confirmed by the UPD → an advance VAT invoice for 4 080', () => {
    const result = vk('5000');
    expect(kinds(result.documents)).toEqual(['upd-1', 'advance-vat-invoice']);
    const advance = ofKind(result.documents, 'advance-vat-invoice') as AdvanceVatInvoiceDocument;
    expect(advance).toMatchObject({
      documentId: 'acc-ru/2026-03/advance-vat-invoice',
      date: '2026-03-31',
      eligibleDeposits: '5000.00',
      confirmedByServices: '920.00',
      totals: { gross: '4080.00', vat: '735.74', net: '3344.26' },
    });
    expect(advance.lines).toEqual([
      {
        description: 'Advance payment for cloud services',
        service: null,
        category: null,
        servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
        vatRate: { kind: 'percent', percent: '22' },
        gross: '4080.00',
        vat: '735.74',
        net: '3344.26',
      },
    ]);
  });

  it('card top-ups do not count (they are not document-eligible): no advance invoice', () => {
    const result = vk('0', MIXED, '5000');
    expect(kinds(result.documents)).toEqual(['upd-1']);
    expect(result.omitted).toEqual([{ kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' }]);
  });

  it('at the boundary: deposits equal to the confirmed amount give none, one kopeck more gives one', () => {
    expect(kinds(vk('920').documents)).toEqual(['upd-1']);
    const oneKopeck = ofKind(vk('920.01').documents, 'advance-vat-invoice');
    expect(oneKopeck.totals).toEqual({ gross: '0.01', vat: '0.00', net: '0.01' });
  });

  it('grant-only consumption confirms nothing: the whole eligible deposit is an advance', () => {
    const result = vk('1000', [service('Compute', '500', '500')]);
    expect(kinds(result.documents)).toEqual(['advance-vat-invoice']);
    expect(ofKind(result.documents, 'advance-vat-invoice').totals.gross).toBe('1000.00');
    expect(result.omitted).toEqual([{ kind: 'upd', reason: 'grant-only-consumption' }]);
  });

  it('with act + VAT invoice the act’s total is what is confirmed', () => {
    const result = documents({
      profile: withDocuments(YC_PREPAID, { advanceVatInvoice: true }),
      closed: periodClosed({ byService: MIXED, deposits: '1000', documentEligibleDeposits: '1000' }),
    });
    expect(kinds(result.documents)).toEqual(['act', 'vat-invoice', 'advance-vat-invoice']);
    expect(ofKind(result.documents, 'advance-vat-invoice').totals.gross).toBe('80.00');
  });

  // §9: min(eligible deposits, max(0, closing balance)). The old formula (eligible − confirmed) said 100 and
  // 800 for these two periods.
  it('opening +800, 1 000 deposited, 900 spent: the advance is 900 (the carried 800 was spent first)', () => {
    const closed = periodClosed({
      byService: [service('Compute', '900')],
      openingBalance: '800',
      deposits: '1000',
      documentEligibleDeposits: '1000',
      carried: {
        ...periodClosed().carried,
        balance: '900',
        funding: [{ source: 'bank-transfer', amount: '900' }],
      },
    });
    expect(closed.closingBalance).toBe('900');
    const advance = ofKind(
      documents({ account: ruLegal({ profileId: VK_PREPAID }), profile: profile(VK_PREPAID), closed })
        .documents,
      'advance-vat-invoice',
    ) as AdvanceVatInvoiceDocument;
    expect(advance).toMatchObject({
      totals: { gross: '900.00' },
      eligibleDeposits: '1000.00',
      closingBalance: '900.00',
    });
  });

  it('opening −300 (a debt), 1 000 deposited, 200 spent: the advance is 500 (repaying the debt is no advance)', () => {
    const closed = periodClosed({
      byService: [service('Compute', '200')],
      openingBalance: '-300',
      deposits: '1000',
      documentEligibleDeposits: '1000',
      carried: {
        ...periodClosed().carried,
        balance: '500',
        funding: [{ source: 'bank-transfer', amount: '500' }],
      },
    });
    expect(closed.closingBalance).toBe('500');
    const advance = ofKind(
      documents({ account: ruLegal({ profileId: VK_PREPAID }), profile: profile(VK_PREPAID), closed })
        .documents,
      'advance-vat-invoice',
    );
    expect(advance.totals.gross).toBe('500.00');
  });

  it('a period that ends in debt has no advance, whatever was deposited', () => {
    const closed = periodClosed({
      byService: [service('Compute', '1500')],
      deposits: '1000',
      documentEligibleDeposits: '1000',
      carried: { ...periodClosed().carried, balance: '-500', funding: [] },
    });
    expect(closed.closingBalance).toBe('-500');
    const result = documents({
      account: ruLegal({ profileId: VK_PREPAID }),
      profile: profile(VK_PREPAID),
      closed,
    });
    expect(result.omitted).toContainEqual({ kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' });
  });

  it('only in Russia, only for residents', () => {
    const advanceProfile = withDocuments(YC_PREPAID, { advanceVatInvoice: true });
    const closed = periodClosed({ byService: MIXED, documentEligibleDeposits: '5000' });
    expect(
      documents({ account: kzLegal(), issuer: KZ_ISSUER, profile: advanceProfile, closed }).omitted,
    ).toEqual([{ kind: 'advance-vat-invoice', reason: 'outside-russia' }]);
    expect(documents({ account: nonResident(), profile: advanceProfile, closed }).omitted).toEqual([
      { kind: 'vat-invoice', reason: 'non-resident' },
      { kind: 'advance-vat-invoice', reason: 'non-resident' },
    ]);
  });
});

describe('who gets nothing', () => {
  it('individuals get no accounting documents', () => {
    const person = documents({ account: individual(), profile: profile('vk-individual-prepaid') });
    expect(person).toEqual({ periodId: '2026-03', documents: [], omitted: [] });
    // even under a profile that would issue them
    expect(documents({ account: individual(), profile: profile(VK_PREPAID) }).omitted).toEqual([
      { kind: 'upd', reason: 'individual' },
      { kind: 'advance-vat-invoice', reason: 'individual' },
    ]);
  });

  it("a profile with closing 'none' issues no closing documents", () => {
    expect(documents({ profile: withDocuments(YC_PREPAID, { closing: 'none' }) })).toEqual({
      periodId: '2026-03',
      documents: [],
      omitted: [],
    });
  });
});

describe('refusals', () => {
  it('a legal entity without legal details cannot get an act; with nothing to document it needs none', () => {
    expect(() => documents({ account: ruLegal({}, null) })).toThrow(PayerDetailsRequiredError);
    expect(() => documents({ account: ruLegal({}, null) })).toThrow(
      expect.objectContaining({ code: 'DOCUMENT_PAYER_DETAILS_REQUIRED' }),
    );
    expect(documents({ account: ruLegal({}, null), closed: periodClosed() }).documents).toEqual([]);
  });

  it('documents are signed by the account’s own issuer only', () => {
    expect(() => documents({ issuer: KZ_ISSUER })).toThrow(
      expect.objectContaining({ code: 'DOCUMENT_ISSUER_MISMATCH' }),
    );
  });

  it('a service with a negative amount is refused: corrections need their own document', () => {
    expect(() => documents({ closed: periodClosed({ byService: [service('Compute', '-5')] }) })).toThrow(
      NegativeDocumentLineError,
    );
  });
});

it('documents are plain data: a JSON round trip changes nothing', () => {
  const result = documents({
    account: ruLegal({ profileId: VK_PREPAID }),
    profile: profile(VK_PREPAID),
    closed: periodClosed({ byService: MIXED, documentEligibleDeposits: '5000' }),
  });
  expect(JSON.parse(JSON.stringify(result.documents))).toEqual(result.documents);
});

describe('lines per SKU with quantity and unit price (issue 13)', () => {
  /**
   * Two SKUs of Cloud Compute and one of Block Storage. The compute SKUs' amounts are both half a kopeck
   * over: rounded on their own they would make 1 220.02, one kopeck more than the service's 1 220.01.
   */
  const SKUS = [
    skuTotal('compute.vcpu.hour', 'Cloud Compute', '720', '1000.005'),
    skuTotal('compute.ram.gb.hour', 'Cloud Compute', '2880.5', '220.005'),
    skuTotal('storage.ssd.gb.hour', 'Block Storage', '1000', '116', '0', 'storage'),
  ];
  const closed = periodClosedBySku(SKUS);
  const { bySku: _bySku, ...withoutSkus } = closed;
  const act = ofKind(documents({ closed }).documents, 'act');

  it('the act has one line per SKU: the SKU, its quantity and its net unit price, in service then SKU order', () => {
    expect(
      act.lines.map(({ sku, quantity, unitPrice, net, vat, gross }) => ({
        sku,
        quantity,
        unitPrice,
        net,
        vat,
        gross,
      })),
    ).toEqual([
      {
        sku: 'storage.ssd.gb.hour',
        quantity: '1000',
        unitPrice: '0.09508',
        net: '95.08',
        vat: '20.92',
        gross: '116.00',
      },
      // The service's 1 220.01 by the largest remainder: a tie, so the earlier SKU gets the kopeck.
      {
        sku: 'compute.ram.gb.hour',
        quantity: '2880.5',
        unitPrice: '0.062607',
        net: '180.34',
        vat: '39.67',
        gross: '220.01',
      },
      {
        sku: 'compute.vcpu.hour',
        quantity: '720',
        unitPrice: '1.138431',
        net: '819.67',
        vat: '180.33',
        gross: '1000.00',
      },
    ]);
    expect(act.lines.map((l) => [l.service, l.category, l.description])).toEqual([
      ['Block Storage', 'storage', 'Block Storage: storage.ssd.gb.hour'],
      ['Cloud Compute', 'compute', 'Cloud Compute: compute.ram.gb.hour'],
      ['Cloud Compute', 'compute', 'Cloud Compute: compute.vcpu.hour'],
    ]);
  });

  it('money does not move: every service’s gross and the document’s gross are what one line per service gives', () => {
    const perService = ofKind(documents({ closed: withoutSkus }).documents, 'act');
    expect(perService.lines.every((l) => l.sku === undefined && l.quantity === undefined)).toBe(true);
    const grossOf = (lines: readonly { service: string | null; gross: string }[], name: string) =>
      lines
        .filter((l) => l.service === name)
        .reduce((sum, l) => sum.plus(l.gross), new Decimal('0'))
        .toFixed(2);
    for (const name of ['Cloud Compute', 'Block Storage']) {
      expect(grossOf(act.lines, name)).toBe(grossOf(perService.lines, name));
    }
    expect(grossOf(act.lines, 'Cloud Compute')).toBe('1220.01');
    expect(act.totals).toEqual(perService.totals);
  });

  it('the VAT invoice and the UPD carry the same SKU lines', () => {
    const invoice = ofKind(documents({ closed }).documents, 'vat-invoice');
    expect(invoice.lines).toEqual(act.lines);
    const upd = ofKind(
      documents({ closed, account: ruLegal({ profileId: VK_PREPAID }), profile: profile(VK_PREPAID) })
        .documents,
      'upd',
    );
    expect(upd.lines.map((l) => [l.sku, l.quantity, l.gross])).toEqual(
      act.lines.map((l) => [l.sku, l.quantity, l.gross]),
    );
  });

  it('on the spent-from-balance basis a SKU’s line is what the balance paid, allocated the same way', () => {
    const granted = periodClosedBySku([
      skuTotal('compute.vcpu.hour', 'Cloud Compute', '10', '100', '100'),
      skuTotal('compute.ram.gb.hour', 'Cloud Compute', '40', '61', '0'),
    ]);
    const lines = ofKind(documents({ closed: granted }).documents, 'act').lines;
    // The grant paid all of the vCPU hours: no line for them; the RAM line is the whole 61.00.
    expect(lines.map((l) => [l.sku, l.quantity, l.gross, l.unitPrice])).toEqual([
      ['compute.ram.gb.hour', '40', '61.00', '1.25'],
    ]);
  });

  it('a close recorded before SKUs were (no bySku) keeps one line per service at 1 conventional unit', () => {
    const lines = ofKind(documents({ closed: withoutSkus }).documents, 'act').lines;
    expect(lines.map((l) => [l.service, l.gross, l.sku, l.quantity, l.unitPrice])).toEqual([
      ['Block Storage', '116.00', undefined, undefined, undefined],
      ['Cloud Compute', '1220.01', undefined, undefined, undefined],
    ]);
  });

  it("under 'split-by-day' a SKU line split by rate splits its quantity in the same proportion", () => {
    const schedule: VatSchedule = {
      RU: [
        { from: null, until: '2026-03-15', rate: vatPercent('20'), basis: 'test' },
        { from: '2026-03-16', until: null, rate: vatPercent('22'), basis: 'test' },
      ],
      KZ: [{ from: null, until: null, rate: vatPercent('16'), basis: 'test' }],
      'non-resident': [{ from: null, until: null, rate: { kind: 'none' }, basis: 'test' }],
    };
    const split = documents({
      closed: periodClosedBySku([skuTotal('compute.vcpu.hour', 'Cloud Compute', '31', '310')]),
      profile: { ...profile(YC_PREPAID), vat: { midMonthChange: 'split-by-day' } },
      vatSchedule: schedule,
    });
    const lines = ofKind(split.documents, 'act').lines;
    expect(lines.map((l) => [l.vatRate, l.gross, l.quantity, l.unitPrice])).toEqual([
      // 150.00 at 20%: net 125.00 for 15 units; 160.00 at 22%: net 131.15 for 16 units.
      [vatPercent('20'), '150.00', '15', '8.333333'],
      [vatPercent('22'), '160.00', '16', '8.196875'],
    ]);
  });

  it('after mid-period documents each SKU confirms only its rest: amount and quantity less the earlier lines', () => {
    const account = ruLegal({ profileId: YC_PREPAID });
    const soFar = periodClosedBySku([
      skuTotal('compute.vcpu.hour', 'Cloud Compute', '10', '100'),
      skuTotal('compute.ram.gb.hour', 'Cloud Compute', '4', '20'),
    ]);
    const midPeriod = documents({
      closed: soFar,
      account,
      midPeriod: { issuedOn: '2026-03-15', billId: 'b1' },
    });
    const monthEnd = documents({
      closed: periodClosedBySku([
        skuTotal('compute.vcpu.hour', 'Cloud Compute', '25', '250'),
        skuTotal('compute.ram.gb.hour', 'Cloud Compute', '4', '20'),
      ]),
      account,
      alreadyDocumented: midPeriod.documents,
    });
    expect(ofKind(monthEnd.documents, 'act').lines.map((l) => [l.sku, l.quantity, l.gross])).toEqual([
      ['compute.vcpu.hour', '15', '150.00'],
    ]);
  });

  it('after mid-period documents without SKU lines the rest of the service stays one line', () => {
    const account = ruLegal({ profileId: YC_PREPAID });
    const midPeriod = documents({
      closed: periodClosed({ byService: [service('Cloud Compute', '100')] }),
      account,
      midPeriod: { issuedOn: '2026-03-15', billId: 'b1' },
    });
    const monthEnd = documents({
      closed: periodClosedBySku([
        skuTotal('compute.vcpu.hour', 'Cloud Compute', '25', '250'),
        skuTotal('compute.ram.gb.hour', 'Cloud Compute', '4', '20'),
      ]),
      account,
      alreadyDocumented: midPeriod.documents,
    });
    expect(ofKind(monthEnd.documents, 'act').lines.map((l) => [l.service, l.sku, l.gross])).toEqual([
      ['Cloud Compute', undefined, '170.00'],
    ]);
  });

  it('property: over random usage, the SKU lines of each service add up to the service’s line as before', () => {
    const amount = fc
      .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([whole, micros]) => `${whole}.${String(micros).padStart(6, '0')}`);
    const quantity = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 999_999_999 }))
      .map(([whole, nanos]) => new Decimal(`${whole}.${String(nanos).padStart(9, '0')}`).toFixed());
    const usage = fc.uniqueArray(
      fc.record({
        sku: fc.constantFrom('a.1', 'a.2', 'a.3', 'b.1', 'b.2', 'c.1'),
        quantity,
        consumption: amount,
        grantShare: fc.integer({ min: 0, max: 100 }),
      }),
      { selector: (u) => u.sku, minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        usage,
        fc.constantFrom(YC_PREPAID, VK_PREPAID),
        fc.constantFrom('act-date' as const, 'split-by-day' as const),
        fc.constantFrom('half-up' as const, 'half-even' as const),
        (records, profileId, midMonthChange, mode) => {
          const skus = records.map((r) => {
            const grants = new Decimal(r.consumption)
              .times(String(r.grantShare))
              .div('100')
              .round(6, 0)
              .toFixed();
            return skuTotal(r.sku, `Service ${r.sku[0]}`, r.quantity, r.consumption, grants);
          });
          const withSkus = periodClosedBySku(skus);
          const { bySku: _ignored, ...perService } = withSkus;
          const policy = {
            ...profile(profileId),
            rounding: { mode, subMinorChargesRoundUp: false },
            vat: { midMonthChange },
          };
          const request = { account: ruLegal({ profileId }), profile: policy };
          const after = documents({ ...request, closed: withSkus }).documents;
          const before = documents({ ...request, closed: perService }).documents;
          expect(after.map((d) => d.kind)).toEqual(before.map((d) => d.kind));
          after.forEach((document, index) => {
            const was = before[index]!;
            expect(document.totals.gross).toBe(was.totals.gross);
            const byService = (lines: typeof document.lines) => {
              const sums = new Map<string, string>();
              for (const line of lines) {
                const key = `${line.service} ${line.vatRate.kind === 'percent' ? line.vatRate.percent : '-'}`;
                sums.set(key, new Decimal(sums.get(key) ?? '0').plus(line.gross).toFixed(2));
              }
              return Object.fromEntries(sums);
            };
            expect(byService(document.lines)).toEqual(byService(was.lines));
            for (const line of document.lines.filter((l) => l.service !== null)) {
              expect(line.sku).toBeDefined();
              if (line.quantity !== undefined) {
                expect(new Decimal(line.quantity).gt(new Decimal('0'))).toBe(true);
                expect(line.unitPrice).toMatch(/^\d+\.\d{2,6}$/);
              }
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('a give-back of the open period after its mid-period documents (credit limit exhausted)', () => {
  const account = ruLegal({ profileId: YC_PREPAID });
  const midPeriod = () =>
    documents({
      closed: periodClosed({
        byService: [service('Compute', '1000'), service('Block Storage', '220', '0', 'storage')],
      }),
      account,
      midPeriod: { issuedOn: '2026-03-15', billId: 'b1' },
    }).documents;

  it('the month-end act confirms zero of a service given back below the mid-period act; the excess is reported', () => {
    // Compute 1 000 confirmed mid-period, then 400 voided: the period's Compute is 600.
    const monthEnd = documents({
      closed: periodClosed({
        byService: [service('Compute', '600'), service('Block Storage', '300', '0', 'storage')],
      }),
      account,
      alreadyDocumented: midPeriod(),
    });
    expect(ofKind(monthEnd.documents, 'act').lines.map((l) => [l.service, l.gross])).toEqual([
      ['Block Storage', '80.00'],
    ]);
    expect(monthEnd.overConfirmed).toEqual([{ service: 'Compute', category: 'compute', amount: '400.00' }]);
  });

  it('with nothing left to confirm the act is omitted, not refused, and the excess is still reported', () => {
    const monthEnd = documents({
      closed: periodClosed({
        byService: [service('Compute', '999.99'), service('Block Storage', '220', '0', 'storage')],
      }),
      account,
      alreadyDocumented: midPeriod(),
    });
    expect(monthEnd.documents).toEqual([]);
    expect(monthEnd.omitted).toContainEqual({ kind: 'act', reason: 'documented-mid-period' });
    expect(monthEnd.overConfirmed).toEqual([{ service: 'Compute', category: 'compute', amount: '0.01' }]);
  });

  it('a month-end remainder that is not negative reports no excess', () => {
    const monthEnd = documents({
      closed: periodClosed({
        byService: [service('Compute', '1000'), service('Block Storage', '220', '0', 'storage')],
      }),
      account,
      alreadyDocumented: midPeriod(),
    });
    expect(monthEnd.overConfirmed).toBeUndefined();
  });

  it('a SKU given back below its mid-period line leaves the service one line of its rest', () => {
    const soFar = periodClosedBySku([
      skuTotal('compute.vcpu.hour', 'Cloud Compute', '10', '100'),
      skuTotal('compute.ram.gb.hour', 'Cloud Compute', '4', '20'),
    ]);
    const earlier = documents({
      closed: soFar,
      account,
      midPeriod: { issuedOn: '2026-03-15', billId: 'b1' },
    });
    const monthEnd = documents({
      closed: periodClosedBySku([
        skuTotal('compute.vcpu.hour', 'Cloud Compute', '25', '250'),
        skuTotal('compute.ram.gb.hour', 'Cloud Compute', '1', '5'),
      ]),
      account,
      alreadyDocumented: earlier.documents,
    });
    expect(ofKind(monthEnd.documents, 'act').lines.map((l) => [l.service, l.sku, l.gross])).toEqual([
      ['Cloud Compute', undefined, '135.00'],
    ]);
    expect(monthEnd.overConfirmed).toBeUndefined();
  });
});
