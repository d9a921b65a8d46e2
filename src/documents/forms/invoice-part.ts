/**
 * What the VAT invoice (постановление № 1137) and the UPD share: the header rows 1–8 and the table with
 * columns 1–14 of the current form (columns 12–13 added by постановление № 534 of 2021, column 14 by
 * постановление № 1096 of 2024: the traceability columns). Services have no consignor, consignee, excise,
 * country of origin, customs declaration or traceability: those cells print "—".
 */
import type {
  AdvanceVatInvoiceDocument,
  Numbered,
  UpdDocument,
  VatInvoiceDocument,
} from '../../domain/documents/index.js';
import {
  DASH,
  currencyOf,
  dateInWords,
  formatAmount,
  formatDate,
  printedLines,
  signatory,
  taxIdOf,
  type FormContext,
} from './form-common.js';
import type { Cell, Column, PdfLayout } from './pdf-layout.js';

export type InvoiceLike =
  Numbered<VatInvoiceDocument> | Numbered<AdvanceVatInvoiceDocument> | Numbered<UpdDocument>;

/** Line 5: the payment documents an advance came with (Tax Code art. 169 p. 5.1), else "—". */
function paymentDocumentsLine(document: InvoiceLike): string {
  const payments = document.kind === 'advance-vat-invoice' ? (document.paymentDocuments ?? []) : [];
  if (payments.length === 0) return `№ ${DASH} от ${DASH}`;
  return payments.map((payment) => `№ ${payment.number} от ${formatDate(payment.date)}`).join(', ');
}

/** Line 5а: the shipping (transfer) document — the act, or the UPD itself. */
function shippingDocumentLine(document: InvoiceLike, context: FormContext): string {
  if (document.kind === 'advance-vat-invoice') return DASH;
  const range = document.lines.length > 1 ? `1–${document.lines.length}` : '1';
  if (document.kind === 'upd') return `№ п/п ${range} № ${document.number} от ${formatDate(document.date)}`;
  const act = context.basisDocument;
  const named = act
    ? `№ п/п ${range} Акт № ${act.number} от ${formatDate(act.date)}`
    : `№ п/п ${range} Акт от ${formatDate(document.date)}`;
  // Drawn up late (Tax Code art. 168 p. 3): the invoice is dated the day it was drawn up and names the shipment.
  return document.shipmentDate ? `${named}, дата отгрузки ${formatDate(document.shipmentDate)}` : named;
}

/** The header rows 1–8 as [text, row code] pairs. */
export function invoiceHeaderRows(document: InvoiceLike, context: FormContext): Array<[string, string]> {
  const seller = taxIdOf(document.issuer, document.vatJurisdiction);
  const buyer = taxIdOf(document.payer, document.vatJurisdiction);
  const currency = currencyOf(document.currency);
  return [
    [`Счёт-фактура № ${document.number} от ${dateInWords(document.date)}`, '(1)'],
    [`Исправление № ${DASH} от ${DASH}`, '(1а)'],
    [`Продавец: ${document.issuer.name}`, '(2)'],
    [`Адрес: ${document.issuer.address}`, '(2а)'],
    [`${seller.label} продавца: ${seller.value}`, '(2б)'],
    [`Грузоотправитель и его адрес: ${DASH}`, '(3)'],
    [`Грузополучатель и его адрес: ${DASH}`, '(4)'],
    [`К платёжно-расчётному документу ${paymentDocumentsLine(document)}`, '(5)'],
    [`Документ об отгрузке ${shippingDocumentLine(document, context)}`, '(5а)'],
    [`Покупатель: ${document.payer.name}`, '(6)'],
    [`Адрес: ${document.payer.address}`, '(6а)'],
    [`${buyer.label} покупателя: ${buyer.value}`, '(6б)'],
    [`Валюта: наименование, код ${currency.name}, ${currency.code}`, '(7)'],
    [`Идентификатор государственного контракта, договора (соглашения) (при наличии): ${DASH}`, '(8)'],
  ];
}

const TRACEABILITY_UNIT =
  'Количественная единица измерения товара, используемая в целях осуществления прослеживаемости';

/**
 * [heading, column number, width; the group heading above it when two columns share one]. Widths are points
 * of the landscape page (the layout scales them to the page): each fits the longest word of its heading at
 * 5 pt, so that no word is broken; the name of the service (1а) takes the rest.
 */
