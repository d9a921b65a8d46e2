/**
 * The corrective documents' forms (issue 14): the corrective VAT invoice (КСФ, Appendix 2 to постановление
 * № 1137), the universal corrective document (УКД, the tax service's recommended layout: the КСФ with a status
 * box and the part about the change of cost) and the corrective act. Each names the document it corrects by
 * number and date and shows each changed line in four rows, as the КСФ form does: А — before the change,
 * Б — after, В — increase, Г — decrease; then the totals of increase (sum of rows В) and decrease (rows Г).
 */
import type { CorrectiveDocument, CorrectiveLine, Numbered } from '../../domain/documents/index.js';
import {
  DASH,
  basisOf,
  currencyOf,
  dateInWords,
  formatAmount,
  formatDate,
  inWords,
  printedLines,
  signatory,
  taxIdOf,
  vatRateLabel,
  type FormContext,
} from './form-common.js';
import { invoiceSignatures } from './invoice-part.js';
import { PdfLayout, type Cell, type Column } from './pdf-layout.js';

export const FORM_1137_APPENDIX_2 =
  'Приложение № 2 к постановлению Правительства Российской Федерации от 26 декабря 2011 г. № 1137';

const ROWS = [
  ['А', 'до изменения'],
  ['Б', 'после изменения'],
  ['В', 'увеличение'],
  ['Г', 'уменьшение'],
] as const;

/** [heading, column number, width] of the КСФ table (the row letter is a column of its own). */
const HEADINGS: Array<[string, string, number]> = [
  ['№ п/п', '1', 14],
  ['Наименование товара (описание выполненных работ, оказанных услуг), имущественного права', '1а', 136],
  ['Строка', '', 54],
  ['Ед. изм.: код', '2', 26],
  ['Ед. изм.: условное обозначение (национальное)', '2а', 44],
  ['Количество (объём)', '3', 40],
  ['Цена (тариф) за единицу измерения', '4', 44],
  ['Стоимость товаров (работ, услуг), имущественных прав без налога — всего', '5', 50],
  ['В том числе сумма акциза', '6', 30],
  ['Налоговая ставка', '7', 32],
  ['Сумма налога', '8', 46],
  ['Стоимость товаров (работ, услуг), имущественных прав с налогом — всего', '9', 50],
];
const RIGHT = new Set(['3', '4', '5', '8', '9']);

/** The original's reference as printed: «№ … от …», with the corrective document continued from. */
function correctsLine(document: Numbered<CorrectiveDocument>, originalTitle: string): string {
  const original = `${originalTitle} № ${document.corrects.number} от ${formatDate(document.corrects.date)}`;
  return document.previous
    ? `${original}, с учётом корректировки № ${document.previous.number} от ${formatDate(document.previous.date)}`
    : original;
}

const ORIGINAL_TITLES: Record<string, string> = {
  act: 'акту',
  upd: 'универсальному передаточному документу',
  'vat-invoice': 'счёту-фактуре',
};

/** Header rows of the КСФ form (1 … 5) as [text, row code] pairs. */
function headerRows(document: Numbered<CorrectiveDocument>, title: string): Array<[string, string]> {
  const seller = taxIdOf(document.issuer, document.vatJurisdiction);
  const buyer = taxIdOf(document.payer, document.vatJurisdiction);
  const currency = currencyOf(document.currency);
  const original = document.corrects.kind === 'upd' ? 'счёту-фактуре (УПД)' : 'счёту-фактуре';
  return [
    [`${title} № ${document.number} от ${dateInWords(document.date)}`, '(1)'],
    [`Исправление № ${DASH} от ${DASH}`, '(1а)'],
    [`к ${correctsLine(document, original)}, с учётом исправления № ${DASH} от ${DASH}`, '(1б)'],
    [`Продавец: ${document.issuer.name}`, '(2)'],
    [`Адрес: ${document.issuer.address}`, '(2а)'],
    [`${seller.label} продавца: ${seller.value}`, '(2б)'],
    [`Покупатель: ${document.payer.name}`, '(3)'],
    [`Адрес: ${document.payer.address}`, '(3а)'],
    [`${buyer.label} покупателя: ${buyer.value}`, '(3б)'],
    [`Валюта: наименование, код ${currency.name}, ${currency.code}`, '(4)'],
    [`Идентификатор государственного контракта, договора (соглашения) (при наличии): ${DASH}`, '(5)'],
  ];
}

