import type { Numbered, UpdDocument } from '../../domain/documents/index.js';
import {
  DASH,
  basisOf,
  dateInWords,
  formatDate,
  signatory,
  taxIdOf,
  type FormContext,
} from './form-common.js';
import { invoiceHeaderRows, invoiceSignatures, invoiceTable } from './invoice-part.js';
import { PdfLayout, type Cell } from './pdf-layout.js';
import { FORM_1137 } from './vat-invoice-form.js';

const SIGN_LINE = '________________ / ____________________';

/**
 * The universal transfer document (УПД) in the tax service's recommended form (letter ММВ-20-3/96@):
 * the status box (1 — VAT invoice and transfer document, 2 — transfer document only), the invoice part
 * (rows 1–8, columns А and 1–14, signatures) and the transfer part (rows 8–19: basis, who handed over and
 * who received, dates, the people responsible, the parties).
 */
export function renderUpd(upd: Numbered<UpdDocument>, context: FormContext): Promise<Buffer> {
  const layout = new PdfLayout({
    title: `Универсальный передаточный документ № ${upd.number}`,
    orientation: 'landscape',
    fontSize: 8,
  });
  layout.text(FORM_1137, { size: 6, align: 'right', gap: 4 });
  layout.table(
    [{ width: 3 }, { width: 1.2, align: 'center' }, { width: 6 }],
    [
      [
        { text: 'Универсальный передаточный документ', bold: true, size: 10 },
        { text: `Статус: ${upd.status}`, bold: true, size: 12 },
        {
          text: '1 — счёт-фактура и передаточный документ (акт)\n2 — передаточный документ (акт)',
          size: 7,
        },
      ],
    ],
    { padding: 3 },
  );
  layout.table(
    [{ width: 12 }, { width: 1, align: 'right' }],
    invoiceHeaderRows(upd, context).map(([text, code], index) => [
      index === 0 ? { text, bold: true, size: 10 } : text,
      { text: code, size: 7 },
    ]),
    { borders: false, padding: 1 },
  );
  layout.gap(3);
  invoiceTable(layout, upd, context, { upd: true });
  const { head } = invoiceSignatures(layout, context);
  const responsible = signatory(context, 'responsible');

  // The transfer part.
  const seller = taxIdOf(upd.issuer, upd.vatJurisdiction);
  const buyer = taxIdOf(upd.payer, upd.vatJurisdiction);
  const period = `с ${formatDate(upd.servicePeriod.firstDay)} по ${formatDate(upd.servicePeriod.lastDay)}`;
  layout.table(
    [{ width: 1 }, { width: 2 }],
    [
      [{ text: 'Основание передачи (сдачи) / получения (приёмки) [8]', bold: true }, basisOf(upd.agreement)],
      [{ text: 'Данные о транспортировке и грузе [9]', bold: true }, DASH],
    ],
    { borders: false, padding: 1 },
  );
  const pair = (left: string, right: string): Cell[] => [
    { text: left, bold: true, size: 7 },
    { text: right, bold: true, size: 7 },
  ];
  const signed = (position: string | undefined, name: string | undefined) =>
    position && name ? `${position}   ________________ / ${name} /` : SIGN_LINE;
  layout.table(
    [{ width: 1 }, { width: 1 }],
    [
      pair(
        'Товар (груз) передал / услуги, результаты работ, права сдал [10]',
        'Товар (груз) получил / услуги, результаты работ, права принял [15]',
      ),
      [signed(head?.position, head?.name), SIGN_LINE],
      pair('Дата отгрузки, передачи (сдачи) [11]', 'Дата получения (приёмки) [16]'),
      // The day of the shipment, which a UPD drawn up late (numbering in date order) keeps apart from its date.
      [dateInWords(upd.shipmentDate ?? upd.date), '«____» ______________ 20___ г.'],
      pair('Иные сведения об отгрузке, передаче [12]', 'Иные сведения о получении, приёмке [17]'),
      [`Лицевой счёт ${upd.accountId}; услуги оказаны за период ${period}`, DASH],
      pair(
        'Ответственный за правильность оформления факта хозяйственной жизни [13]',
        'Ответственный за правильность оформления факта хозяйственной жизни [18]',
      ),
      [signed(responsible?.position, responsible?.name), SIGN_LINE],
      pair(
        'Наименование экономического субъекта – составителя документа (в т.ч. комиссионера / агента) [14]',
        'Наименование экономического субъекта – составителя документа [19]',
      ),
      [
        `${upd.issuer.name}, ${seller.label} ${seller.value}`,
        `${upd.payer.name}, ${buyer.label} ${buyer.value}`,
      ],
      ['М.П.', 'М.П.'],
    ],
    { borders: false, padding: 1.5 },
  );
  return layout.finish();
}
