/**
 * Issue 13: a closed period with SKUs gives an act whose lines are the SKUs, each with its quantity, its OKEI
 * unit (from the catalog) and its net unit price, composed by the real closing-documents rules.
 */
import { closingDocumentsFor, type ActDocument, type Numbered } from '../../domain/documents/index.js';
import {
  RU_ISSUER,
  periodClosedBySku,
  profile,
  ruLegal,
  skuTotal,
} from '../../domain/documents/documents.fixtures.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

describe('the act with a line per SKU (quantity, OKEI unit, price)', () => {
  const { documents } = closingDocumentsFor({
    closed: periodClosedBySku([
      skuTotal('compute.vcpu.hour', 'Cloud Compute', '720', '1000.005'),
      skuTotal('compute.ram.gb.hour', 'Cloud Compute', '2880.5', '220.005'),
      skuTotal('storage.ssd.gb.hour', 'Block Storage', '1000', '116', '0', 'storage'),
    ]),
    account: ruLegal({ profileId: 'yc-legal-prepaid' }),
    issuer: RU_ISSUER,
    profile: profile('yc-legal-prepaid'),
  });
  const act = {
    ...(documents.find((d) => d.kind === 'act') as ActDocument),
    number: 'RU-MOSCOW-LLC-2026-000201',
    sequence: 201,
  } satisfies Numbered<ActDocument>;

  it('prints each SKU’s Russian name, unit with its OKEI code, quantity, unit price and amounts', async () => {
    const pdf = readPdf(await renderDocumentPdf(act), 'act-sku-lines');
    expect(
      missingFields(pdf.text, [
        'Блочное хранилище: SSD-диски',
        'Вычислительные ресурсы: оперативная память',
        'Вычислительные ресурсы: вЦПУ',
        'ГБ·ч (356)',
        'вЦПУ·ч (356)',
        // quantities, net unit prices (net ÷ quantity, up to 6 decimals) and net amounts
        '2880.5',
        '720',
        '0,09508',
        '0,062607',
        '1,138431',
        '95,08',
        '180,34',
        '819,67',
        // the service's 1 220.01 over its two SKUs, the document's total as with one line per service
        '220,01',
        '1 000,00',
        'Всего оказано услуг 3, на сумму 1 336,01 руб.',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('усл. ед.');
  });
});
