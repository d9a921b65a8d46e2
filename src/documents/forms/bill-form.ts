import { type BillDocument, type Numbered } from '../../domain/documents/index.js';
import {
  DASH,
  bankLine,
  basisOf,
  currencyOf,
  dateInWords,
  formatAmount,
  formatDate,
  inWords,
  partyLine,
  printedLines,
  projectAppendix,
  signatory,
  taxIdOf,
  type FormContext,
} from './form-common.js';
import { PdfLayout, type Cell, type Column } from './pdf-layout.js';

const COLUMNS: Column[] = [
  { width: 3, align: 'center' },
  { width: 24 },
  { width: 7, align: 'center' },
  { width: 6, align: 'right' },
  { width: 9, align: 'right' },
  { width: 10, align: 'right' },
  { width: 6, align: 'center' },
  { width: 9, align: 'right' },
  { width: 10, align: 'right' },
];

const HEADER: Cell[][] = [
  [
    '№',
    'Товары (работы, услуги)',
    'Ед. изм.',
    'Кол-во',
    'Цена без НДС',
    'Сумма без НДС',
    'Ставка НДС',
    'Сумма НДС',
    'Сумма с НДС',
  ].map((text) => ({ text, bold: true, align: 'center' as const })),
];

/**
 * The bill for payment (счёт на оплату): the issuer's bank details for the transfer, both parties, the
 * service lines (penalties on their own line without VAT), how the amount to pay follows from consumption,
 * grants, balance and deposits, the amount to pay in figures and words, the due date, the payment purpose
 * and the signatures. A top-up bill has the advance line only and no settlement.
 */
export function renderBill(bill: Numbered<BillDocument>, context: FormContext): Promise<Buffer> {
  const layout = new PdfLayout({ title: `Счёт на оплату № ${bill.number}`, fontSize: 8 });
  const currency = currencyOf(bill.currency);
  const issuerTax = taxIdOf(bill.issuer, bill.vatJurisdiction);
  const bank = bill.issuer.bank;

  layout.table(
    [{ width: 1 }, { width: 2 }],
    [
      [{ text: 'Банк получателя', bold: true }, bank?.bankName ?? DASH],
      ...(bank?.bik ? [[{ text: 'БИК', bold: true }, bank.bik]] : []),
      ...(bank?.correspondentAccount
        ? [[{ text: 'Корр. счёт (Сч. №)', bold: true }, bank.correspondentAccount]]
        : []),
      ...(bank?.swift ? [[{ text: 'SWIFT', bold: true }, bank.swift]] : []),
      [{ text: 'Счёт получателя (Сч. №)', bold: true }, bank?.accountNumber ?? DASH],
      [{ text: `${issuerTax.label} получателя`, bold: true }, issuerTax.value],
      [{ text: 'Получатель', bold: true }, bill.issuer.name],
    ],
  );
  layout.gap(4);
  layout.text(`Счёт на оплату № ${bill.number} от ${dateInWords(bill.date)}`, {
    size: 12,
    bold: true,
    gap: 6,
  });
  const topUp = bill.billKind === 'top-up';
  layout.fields([
    ['Поставщик (Исполнитель)', partyLine(bill.issuer, bill.vatJurisdiction)],
    ['Покупатель (Заказчик)', partyLine(bill.payer, bill.vatJurisdiction)],
    ['Банк покупателя', bankLine(bill.payer?.bank)],
    ['Основание', basisOf(bill.nonResident?.agreement)],
    ['Лицевой счёт', bill.accountNumber],
    [
      topUp ? 'Назначение счёта' : 'Период оказания услуг',
      topUp
        ? 'Пополнение лицевого счёта (аванс)'
        : `с ${formatDate(bill.servicePeriod.firstDay)} по ${formatDate(bill.servicePeriod.lastDay)}`,
    ],
    ['Валюта', `${currency.name}, ${currency.code}`],
  ]);
  layout.gap(4);

  const lines = printedLines(bill.lines, context);
  const rows: Cell[][] = lines.map((line) => [
    String(line.number),
    line.name,
    `${line.unitName} (${line.okei})`,
    line.quantity,
    line.price,
    line.net,
    line.rate,
    line.vat,
    line.gross,
  ]);
  if (bill.penaltiesLine) {
    const amount = formatAmount(bill.penaltiesLine.amount);
    rows.push([
      String(rows.length + 1),
      bill.penaltiesLine.description,
      DASH,
      DASH,
      amount,
      amount,
      'без НДС',
      DASH,
      amount,
    ]);
  }
  layout.table(COLUMNS, rows, { header: HEADER });
  layout.table(
    [{ width: 75 }, { width: 12, align: 'right' }],
    [
      [
        { text: topUp ? 'Итого:' : 'Итого за услуги:', bold: true, align: 'right' },
        formatAmount(bill.totals.gross),
      ],
      [{ text: 'В том числе НДС:', bold: true, align: 'right' }, formatAmount(bill.totals.vat)],
    ],
    { borders: false },
  );

  if (bill.settlement) {
    const s = bill.settlement;
    layout.text('Расчёт суммы к оплате', { bold: true });
    layout.table(
      [{ width: 5 }, { width: 1.5, align: 'right' }],
      [
        ['Стоимость услуг за период', formatAmount(s.consumption)],
        ['минус гранты, применённые к услугам', formatAmount(s.grantsUsed)],
        [
          'минус входящий остаток лицевого счёта (отрицательный — задолженность)',
          formatAmount(s.openingBalance),
        ],
        ['минус поступления (депозиты) за период', formatAmount(s.deposits)],
        ['минус выставлено к оплате ранее', formatAmount(s.alreadyBilled)],
        ['плюс пени', formatAmount(s.penalties)],
        [
          { text: 'К оплате', bold: true },
          { text: formatAmount(bill.toPay), bold: true },
        ],
      ],
    );
  }

  layout.text(
    `Всего к оплате: ${formatAmount(bill.toPay)} ${currency.short}, в том числе НДС: ` +
      `${bill.vatJurisdiction === 'non-resident' ? 'без НДС' : `${formatAmount(bill.toPayVat)} ${currency.short}`}`,
    { bold: true, size: 9 },
  );
  layout.text(`Всего наименований ${rows.length}, на сумму ${formatAmount(bill.toPay)} ${currency.short}`);
  layout.text(inWords(bill.toPay, bill.currency), { bold: true, gap: 6 });
  layout.fields([
    ['Оплатить до', formatDate(bill.dueDate)],
    ['Назначение платежа', bill.paymentPurpose],
    ...(bill.nonResident
      ? ([
          [
            'Agreement',
            `No. ${bill.nonResident.agreement.number} of ${formatDate(bill.nonResident.agreement.date)}`,
          ],
          ['Payment terms', bill.nonResident.paymentTerms],
          ['Taxes', bill.nonResident.taxNote],
        ] as Array<[string, string]>)
      : []),
  ]);
  layout.gap(8);
  const head = signatory(context, 'head');
  const accountant = signatory(context, 'chiefAccountant');
  layout.signatures([
    { caption: 'Руководитель', position: head?.position, name: head?.name },
    { caption: 'Главный бухгалтер', position: accountant?.position, name: accountant?.name },
  ]);
  // Issue 15: after the legal content, the period's consumption per project.
  projectAppendix(layout, bill.byProject, context);
  return layout.finish();
}
