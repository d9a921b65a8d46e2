import Big from 'big.js';
import { closingDocumentsFor } from '../closing-documents.js';
import type { ClosingDocument, Numbered } from '../document-types.js';
import {
  KZ_CUSTOMER,
  KZ_ISSUER,
  kzLegal,
  periodClosed,
  periodClosedBySku,
  profile,
  ruLegal,
  RU_ISSUER,
  service,
  skuTotal,
} from '../documents.fixtures.js';
import { esfDataFor, EsfUnavailableError } from './esf-data.js';

const numbered = (document: ClosingDocument, number: string): Numbered =>
  ({ ...document, number, sequence: 1 }) as Numbered;

const kzDocuments = closingDocumentsFor({
  closed: periodClosed({
    byService: [service('Compute', '1160'), service('Object Storage', '232')],
    deposits: '1392',
  }),
  account: kzLegal(),
  issuer: KZ_ISSUER,
  profile: profile('yc-legal-prepaid'),
}).documents;

describe('the Kazakh electronic invoice (ЭСФ) data', () => {
  it('from a Kazakh VAT invoice: seller BIN, buyer BIN/IIN, turnover date, lines with 16 % VAT, totals in tenge', () => {
    const invoice = kzDocuments.find((d) => d.kind === 'vat-invoice')!;
    const esf = esfDataFor(numbered(invoice, 'KZ-LLP-2026-000001'));
    expect(esf).toMatchObject({
      format: 'ESF',
      number: 'KZ-LLP-2026-000001',
      date: '2026-03-31',
      turnoverDate: '2026-03-31',
      seller: { bin: KZ_ISSUER.taxId, name: KZ_ISSUER.name },
      customer: { tin: KZ_CUSTOMER.taxId, name: KZ_CUSTOMER.name },
      currencyCode: '398',
      totals: { turnoverWithoutVat: '1200.00', vatAmount: '192.00', turnoverWithVat: '1392.00' },
    });
    expect(esf.lines).toEqual([
      expect.objectContaining({
        lineNumber: 1,
        description: 'Compute',
        turnoverWithoutVat: '1000.00',
        vatRate: '16%',
        vatAmount: '160.00',
        turnoverWithVat: '1160.00',
      }),
      expect.objectContaining({
        lineNumber: 2,
        description: 'Object Storage',
        turnoverWithoutVat: '200.00',
        vatRate: '16%',
        vatAmount: '32.00',
        turnoverWithVat: '232.00',
      }),
    ]);
    // The lines add up to the totals.
    const sum = (pick: (l: (typeof esf.lines)[number]) => string) =>
      esf.lines.reduce((total, line) => total.plus(pick(line)), new Big(0)).toFixed(2);
    expect(sum((l) => l.turnoverWithVat)).toBe(esf.totals.turnoverWithVat);
    expect(sum((l) => l.vatAmount)).toBe(esf.totals.vatAmount);
  });

  it('an act, or a Russian invoice, has no ЭСФ (ESF_UNAVAILABLE naming why)', () => {
    const act = kzDocuments.find((d) => d.kind === 'act')!;
    expect(() => esfDataFor(numbered(act, 'KZ-LLP-2026-000002'))).toThrow(EsfUnavailableError);
    const ru = closingDocumentsFor({
      closed: periodClosed({ byService: [service('Compute', '1220')], deposits: '1220' }),
      account: ruLegal({ profileId: 'yc-legal-prepaid', paymentScheme: 'prepaid' }),
      issuer: RU_ISSUER,
      profile: profile('yc-legal-prepaid'),
    }).documents.find((d) => d.kind === 'vat-invoice')!;
    expect(() => esfDataFor(numbered(ru, 'RU-MOSCOW-LLC-2026-000001'))).toThrow(/Kazakh issuer/);
  });
});

describe('ЭСФ lines per SKU (issue 13)', () => {
  it('take the quantity and the net unit price from the invoice line; the amounts stay the line’s', () => {
    const invoice = closingDocumentsFor({
      closed: periodClosedBySku([
        skuTotal('compute.vcpu.hour', 'Cloud Compute', '720', '1160'),
        skuTotal('compute.ram.gb.hour', 'Cloud Compute', '1440.5', '232'),
      ]),
      account: kzLegal(),
      issuer: KZ_ISSUER,
      profile: profile('yc-legal-prepaid'),
    }).documents.find((d) => d.kind === 'vat-invoice')!;
    const esf = esfDataFor(numbered(invoice, 'KZ-LLP-2026-000002'));
    expect(
      esf.lines.map((l) => [l.unit, l.quantity, l.unitPrice, l.turnoverWithoutVat, l.turnoverWithVat]),
    ).toEqual([
      ['ед.', '1440.5', '0.138841', '200.00', '232.00'],
      ['ед.', '720', '1.388889', '1000.00', '1160.00'],
    ]);
    expect(esf.totals.turnoverWithVat).toBe('1392.00');
  });
});