/** A corrective line as the forms print it: name and unit from the catalog, as on the original. */
function printedName(line: CorrectiveLine, context: FormContext) {
  const [printed] = printedLines(
    [
      {
        description: line.description,
        service: line.service,
        category: line.category,
        servicePeriod: line.servicePeriod,
        vatRate: line.vatRate,
        net: line.after.net,
        vat: line.after.vat,
        gross: line.after.gross,
        ...(line.sku !== undefined ? { sku: line.sku } : {}),
        ...(line.after.quantity !== undefined || line.before.quantity !== undefined
          ? { quantity: line.after.quantity ?? line.before.quantity!, unitPrice: '0' }
          : {}),
      },
    ],
    context,
  );
  return printed!;
}

const vatCell = (line: CorrectiveLine, amount: string) =>
  line.vatRate.kind === 'percent' ? formatAmount(amount) : 'без НДС';

/** The four rows (А, Б, В, Г) of one corrected line: quantity and price where the line has them. */
function lineRows(line: CorrectiveLine, number: number, context: FormContext, withExcise: boolean): Cell[][] {
  const name = printedName(line, context);
  // Quantity and price where the catalog knows the SKU's unit; else, as the original printed it, one
  // conventional unit at the net amount (before and after; a difference has no quantity then).
  const detailed = name.okei !== '876';
  const quantityOf = (quantity: string | undefined, difference: boolean) =>
    detailed && quantity !== undefined ? quantity : difference ? DASH : '1';
  const priceOf = (price: string | undefined, net: string) =>
    detailed ? (price !== undefined ? formatAmount(price) : DASH) : formatAmount(net);
  const amounts: Array<{ net: string; vat: string; gross: string; quantity?: string; unitPrice?: string }> = [
    line.before,
    line.after,
    line.increase,
    line.decrease,
  ];
  return ROWS.map(([letter, label], index) => {
    const a = amounts[index]!;
    const difference = index >= 2;
    return [
      index === 0 ? String(number) : '',
      index === 0 ? name.name : '',
      `${letter} (${label})`,
      index === 0 ? name.okei : '',
      index === 0 ? name.unitName : '',
      quantityOf(a.quantity, difference),
      difference ? 'X' : priceOf(a.unitPrice, a.net),
      formatAmount(a.net),
      ...(withExcise ? [difference ? DASH : 'без акциза'] : []),
      difference ? 'X' : vatRateLabel(line.vatRate),
      vatCell(line, a.vat),
      formatAmount(a.gross),
    ];
  });
}

/** The table of the КСФ (and the УКД): heading rows, four rows per changed line, totals of В and Г. */
function correctiveTable(layout: PdfLayout, document: Numbered<CorrectiveDocument>, context: FormContext) {
  const columns: Column[] = HEADINGS.map(([, code, width]) => ({
    width,
    align: RIGHT.has(code) ? 'right' : code === '1а' ? 'left' : 'center',
  }));
  const header: Cell[][] = [
    HEADINGS.map(([title]) => ({ text: title, size: 5, align: 'center' })),
    HEADINGS.map(([, code]) => ({ text: code, size: 6, align: 'center' })),
  ];
  const rows = document.correctiveLines.flatMap((line, index) => lineRows(line, index + 1, context, true));
  const total = (label: string, t: CorrectiveDocument['change']['increase']): Cell[] => [
    { text: label, span: 7, bold: true },
    { text: formatAmount(t.net), bold: true, align: 'right' },
    { text: 'X', span: 2, align: 'center' },
    { text: formatAmount(t.vat), bold: true, align: 'right' },
    { text: formatAmount(t.gross), bold: true, align: 'right' },
  ];
  rows.push(
    total('Всего увеличение (сумма строк В)', document.change.increase),
    total('Всего уменьшение (сумма строк Г)', document.change.decrease),
  );
  layout.table(columns, rows, { header, fontSize: 7 });
}

function headerTable(layout: PdfLayout, rows: Array<[string, string]>) {
  layout.table(
    [{ width: 12 }, { width: 1, align: 'right' }],
    rows.map(([text, code], index) => [
      index === 0 ? { text, bold: true, size: 11 } : text,
      { text: code, size: 7 },
    ]),
    { borders: false, padding: 1 },
  );
}

