import { type ActDocument, type Numbered } from '../../domain/documents/index.js';
import {
  bankLine,
  basisOf,
  currencyOf,
  dateInWords,
  formatAmount,
  formatDate,
  inWords,
  printedLines,
  projectAppendix,
  signatory,
  taxIdOf,
  type FormContext,
} from './form-common.js';
import { PdfLayout, type Column } from './pdf-layout.js';

const COLUMNS: Column[] = [
  { width: 3, align: 'center' },
  { width: 25 },
  { width: 6, align: 'center' },
  { width: 6, align: 'right' },
  { width: 9, align: 'right' },
  { width: 10, align: 'right' },
  { width: 6, align: 'center' },
  { width: 9, align: 'right' },
  { width: 10, align: 'right' },
];

const HEADER = [
  [
    { text: '№', bold: true },
    { text: 'Наименование работ, услуг', bold: true },
    { text: 'Ед. изм.', bold: true },
    { text: 'Кол-во', bold: true },
    { text: 'Цена без НДС', bold: true },
    { text: 'Сумма без НДС', bold: true },
    { text: 'Ставка НДС', bold: true },
    { text: 'Сумма НДС', bold: true },
    { text: 'Сумма с НДС', bold: true },
  ],
];

/**
 * Act of services rendered (акт об оказании услуг): both parties' requisites, the basis, numbered lines
 * with unit, quantity, price, amounts and VAT, totals, the amount in words and both signature blocks.
 */
export function renderAct(act: Numbered<ActDocument>, context: FormContext): Promise<Buffer> {
  const kz = act.vatJurisdiction === 'KZ';
  const title = kz ? 'Акт выполненных работ (оказанных услуг)' : 'Акт об оказании услуг';
  const layout = new PdfLayout({ title: `${title} № ${act.number}`, fontSize: 8 });
  const currency = currencyOf(act.currency);
  const issuerTax = taxIdOf(act.issuer, act.vatJurisdiction);
  const payerTax = taxIdOf(act.payer, act.vatJurisdiction);

  layout.text(`${title} № ${act.number} от ${dateInWords(act.date)}`, { size: 12, bold: true, gap: 6 });
  layout.fields([
    ['Исполнитель', act.issuer.name],
    [issuerTax.label, issuerTax.value],
    ['Адрес', act.issuer.address],
    ['Банковские реквизиты', bankLine(act.issuer.bank)],
    ['Заказчик', act.payer.name],
    [payerTax.label, payerTax.value],
    ['Адрес', act.payer.address],
    ['Основание', basisOf(act.agreement)],
    ['Лицевой счёт', act.accountId],
    [
      'Период оказания услуг',
      `с ${formatDate(act.servicePeriod.firstDay)} по ${formatDate(act.servicePeriod.lastDay)}`,
    ],
    ['Валюта', `${currency.name}, ${currency.code}`],
  ]);
  layout.gap(4);

  const lines = printedLines(act.lines, context);
  layout.table(
    COLUMNS,
    lines.map((line) => [
      String(line.number),
      line.name,
      `${line.unitName} (${line.okei})`,
      line.quantity,
      line.price,
      line.net,
      line.rate,
      line.vat,
      line.gross,
    ]),
    { header: HEADER },
  );
  layout.table(
    [{ width: 75 }, { width: 10, align: 'right' }],
    [
      [{ text: 'Итого без НДС:', bold: true, align: 'right' }, formatAmount(act.totals.net)],
      [{ text: 'Сумма НДС:', bold: true, align: 'right' }, formatAmount(act.totals.vat)],
      [{ text: 'Всего с НДС:', bold: true, align: 'right' }, formatAmount(act.totals.gross)],
    ],
    { borders: false },
  );
  layout.text(
    `Всего оказано услуг ${lines.length}, на сумму ${formatAmount(act.totals.gross)} ${currency.short}`,
  );
  layout.text(inWords(act.totals.gross, act.currency), { bold: true });
  layout.text(
    act.vatJurisdiction === 'non-resident'
      ? 'Без НДС'
      : `В том числе НДС: ${formatAmount(act.totals.vat)} ${currency.short} (${inWords(act.totals.vat, act.currency)})`,
    { gap: 6 },
  );
  layout.text(
    'Вышеперечисленные услуги оказаны полностью и в срок. Заказчик претензий по объёму, качеству и срокам ' +
      'оказания услуг не имеет.',
    { gap: 10 },
  );
  const head = signatory(context, 'head');
  layout.signatures(
    [
      { caption: 'Исполнитель', organisation: act.issuer.name, position: head?.position, name: head?.name },
      { caption: 'Заказчик', organisation: act.payer.name },
    ],
    { stamp: true },
  );
  // Issue 15: after the legal content, the period's consumption per project.
  projectAppendix(layout, act.byProject, context);
  return layout.finish();
}