const HEADINGS: Array<[string, string, number, string?]> = [
  ['№ п/п', '1', 14],
  ['Наименование товара (описание выполненных работ, оказанных услуг), имущественного права', '1а', 131],
  ['Код вида товара', '1б', 23],
  ['код', '2', 22, 'Единица измерения'],
  ['условное обозначение (национальное)', '2а', 44, 'Единица измерения'],
  ['Количество (объём)', '3', 34],
  ['Цена (тариф) за единицу измерения', '4', 39],
  ['Стоимость товаров (работ, услуг), имущественных прав без налога — всего', '5', 45],
  ['В том числе сумма акциза', '6', 29],
  ['Налоговая ставка', '7', 31],
  ['Сумма налога, предъявляемая покупателю', '8', 44],
  ['Стоимость товаров (работ, услуг), имущественных прав с налогом — всего', '9', 45],
  ['цифровой код', '10', 30, 'Страна происхождения товара'],
  ['краткое наименование', '10а', 41, 'Страна происхождения товара'],
  [
    'Регистрационный номер декларации на товары или регистрационный номер партии товара, подлежащего ' +
      'прослеживаемости',
    '11',
    52,
  ],
  // The traceability columns: services are never traceable goods, so they print "—".
  ['код', '12', 16, TRACEABILITY_UNIT],
  ['условное обозначение', '12а', 38, TRACEABILITY_UNIT],
  [
    'Количество товара, подлежащего прослеживаемости, в количественной единице измерения товара, ' +
      'используемой в целях осуществления прослеживаемости',
    '13',
    54,
  ],
  ['Стоимость товара, подлежащего прослеживаемости, без налога на добавленную стоимость, в рублях', '14', 54],
];

const RIGHT = new Set(['3', '4', '5', '8', '9']);

/**
 * The invoice table: a heading row and the column numbers (repeated on every page), one row per line,
 * then "Всего к оплате" with the totals of columns 5, 8 and 9. The UPD adds column А (the product code).
 */
export function invoiceTable(
  layout: PdfLayout,
  document: InvoiceLike,
  context: FormContext,
  options: { upd?: boolean } = {},
): void {
  const advance = document.kind === 'advance-vat-invoice';
  const headings: Array<[string, string, number, string?]> = options.upd
    ? [
        ['Код товара/ работ, услуг', 'А', 24],
        // Column А takes its width from the name's, so the table still fills the page.
        ...HEADINGS.map(([title, code, width, group]): [string, string, number, string?] => [
          title,
          code,
          code === '1а' ? width - 24 : width,
          group,
        ]),
      ]
    : HEADINGS;
  const columns: Column[] = headings.map(([, code, width]) => ({
    width,
    align: RIGHT.has(code) ? 'right' : code === '1а' ? 'left' : 'center',
  }));
  // Two heading rows: a group heading spans its columns above their own headings. Regular (not bold) type,
  // as on the form, keeps the long headings of columns 11–14 whole in their narrow columns.
  const groups: Cell[] = [];
  headings.forEach(([, , , group], index) => {
    if (group && headings[index - 1]?.[3] === group) return;
    const span = group ? headings.filter((heading) => heading[3] === group).length : 1;
    groups.push({ text: group ?? '', span, size: 5, align: 'center' });
  });
  const header: Cell[][] = [
    groups,
    headings.map(([title]) => ({ text: title, size: 5, align: 'center' })),
    headings.map(([, code]) => ({ text: code, size: 6, align: 'center' })),
  ];
  const rows: Cell[][] = printedLines(document.lines, context, { advance }).map((line) => [
    ...(options.upd ? [DASH] : []),
    String(line.number),
    line.name,
    DASH,
    advance ? DASH : line.okei,
    advance ? DASH : line.unitName,
    advance ? DASH : line.quantity,
    advance ? DASH : line.price,
    advance ? DASH : line.net,
    advance ? DASH : 'без акциза',
    line.rate,
    line.vat,
    line.gross,
    // 10, 10а, 11: country of origin and customs declaration; 12, 12а, 13, 14: traceability.
    ...Array.from({ length: 7 }, () => DASH),
  ]);
  const lead = options.upd ? 8 : 7;
  rows.push([
    { text: 'Всего к оплате (9)', span: lead, bold: true },
    { text: advance ? DASH : formatAmount(document.totals.net), bold: true, align: 'right' },
    { text: 'X', span: 2, align: 'center' },
    { text: formatAmount(document.totals.vat), bold: true, align: 'right' },
    { text: formatAmount(document.totals.gross), bold: true, align: 'right' },
    { text: '', span: 7 },
  ]);
  layout.table(columns, rows, { header, fontSize: 7 });
}

/** The invoice part's signatures (the head and the chief accountant), as the VAT invoice and the UPD print them. */
export function invoiceSignatures(layout: PdfLayout, context: FormContext) {
  const head = signatory(context, 'head');
  const accountant = signatory(context, 'chiefAccountant');
  layout.signatures([
    {
      caption: 'Руководитель организации или иное уполномоченное лицо',
      position: head?.position,
      name: head?.name,
    },
    {
      caption: 'Главный бухгалтер или иное уполномоченное лицо',
      position: accountant?.position,
      name: accountant?.name,
    },
  ]);
  return { head, accountant };
}