/** Корректировочный счёт-фактура (Appendix 2 to постановление № 1137). */
export function renderCorrectiveVatInvoice(
  document: Numbered<CorrectiveDocument>,
  context: FormContext,
): Promise<Buffer> {
  const layout = new PdfLayout({
    title: `Корректировочный счёт-фактура № ${document.number}`,
    orientation: 'landscape',
    fontSize: 8,
  });
  layout.text(FORM_1137_APPENDIX_2, { size: 6, align: 'right', gap: 4 });
  headerTable(layout, headerRows(document, 'Корректировочный счёт-фактура'));
  layout.gap(4);
  correctiveTable(layout, document, context);
  layout.gap(6);
  invoiceSignatures(layout, context);
  layout.text(
    `Индивидуальный предприниматель или иное уполномоченное лицо: ${DASH}. Реквизиты свидетельства о ` +
      `государственной регистрации индивидуального предпринимателя: ${DASH}`,
    { size: 7 },
  );
  return layout.finish();
}

/**
 * Универсальный корректировочный документ: the status box (1 — КСФ and the document about the change of
 * cost, 2 — that document only), the КСФ part and the part about the change (basis, who made it, when).
 */
export function renderUkd(document: Numbered<CorrectiveDocument>, context: FormContext): Promise<Buffer> {
  const layout = new PdfLayout({
    title: `Универсальный корректировочный документ № ${document.number}`,
    orientation: 'landscape',
    fontSize: 8,
  });
  layout.text(FORM_1137_APPENDIX_2, { size: 6, align: 'right', gap: 4 });
  layout.table(
    [{ width: 3 }, { width: 1.2, align: 'center' }, { width: 6 }],
    [
      [
        { text: 'Универсальный корректировочный документ', bold: true, size: 10 },
        { text: `Статус: ${document.status ?? 2}`, bold: true, size: 12 },
        {
          text:
            '1 — корректировочный счёт-фактура и документ об изменении стоимости отгруженных товаров ' +
            '(выполненных работ, оказанных услуг)\n2 — документ об изменении стоимости',
          size: 7,
        },
      ],
    ],
    { padding: 3 },
  );
  headerTable(layout, headerRows(document, 'Корректировочный счёт-фактура'));
  layout.text(`к ${correctsLine(document, ORIGINAL_TITLES[document.corrects.kind] ?? 'документу')}`, {
    size: 8,
  });
  layout.gap(3);
  correctiveTable(layout, document, context);
  const { head } = invoiceSignatures(layout, context);
  const responsible = signatory(context, 'responsible');
  const seller = taxIdOf(document.issuer, document.vatJurisdiction);
  const buyer = taxIdOf(document.payer, document.vatJurisdiction);
  const signed = (position: string | undefined, name: string | undefined) =>
    position && name
      ? `${position}   ________________ / ${name} /`
      : '________________ / ____________________';
  layout.table(
    [{ width: 1 }, { width: 1 }],
    [
      [
        { text: 'Основание корректировки', bold: true, size: 7 },
        `${basisOf(document.agreement)}; ${document.grounds.join('; ') || DASH}`,
      ],
      [
        { text: 'Корректировку составил', bold: true, size: 7 },
        { text: 'С корректировкой согласен', bold: true, size: 7 },
      ],
      [signed(head?.position, head?.name), '________________ / ____________________'],
      [dateInWords(document.date), '«____» ______________ 20___ г.'],
      [
        { text: 'Ответственный за правильность оформления факта хозяйственной жизни', bold: true, size: 7 },
        { text: 'Ответственный за правильность оформления факта хозяйственной жизни', bold: true, size: 7 },
      ],
      [signed(responsible?.position, responsible?.name), '________________ / ____________________'],
      [
        `${document.issuer.name}, ${seller.label} ${seller.value}`,
        `${document.payer.name}, ${buyer.label} ${buyer.value}`,
      ],
      ['М.П.', 'М.П.'],
    ],
    { borders: false, padding: 1.5 },
  );
  return layout.finish();
}

const ACT_COLUMNS: Column[] = [
  { width: 3, align: 'center' },
  { width: 20 },
  { width: 9, align: 'center' },
  { width: 6, align: 'center' },
  { width: 6, align: 'right' },
  { width: 8, align: 'right' },
  { width: 9, align: 'right' },
  { width: 6, align: 'center' },
  { width: 8, align: 'right' },
  { width: 9, align: 'right' },
];

