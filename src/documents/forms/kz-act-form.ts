/**
 * The Kazakh act of completed works (АВР) in its statutory layout: form Р-1, Appendix 50 to the order of the
 * Minister of Finance of the Republic of Kazakhstan of 20 December 2012 № 562. A Kazakh issuer's act is
 * printed with it instead of the Russian act (document-pdf.ts).
 */
import { type ActDocument, type Numbered } from '../../domain/documents/index.js';
import {
  DASH,
  basisOf,
  currencyOf,
  formatAmount,
  formatDate,
  inWords,
  printedLines,
  signatory,
  taxIdOf,
  type FormContext,
} from './form-common.js';
import { PdfLayout, type Cell, type Column } from './pdf-layout.js';

export const FORM_R1_APPENDIX =
  'Приложение 50\nк приказу Министра финансов\nРеспублики Казахстан\nот 20 декабря 2012 года № 562';

const PARTY_CAPTION = 'полное наименование, адрес, данные о средствах связи';

/** [heading, column number, width; the group heading above it when columns share one]. */
const HEADINGS: Array<[string, string, number, string?]> = [
  ['Номер по порядку', '1', 5],
  [
    'Наименование работ (услуг) (в разрезе их подвидов в соответствии с технической спецификацией, заданием, ' +
      'графиком выполнения работ (услуг) при их наличии)',
    '2',
    30,
  ],
  ['Дата выполнения работ (оказания услуг)**', '3', 12],
  [
    'Сведения об отчете о научных исследованиях, маркетинговых, консультационных и прочих услугах (дата, ' +
      'номер, количество страниц) (при их наличии)***',
    '4',
    16,
  ],
  ['Единица измерения', '5', 9],
  ['количество', '6', 8, 'Выполнено работ (оказано услуг)'],
  ['цена за единицу', '7', 10, 'Выполнено работ (оказано услуг)'],
  ['стоимость', '8', 11, 'Выполнено работ (оказано услуг)'],
];

const FOOTNOTES =
  '* Применяется для приемки-передачи выполненных работ (оказанных услуг), за исключением строительно-' +
  'монтажных работ.\n' +
  '** Заполняется в случае, если даты выполненных работ (оказанных услуг) приходятся на различные периоды, а ' +
  'также в случае, если даты выполнения работ (оказания услуг) и даты подписания (принятия) работ (услуг) ' +
  'различны.\n' +
  '*** Заполняется в случае наличия отчета о научных исследованиях, маркетинговых, консультационных и прочих ' +
  'услугах.';

/**
 * Form Р-1: the customer and the executor with their ИИН/БИН, the contract (or the public offer), the
 * document's number and date, the table of columns 1–8 (services: column 4 "—"; column 3 the line's service
 * period), the totals with the VAT of Kazakhstan as the document has it, the customer's inventories (none),
 * the attachments, and the handing over (Сдал) and acceptance (Принял) signatures with the acceptance date.
 */
