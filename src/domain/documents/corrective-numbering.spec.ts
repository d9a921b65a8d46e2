/**
 * Numbering of corrective documents (issue 14): the corrective act, УКД and КСФ are accounting documents,
 * numbered in the issuer's series with the acts and VAT invoices (the КСФ shares the VAT invoices' series, as
 * the Tax Code allows: its own number in the same chronological order), gapless, dated the day of the
 * correction; one dated before the series' latest date is drawn up on the day it is numbered, with no
 * shipment date (it has no shipment of its own). Bills keep their own series.
 */
import { closeAndNumber, correction, TestSeries } from './corrective-documents.fixtures.js';
import { correctiveDocumentsFor } from './corrective-documents.js';
import { RU_ISSUER, periodClosedBySku, profile, ruLegal, skuTotal } from './documents.fixtures.js';
import { assignNumbers, numberingSeriesOf } from './numbering.js';

const account = ruLegal();
const policy = profile('yc-legal-credit');
const compose = (series: TestSeries, id: string, at: string) =>
  correctiveDocumentsFor({
    account,
    issuer: RU_ISSUER,
    profile: policy,
    periodId: '2026-03',
    bookedInPeriod: '2026-04',
    corrections: [correction(id, '122', { service: 'Cloud Compute', sku: 'compute.vcpu.hour', at })],
    issued: series.issued,
  }).documents;

function closedMarch(): TestSeries {
  const series = new TestSeries();
  closeAndNumber(
    series,
    account,
    policy,
    periodClosedBySku([skuTotal('compute.vcpu.hour', 'Cloud Compute', '1000', '1220')]),
  );
  return series;
}

it('corrective documents continue the issuer’s series after the originals, gapless, in date order', () => {
  const series = closedMarch();
  expect(series.issued.map((d) => [d.kind, d.sequence])).toEqual([
    ['act', 1],
    ['vat-invoice', 2],
  ]);
  const first = series.number(compose(series, 'c1', '2026-04-10T09:00:00.000Z'));
  const second = series.number(compose(series, 'c2', '2026-04-20T09:00:00.000Z'));
  expect([...first, ...second].map((d) => [d.kind, d.number, d.date])).toEqual([
    ['corrective-act', 'RU-MOSCOW-LLC-2026-000003', '2026-04-10'],
    ['corrective-vat-invoice', 'RU-MOSCOW-LLC-2026-000004', '2026-04-10'],
    ['corrective-act', 'RU-MOSCOW-LLC-2026-000005', '2026-04-20'],
    ['corrective-vat-invoice', 'RU-MOSCOW-LLC-2026-000006', '2026-04-20'],
  ]);
  for (const d of [...first, ...second])
    expect(numberingSeriesOf(d)).toEqual({ issuer: 'ru-moscow-llc', year: 2026 });
});

it('one numbered after a later-dated document is drawn up that day, without a shipment date', () => {
  const series = closedMarch();
  const documents = compose(series, 'c3', '2026-04-10T09:00:00.000Z');
  const result = assignNumbers(
    { issuer: 'ru-moscow-llc', year: 2026, lastNumber: 7, latestDate: '2026-04-30' },
    documents,
    { today: '2026-05-02' },
  );
  expect(result.documents.map((d) => [d.sequence, d.date, d.shipmentDate])).toEqual([
    [8, '2026-05-02', undefined],
    [9, '2026-05-02', undefined],
  ]);
  // What it corrects does not move: the original's number and date, the corrected period.
  expect(result.documents[0]!.corrects.date).toBe('2026-03-31');
  expect(result.documents[0]!.servicePeriod).toEqual({ firstDay: '2026-03-01', lastDay: '2026-03-31' });
});