/** Корректировочный акт: the act's change of cost with the same four rows per line. */
export function renderCorrectiveAct(
  document: Numbered<CorrectiveDocument>,
  context: FormContext,
): Promise<Buffer> {
  const title = 'Корректировочный акт';
  const layout = new PdfLayout({ title: `${title} № ${document.number}`, fontSize: 8 });
  const currency = currencyOf(document.currency);
  const issuerTax = taxIdOf(document.issuer, document.vatJurisdiction);
  const payerTax = taxIdOf(document.payer, document.vatJurisdiction);
  layout.text(`${title} № ${document.number} от ${dateInWords(document.date)}`, { size: 12, bold: true });
  layout.text(`к ${correctsLine(document, 'акту')}`, { gap: 6 });
  layout.fields([
    ['Исполнитель', document.issuer.name],
    [issuerTax.label, issuerTax.value],
    ['Адрес', document.issuer.address],
    ['Заказчик', document.payer.name],
    [payerTax.label, payerTax.value],
    ['Адрес', document.payer.address],
    ['Основание', basisOf(document.agreement)],
    ['Основание корректировки', document.grounds.join('; ') || DASH],
    ['Лицевой счёт', document.accountId],
    [
      'Период оказания услуг',
      `с ${formatDate(document.servicePeriod.firstDay)} по ${formatDate(document.servicePeriod.lastDay)}`,
    ],
    ['Валюта', `${currency.name}, ${currency.code}`],
  ]);
  layout.gap(4);
  const header: Cell[][] = [
    [
      '№',
      'Наименование услуг',
      'Строка',
      'Ед. изм.',
      'Кол-во',
      'Цена без НДС',
      'Сумма без НДС',
      'Ставка НДС',
      'Сумма НДС',
      'Сумма с НДС',
    ].map((text) => ({ text, bold: true })),
  ];
  const rows = document.correctiveLines.flatMap((line, index) =>
    lineRows(line, index + 1, context, false).map((cells) => {
      // The act prints the unit as one cell: «шт. (796)».
      const [n, name, row, okei, unit, ...rest] = cells;
      return [n!, name!, row!, okei === '' ? '' : `${String(unit)} (${String(okei)})`, ...rest];
    }),
  );
  layout.table(ACT_COLUMNS, rows, { header });
  const totals = (label: string, t: CorrectiveDocument['change']['increase']): Cell[] => [
    { text: label, bold: true, align: 'right' },
    formatAmount(t.net),
    formatAmount(t.vat),
    formatAmount(t.gross),
  ];
  layout.table(
    [{ width: 52 }, { width: 9, align: 'right' }, { width: 8, align: 'right' }, { width: 9, align: 'right' }],
    [
      ['', { text: 'Без НДС', bold: true }, { text: 'НДС', bold: true }, { text: 'С НДС', bold: true }],
      totals('Всего увеличение (сумма строк В):', document.change.increase),
      totals('Всего уменьшение (сумма строк Г):', document.change.decrease),
    ],
    { borders: false },
  );
  const difference = document.change.difference.gross;
  layout.text(
    difference.startsWith('-')
      ? `Стоимость оказанных услуг уменьшена на ${formatAmount(difference.slice(1))} ${currency.short} (${inWords(difference.slice(1), document.currency)})`
      : `Стоимость оказанных услуг увеличена на ${formatAmount(difference)} ${currency.short} (${inWords(difference, document.currency)})`,
    { bold: true, gap: 10 },
  );
  const head = signatory(context, 'head');
  layout.signatures(
    [
      {
        caption: 'Исполнитель',
        organisation: document.issuer.name,
        position: head?.position,
        name: head?.name,
      },
      { caption: 'Заказчик', organisation: document.payer.name },
    ],
    { stamp: true },
  );
  return layout.finish();
}

/** The form of a corrective document by its kind. */
export function renderCorrectiveDocument(
  document: Numbered<CorrectiveDocument>,
  context: FormContext,
): Promise<Buffer> {
  if (document.kind === 'corrective-vat-invoice') return renderCorrectiveVatInvoice(document, context);
  if (document.kind === 'ukd') return renderUkd(document, context);
  return renderCorrectiveAct(document, context);
}