export function renderKzAct(act: Numbered<ActDocument>, context: FormContext): Promise<Buffer> {
  const layout = new PdfLayout({
    title: `Акт выполненных работ (оказанных услуг) № ${act.number}`,
    orientation: 'landscape',
    fontSize: 8,
  });
  const currency = currencyOf(act.currency);
  // The issuer is Kazakh: its БИН always; the customer's tax id as its jurisdiction has it.
  const executorId = act.issuer.taxId;
  const customerTax = taxIdOf(act.payer, act.vatJurisdiction);
  const customerId =
    act.vatJurisdiction === 'KZ' ? customerTax.value : `${customerTax.label} ${customerTax.value}`;

  layout.table(
    [{ width: 7 }, { width: 2, align: 'right' }],
    [
      ['', { text: `${FORM_R1_APPENDIX}\n`, size: 7, align: 'center' }],
      ['', { text: 'Форма Р-1', bold: true, size: 9 }],
    ],
    { borders: false, padding: 0.5 },
  );
  const caption = (text: string): Cell => ({ text, size: 6, align: 'center' });
  layout.table(
    [{ width: 1.6 }, { width: 7 }, { width: 2, align: 'center' }],
    [
      ['', '', { text: 'ИИН/БИН', bold: true, size: 7 }],
      [
        { text: 'Заказчик', bold: true },
        { text: `${act.payer.name}, ${act.payer.address}`, bold: true },
        { text: customerId, bold: true },
      ],
      ['', caption(PARTY_CAPTION), ''],
      [
        { text: 'Исполнитель', bold: true },
        { text: `${act.issuer.name}, ${act.issuer.address}`, bold: true },
        { text: executorId, bold: true },
      ],
      ['', caption(PARTY_CAPTION), ''],
      [{ text: 'Договор (контракт)', bold: true }, basisOf(act.agreement), ''],
    ],
    { borders: false, padding: 1.5 },
  );
  layout.gap(4);
  layout.table(
    [
      { width: 6, align: 'center' },
      { width: 1.5, align: 'center' },
      { width: 1.5, align: 'center' },
    ],
    [
      [
        { text: '\nАКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ)*', bold: true, size: 11 },
        { text: `Номер документа\n${act.number}`, bold: true },
        { text: `Дата составления\n${formatDate(act.date)}`, bold: true },
      ],
    ],
    { padding: 3 },
  );
  layout.gap(4);

  const columns: Column[] = HEADINGS.map(([, code, width]) => ({
    width,
    align: ['6', '7', '8'].includes(code) ? 'right' : code === '2' ? 'left' : 'center',
  }));
  const groups: Cell[] = [];
  HEADINGS.forEach(([, , , group], index) => {
    if (group && HEADINGS[index - 1]?.[3] === group) return;
    const span = group ? HEADINGS.filter((heading) => heading[3] === group).length : 1;
    groups.push({ text: group ?? '', span, bold: true, size: 6.5, align: 'center' });
  });
  const header: Cell[][] = [
    groups,
    HEADINGS.map(([title]) => ({ text: title, size: 6, align: 'center' })),
    HEADINGS.map(([, code]) => ({ text: code, size: 6.5, align: 'center' })),
  ];
  const lines = printedLines(act.lines, context);
  const rows: Cell[][] = lines.map((line, index) => {
    const period = act.lines[index]!.servicePeriod;
    return [
      String(line.number),
      line.name,
      `${formatDate(period.firstDay)}–${formatDate(period.lastDay)}`,
      DASH,
      line.unitName,
      line.quantity,
      line.price,
      line.net,
    ];
  });
  // The columns hold amounts without VAT; the VAT of Kazakhstan and the total with it follow as the
  // document has them (the rates its lines carry), so the total the customer pays is on the form.
  const vatExempt = act.vatJurisdiction === 'non-resident';
  const rates = [...new Set(lines.map((line) => line.rate))].join(', ');
  const total = (label: string, amount: string): Cell[] => [
    { text: label, span: 7, bold: true, align: 'right' },
    { text: amount, bold: true, align: 'right' },
  ];
  rows.push(
    [
      { text: 'Итого без НДС', span: 5, bold: true, align: 'right' },
      { text: 'х', align: 'center' },
      { text: 'х', align: 'center' },
      { text: formatAmount(act.totals.net), bold: true, align: 'right' },
    ],
    vatExempt ? total('НДС', 'Без НДС') : total(`НДС (${rates})`, formatAmount(act.totals.vat)),
    total('Всего с НДС', formatAmount(act.totals.gross)),
  );
  layout.table(columns, rows, { header, fontSize: 7 });

  layout.text(`Всего на сумму: ${inWords(act.totals.gross, act.currency)}`, { bold: true });
  layout.text(
    vatExempt
      ? 'Без НДС'
      : `в том числе НДС: ${formatAmount(act.totals.vat)} ${currency.short} ` +
          `(${inWords(act.totals.vat, act.currency)})`,
  );
  layout.text(`Валюта: ${currency.name}, ${currency.code}. Лицевой счёт: ${act.accountId}`, { gap: 6 });
  layout.fields(
    [
      [
        'Сведения об использовании запасов, полученных от заказчика',
        'нет (запасы заказчика не использовались)',
      ],
    ],
    0.38,
  );
  layout.table([{ width: 0.38 }, { width: 0.62 }], [['', caption('наименование, количество, стоимость')]], {
    borders: false,
    padding: 0,
  });
  layout.text(
    'Приложение: Перечень документации, в том числе отчет(ы) о маркетинговых, научных исследованиях, ' +
      `консультационных и прочих услугах (обязательны при его (их) наличии) на ${DASH} страниц`,
    { gap: 10 },
  );

  const head = signatory(context, 'head');
  const blank = '________________';
  layout.ensureSpace(90);
  layout.table(
    [
      { width: 1.3 },
      { width: 1.5, align: 'center' },
      { width: 1, align: 'center' },
      { width: 1.5, align: 'center' },
      { width: 0.3 },
      { width: 1.3 },
      { width: 1.5, align: 'center' },
      { width: 1, align: 'center' },
      { width: 1.5, align: 'center' },
    ],
    [
      [
        { text: 'Сдал (Исполнитель)', bold: true },
        head?.position ?? blank,
        blank,
        head?.name ?? blank,
        '',
        { text: 'Принял (Заказчик)', bold: true },
        blank,
        blank,
        blank,
      ],
      [
        '',
        caption('должность'),
        caption('подпись'),
        caption('расшифровка подписи'),
        '',
        '',
        caption('должность'),
        caption('подпись'),
        caption('расшифровка подписи'),
      ],
      [{ text: 'М.П.', span: 4 }, '', { text: 'М.П.', span: 4 }],
      [
        { text: '', span: 5 },
        { text: 'Дата подписания (принятия) работ (услуг) «____» ______________ 20___ г.', span: 4 },
      ],
    ],
    { borders: false, padding: 2 },
  );
  layout.gap(6);
  layout.text(FOOTNOTES, { size: 6 });
  return layout.finish();
}
