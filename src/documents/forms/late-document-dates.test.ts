import type { ActDocument, Numbered, UpdDocument, VatInvoiceDocument } from '../../domain/documents/index.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { ACT, UPD_STATUS_1, VAT_INVOICE } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

/**
 * March's documents drawn up late (numbering in the order of dates, issue 13): numbered on 6 May after
 * later-dated documents of the series, they are dated 6 May; the services were rendered — and shipped —
 * in March, and the forms say so: the act names the period, the VAT invoice and the UPD the shipment date.
 */
const late = { date: '2026-05-06', shipmentDate: '2026-03-31' } as const;
const LATE_ACT: Numbered<ActDocument> = { ...ACT, ...late };
const LATE_VAT_INVOICE: Numbered<VatInvoiceDocument> = { ...VAT_INVOICE, ...late };
const LATE_UPD: Numbered<UpdDocument> = { ...UPD_STATUS_1, ...late };

describe('documents drawn up late print their date and the shipment’s', () => {
  it('the act: dated the day it was drawn up, naming the March service period', async () => {
    const pdf = readPdf(await renderDocumentPdf(LATE_ACT), 'act-late');
    expect(
      missingFields(pdf.text, [
        'Акт об оказании услуг № RU-MOSCOW-LLC-2026-000101 от 6 мая 2026 г.',
        'Период оказания услуг с 01.03.2026 по 31.03.2026',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('от 31 марта 2026 г.');
  });

  it('the VAT invoice: dated the day it was drawn up; line 5а names the act and the shipment date', async () => {
    const pdf = readPdf(
      await renderDocumentPdf(LATE_VAT_INVOICE, { basisDocument: LATE_ACT }),
      'vat-invoice-late',
    );
    expect(
      missingFields(pdf.text, [
        'Счёт-фактура № RU-MOSCOW-LLC-2026-000102 от 6 мая 2026 г. (1)',
        'Документ об отгрузке № п/п 1–4 Акт № RU-MOSCOW-LLC-2026-000101 от 06.05.2026, дата отгрузки 31.03.2026 (5а)',
      ]),
    ).toEqual([]);
  });

  it('a VAT invoice drawn up on time prints no separate shipment date', async () => {
    const pdf = readPdf(await renderDocumentPdf(VAT_INVOICE, { basisDocument: ACT }), 'vat-invoice-on-time');
    expect(pdf.text).not.toContain('дата отгрузки');
  });

  it('the UPD: dated the day it was drawn up; the shipment date [11] and the period stay March’s', async () => {
    const pdf = readPdf(await renderDocumentPdf(LATE_UPD), 'upd-late');
    expect(
      missingFields(pdf.text, [
        'Счёт-фактура № RU-MOSCOW-LLC-2026-000104 от 6 мая 2026 г. (1)',
        'Документ об отгрузке № п/п 1–4 № RU-MOSCOW-LLC-2026-000104 от 06.05.2026 (5а)',
        'Дата отгрузки, передачи (сдачи) [11] Дата получения (приёмки) [16] 31 марта 2026 г. «____»',
        'услуги оказаны за период с 01.03.2026 по 31.03.2026',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('6 мая 2026 г. «____»');
  });
});
