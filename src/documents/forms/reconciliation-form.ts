import type {
  ContractAgreement,
  ReconciliationDocumentKind,
  DocumentParty,
  IssuerSignatories,
  ReconciliationEntry,
  ReconciliationLine,
  ReconciliationReport,
} from '../../domain/documents/index.js';
import { referenceOf } from '../../domain/documents/reconciliation.js';
import type { PaymentChannel } from '../../domain/policies/policy-profile.js';
import type { VatJurisdiction } from '../../domain/shared/vat.js';
import { DASH, basisOf, currencyOf, formatAmount, formatDate, inWords, taxIdOf } from './form-common.js';
import { PdfLayout, type Cell, type Column } from './pdf-layout.js';

/** What the form needs besides the report: the basis, the tax id labels, who signs, the lines' sources. */
export interface ReconciliationFormContext {
  /** The contract registered on the account; absent: the public offer is the basis. */
  readonly agreement?: ContractAgreement;
  /** Decides the tax id labels (ИНН/КПП, БИН/ИИН, Tax ID), as on the account's documents. */
  readonly jurisdiction: VatJurisdiction;
  readonly signatories?: IssuerSignatories;
  /**
   * The entries the report was computed from: a line names its document's kind or its payment's (or refund's)
   * channel in
   * Russian from them (the report's own descriptions are English); a line without its entry keeps that.
   */
  readonly entries?: readonly ReconciliationEntry[];
}

/** One side of the table: date, document, debit, credit; the customer's side mirrors the issuer's. */
const SIDE: Column[] = [
  { width: 8, align: 'center' },
  { width: 24 },
  { width: 11, align: 'right' },
  { width: 11, align: 'right' },
];
const COLUMNS: Column[] = [...SIDE, ...SIDE];

const DOCUMENT_NAMES: Readonly<Record<ReconciliationDocumentKind, string>> = {
  'corrective-act': 'Корректировочный акт',
  ukd: 'УКД',
  'corrective-vat-invoice': 'Корректировочный счёт-фактура',
  act: 'Акт',
  upd: 'УПД',
  'vat-invoice': 'Счёт-фактура',
  'advance-vat-invoice': 'Счёт-фактура на аванс',
  bill: 'Счёт на оплату',
};

const CHANNEL_NAMES: Readonly<Record<PaymentChannel, string>> = {
  'bank-transfer': 'банковский перевод',
  card: 'банковская карта',
  'auto-top-up': 'автопополнение картой',
  internal: 'внутреннее зачисление',
};

/**
 * The reconciliation report (акт сверки взаимных расчётов) as the form both parties sign: the period, the
 * parties and the basis, the currency; a two-sided table — the issuer's books filled in, the customer's
 * columns left blank for the customer to fill (standard practice) — with the opening balance, one row per
 * document and completed refund part (debit) and payment (credit), the turnovers and the closing balance; who owes whom on the last
 * day in figures and in words; both parties' signature blocks. Every amount is the report's own.
 */
