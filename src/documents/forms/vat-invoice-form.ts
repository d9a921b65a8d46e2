import type {
  AdvanceVatInvoiceDocument,
  Numbered,
  VatInvoiceDocument,
} from '../../domain/documents/index.js';
import { DASH, type FormContext } from './form-common.js';
import { invoiceHeaderRows, invoiceSignatures, invoiceTable } from './invoice-part.js';
import { PdfLayout } from './pdf-layout.js';

export const FORM_1137 =
  'Приложение № 1 к постановлению Правительства Российской Федерации от 26 декабря 2011 г. № 1137';

/**
 * The VAT invoice (счёт-фактура) per постановление № 1137: header rows 1–8, the table with columns 1–14,
 * "Всего к оплате", and the signatures of the head and the chief accountant. The advance VAT invoice is the
 * same form: the payment documents on line 5, no shipping document, the calculated rate (22/122).
 */
export function renderVatInvoice(
  invoice: Numbered<VatInvoiceDocument> | Numbered<AdvanceVatInvoiceDocument>,
  context: FormContext,
): Promise<Buffer> {
  const advance = invoice.kind === 'advance-vat-invoice';
  const layout = new PdfLayout({
    title: `Счёт-фактура${advance ? ' на аванс' : ''} № ${invoice.number}`,
    orientation: 'landscape',
    fontSize: 8,
  });
  layout.text(FORM_1137, { size: 6, align: 'right', gap: 4 });
  const header = invoiceHeaderRows(invoice, context);
  layout.table(
    [{ width: 12 }, { width: 1, align: 'right' }],
    header.map(([text, code], index) => [
      index === 0 ? { text, bold: true, size: 11 } : text,
      { text: code, size: 7 },
    ]),
    { borders: false, padding: 1 },
  );
  layout.gap(4);
  invoiceTable(layout, invoice, context);
  layout.gap(6);
  invoiceSignatures(layout, context);
  layout.text(
    `Индивидуальный предприниматель или иное уполномоченное лицо: ${DASH}. Реквизиты свидетельства о ` +
      `государственной регистрации индивидуального предпринимателя: ${DASH}`,
    { size: 7 },
  );
  return layout.finish();
}
