/**
 * The reconciliation report shows corrective documents (issue 14): a corrective act or УКД is a row whose
 * increase adds to what the customer owes (debit) and whose decrease reduces it (credit); its КСФ, like a VAT
 * invoice, is not a row.
 */
import { closeAndNumber, correction, TestSeries } from './corrective-documents.fixtures.js';
import { correctiveDocumentsFor } from './corrective-documents.js';
import { RU_ISSUER, periodClosedBySku, profile, ruLegal, skuTotal } from './documents.fixtures.js';
import { documentEntry, reconcile } from './reconciliation.js';

const VCPU = 'compute.vcpu.hour';
const RAM = 'compute.ram.gb.hour';

it('an increase is a debit, a decrease a credit, a mixed one both; the КСФ is no row', () => {
  const account = ruLegal();
  const policy = profile('yc-legal-credit');
  const series = new TestSeries();
  closeAndNumber(
    series,
    account,
    policy,
    periodClosedBySku([
      skuTotal(VCPU, 'Cloud Compute', '1000', '1220'),
      skuTotal(RAM, 'Cloud Compute', '500', '610'),
    ]),
  );
  const correct = (corrections: Parameters<typeof correctiveDocumentsFor>[0]['corrections']) =>
    series.number(
      correctiveDocumentsFor({
        account,
        issuer: RU_ISSUER,
        profile: policy,
        periodId: '2026-03',
        bookedInPeriod: '2026-04',
        corrections,
        issued: series.issued,
      }).documents,
    );
  const cloud = { service: 'Cloud Compute' };
  const up = correct([correction('up', '122', { ...cloud, sku: VCPU })]);
  const down = correct([correction('down', '-61', { ...cloud, sku: RAM, at: '2026-04-12T09:00:00.000Z' })]);
  const both = correct([
    correction('m1', '12.20', { ...cloud, sku: VCPU, at: '2026-04-15T09:00:00.000Z' }),
    correction('m2', '-24.40', { ...cloud, sku: RAM, at: '2026-04-15T09:00:00.000Z' }),
  ]);

  const report = reconcile({
    accountId: 'acc-ru',
    currency: 'RUB',
    from: '2026-03-01',
    to: '2026-04-30',
    openingBalance: '0.00',
    entries: series.issued.map(documentEntry),
    eligibleChannels: ['bank-transfer'],
  });

  const act = series.issued.find((d) => d.kind === 'act')!;
  const number = (docs: typeof up) => docs.find((d) => d.kind === 'corrective-act')!.number;
  expect(report.lines.map((l) => [l.date, l.reference, l.debit, l.credit])).toEqual([
    ['2026-03-31', act.number, '1830.00', '0.00'],
    ['2026-04-10', number(up), '122.00', '0.00'],
    ['2026-04-12', number(down), '0.00', '61.00'],
    ['2026-04-15', number(both), '12.20', '24.40'],
  ]);
  expect(report.lines[1]!.description).toBe(`Corrective act ${number(up)}`);
  // 1 830.00 + 122.00 − 61.00 + 12.20 − 24.40
  expect(report.closingBalance).toBe('1878.80');
  expect(report.owedBy).toBe('customer');
  const ksf = series.issued.filter((d) => d.kind === 'corrective-vat-invoice').map((d) => d.number);
  expect(ksf).toHaveLength(3);
  for (const n of ksf)
    expect(report.excluded).toContainEqual({ reference: n, reason: 'not-a-services-document' });
});