export function renderReconciliation(
  report: ReconciliationReport,
  context: ReconciliationFormContext,
): Promise<Buffer> {
  const title = 'Акт сверки взаимных расчётов';
  const period = `с ${formatDate(report.from)} по ${formatDate(report.to)}`;
  const layout = new PdfLayout({ title: `${title} ${period}`, orientation: 'landscape', fontSize: 8 });
  const currency = currencyOf(report.currency);
  const issuer = report.provider?.name ?? DASH;
  const payer = report.customer?.name ?? DASH;

  layout.text(title, { size: 12, bold: true, align: 'center' });
  layout.text(`за период ${period}`, { size: 10, align: 'center' });
  layout.text(`между ${issuer} и ${payer}`, { size: 10, align: 'center', gap: 6 });
  layout.fields(
    [
      ...partyFields('Исполнитель', report.provider, context.jurisdiction),
      ...partyFields('Заказчик', report.customer, context.jurisdiction),
      ['Основание', basisOf(context.agreement)],
      ['Лицевой счёт', report.accountId],
      ['Валюта', `${currency.name}, ${currency.code}`],
    ],
    0.15,
  );
  layout.gap(2);
  const head = context.signatories?.head;
  layout.text(
    `Мы, нижеподписавшиеся, ${head ? `${head.position} ${issuer} ${head.name}` : `представитель ${issuer}`}, ` +
      `с одной стороны, и представитель ${payer}, с другой стороны, составили настоящий акт сверки в том, ` +
      'что состояние взаимных расчётов по данным учёта следующее:',
    { gap: 4 },
  );

  const sideHeader = (party: string): Cell => ({
    text: `По данным ${party}, ${currency.short}`,
    span: 4,
    bold: true,
    align: 'center',
  });
  const columnNames: Cell[] = ['Дата', 'Документ', 'Дебет', 'Кредит'].map((text) => ({
    text,
    bold: true,
    align: 'center',
  }));
  const blank: Cell[] = ['', '', '', ''];
  const total = (label: string, debit: string, credit: string): Cell[] => [
    { text: label, span: 2, bold: true },
    { text: formatAmount(debit), bold: true },
    { text: formatAmount(credit), bold: true },
  ];
  const customerTotal = (label: string): Cell[] => [{ text: label, span: 2, bold: true }, '', ''];
  const documentNames = namesOf(context.entries ?? []);
  layout.table(
    COLUMNS,
    [
      [
        ...total('Сальдо начальное', report.opening.debit, report.opening.credit),
        ...customerTotal('Сальдо начальное'),
      ],
      ...report.lines.map((line): Cell[] => [
        formatDate(line.date),
        documentNames.get(keyOf(line)) ?? line.description,
        amountCell(line.debit),
        amountCell(line.credit),
        ...blank,
      ]),
      [
        ...total('Обороты за период', report.turnover.debit, report.turnover.credit),
        ...customerTotal('Обороты за период'),
      ],
      [
        ...total('Сальдо конечное', report.closing.debit, report.closing.credit),
        ...customerTotal('Сальдо конечное'),
      ],
    ],
    {
      header: [
        [sideHeader(issuer), sideHeader(payer)],
        [...columnNames, ...columnNames],
      ],
    },
  );
  layout.gap(4);

  layout.text(`По данным ${issuer}`, { bold: true });
  layout.text(owedStatement(report, issuer, payer, currency.short), { gap: 4 });
  layout.text(`По данным ${payer}`, { bold: true });
  layout.text(`на ${formatDate(report.to)} задолженность ${'_'.repeat(90)}`, { gap: 12 });

  layout.signatures(
    [
      { caption: 'От исполнителя', organisation: issuer, position: head?.position, name: head?.name },
      { caption: 'От заказчика', organisation: payer },
    ],
    { stamp: true },
  );
  return layout.finish();
}

/** Who owes whom on the last day of the range, in figures and in words; nothing owed says so. */
function owedStatement(report: ReconciliationReport, issuer: string, payer: string, short: string): string {
  const on = `На ${formatDate(report.to)}`;
  if (report.owedBy === 'nobody') return `${on} задолженность отсутствует.`;
  const creditor = report.owedBy === 'customer' ? issuer : payer;
  return (
    `${on} задолженность в пользу ${creditor} составляет ${formatAmount(report.owedAmount)} ${short} ` +
    `(${inWords(report.owedAmount, report.currency)}).`
  );
}

function partyFields(
  role: string,
  party: DocumentParty | null,
  jurisdiction: VatJurisdiction,
): Array<[string, string]> {
  if (!party) return [[role, DASH]];
  const tax = taxIdOf(party, jurisdiction);
  return [
    [role, party.name],
    [tax.label, tax.value],
    ['Адрес', party.address],
  ];
}

/** The other side of a line prints blank, as accountants fill the table; a zero balance still prints. */
const amountCell = (amount: string): string => (/^0(\.0+)?$/.test(amount) ? '' : formatAmount(amount));

const keyOf = (line: Pick<ReconciliationLine, 'entryType' | 'reference'>) =>
  `${line.entryType}:${line.reference}`;

/** Each entry's line name in Russian, by the line's key (entry type and reference, as the report forms it). */
function namesOf(entries: readonly ReconciliationEntry[]): Map<string, string> {
  return new Map(
    entries.map((entry): [string, string] => {
      const key = keyOf({ entryType: entry.type, reference: referenceOf(entry) });
      if (entry.type === 'document')
        return [key, `${DOCUMENT_NAMES[entry.kind]} № ${entry.number ?? entry.documentId}`];
      if (entry.type === 'refund')
        return [
          key,
          `Возврат денежных средств № ${entry.refundId} по оплате № ${entry.paymentId} ` +
            `(${CHANNEL_NAMES[entry.channel]})`,
        ];
      return [key, `Оплата № ${entry.paymentId} (${CHANNEL_NAMES[entry.channel]})`];
    }),
  );
}
