import Big from 'big.js';
import type { RussianNames } from '../../domain/catalog/index.js';
import { amountInWords } from '../../domain/documents/index.js';
import type {
  ContractAgreement,
  DocumentLine,
  DocumentParty,
  IssuerDetails,
  IssuerSignatories,
  Numbered,
  AccountDocument,
} from '../../domain/documents/index.js';
import type { VatJurisdiction, VatRate } from '../../domain/shared/vat.js';
import type { ProjectBreakdown } from '../../domain/documents/document-types.js';
import type { Cell, PdfLayout } from './pdf-layout.js';

/** What a form needs besides the document: names from the catalog, signatories, the related document. */
export interface FormContext {
  readonly names: RussianNames;
  /** The issuer's signatories (the document's own, else the issuer configuration's). */
  readonly signatories?: IssuerSignatories;
  /** The act a VAT invoice accompanies, when known (its number goes to line 5а). */
  readonly basisDocument?: Numbered<AccountDocument>;
}

export const DASH = '—';

const MONTHS = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

/** '2026-03-31' → '31.03.2026'. */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}

/** '2026-03-31' → '31 марта 2026 г.'. */
export function dateInWords(date: string): string {
  const [year, month, day] = date.split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year} г.`;
}

/** A decimal string as Russian documents print money: '12345.60' → '12 345,60' (no float on the way). */
export function formatAmount(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `,${fraction}` : ''}`;
}

const CURRENCIES: Record<string, { name: string; code: string; short: string }> = {
  RUB: { name: 'Российский рубль', code: '643', short: 'руб.' },
  KZT: { name: 'Казахстанский тенге', code: '398', short: 'тенге' },
  USD: { name: 'Доллар США', code: '840', short: 'долл. США' },
};

export const currencyOf = (currency: string) =>
  CURRENCIES[currency] ?? { name: currency, code: DASH, short: currency };

/**
 * The tax id label and value as the jurisdiction's documents print them: 'ИНН/КПП' on Russian documents
 * (never the Kazakh 'ИНН/БИН'), 'БИН/ИИН' on Kazakh ones, 'Tax ID' for non-residents.
 */
export function taxIdOf(party: DocumentParty | null | undefined, jurisdiction: VatJurisdiction) {
  if (!party) return { label: jurisdiction === 'KZ' ? 'БИН/ИИН' : 'ИНН/КПП', value: DASH };
  if (jurisdiction === 'RU') return { label: 'ИНН/КПП', value: `${party.taxId}/${party.kpp ?? DASH}` };
  if (jurisdiction === 'KZ') return { label: 'БИН/ИИН', value: party.taxId };
  return { label: 'Tax ID', value: party.taxId };
}

/** One line of requisites: name, tax ids, address. */
export function partyLine(party: DocumentParty | null | undefined, jurisdiction: VatJurisdiction): string {
  if (!party) return DASH;
  const tax = taxIdOf(party, jurisdiction);
  return `${party.name}, ${tax.label} ${tax.value}, ${party.address}`;
}

/** The issuer's bank, printed on one line. */
export function bankLine(bank: IssuerDetails['bank'] | DocumentParty['bank']): string {
  if (!bank) return DASH;
  const parts = [`р/с ${bank.accountNumber}`, `в ${bank.bankName}`];
  if (bank.bik) parts.push(`БИК ${bank.bik}`);
  if (bank.correspondentAccount) parts.push(`к/с ${bank.correspondentAccount}`);
  if (bank.swift) parts.push(`SWIFT ${bank.swift}`);
  return parts.join(', ');
}

/** The basis of the services: the account's contract when it has one, else the public offer. */
export function basisOf(agreement: ContractAgreement | undefined | null): string {
  return agreement
    ? `Договор № ${agreement.number} от ${formatDate(agreement.date)}`
    : 'Публичная оферта (договор на оказание услуг, заключённый акцептом оферты)';
}

export function vatRateLabel(rate: VatRate, advance = false): string {
  if (rate.kind !== 'percent') return 'без НДС';
  // An advance's VAT is computed at the calculated rate 22/122 (Tax Code art. 164 p. 4).
  return advance ? `${rate.percent}/${new Big(rate.percent).plus(100).toFixed()}` : `${rate.percent}%`;
}

const ENGLISH_DESCRIPTIONS: Record<string, string> = {
  'Advance payment for cloud services': 'Предварительная оплата (аванс) за услуги облачной платформы',
};

/** A document line as the forms print it: the Russian name, the unit with its OKEI code, quantity, price. */
export interface PrintedLine {
  readonly number: number;
  readonly name: string;
  readonly unitName: string;
  readonly okei: string;
  readonly quantity: string;
  readonly price: string;
  readonly rate: string;
  readonly net: string;
  readonly vat: string;
  readonly gross: string;
}

export function printedLines(
  lines: readonly DocumentLine[],
  context: FormContext,
  options: { advance?: boolean; servicePeriodInName?: boolean } = {},
): PrintedLine[] {
  return lines.map((line, index) => {
    const sku = line.sku ? context.names.skus.get(line.sku) : undefined;
    const base =
      sku?.name ??
      (line.service ? context.names.services.get(line.service) : undefined) ??
      ENGLISH_DESCRIPTIONS[line.description] ??
      line.description;
    const period =
      options.servicePeriodInName && line.service
        ? ` за период с ${formatDate(line.servicePeriod.firstDay)} по ${formatDate(line.servicePeriod.lastDay)}`
        : '';
    const detailed = line.quantity !== undefined && line.unitPrice !== undefined && sku?.unit !== undefined;
    return {
      number: index + 1,
      name: `${base}${period}`,
      unitName: detailed ? sku.unit!.name : 'усл. ед.',
      okei: detailed ? sku.unit!.okei : '876',
      quantity: detailed ? line.quantity! : '1',
      price: formatAmount(detailed ? line.unitPrice! : line.net),
      rate: vatRateLabel(line.vatRate, options.advance),
      net: formatAmount(line.net),
      vat: line.vatRate.kind === 'percent' ? formatAmount(line.vat) : 'без НДС',
      gross: formatAmount(line.gross),
    };
  });
}

export const signatory = (context: FormContext, role: keyof IssuerSignatories) =>
  context.signatories?.[role] ?? (role === 'responsible' ? context.signatories?.head : undefined);

/** The amount in words for a form; a negative amount (a credit) is "Минус …"; never throws. */
export function inWords(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  try {
    const words = amountInWords(negative ? amount.slice(1) : amount, currency);
    return negative ? `Минус ${words.charAt(0).toLowerCase()}${words.slice(1)}` : words;
  } catch {
    return `${formatAmount(amount)} ${currencyOf(currency).short}`;
  }
}

/**
 * The "by project" appendix of the bill and the act (issue 15), after everything the law asks of the form:
 * the period's consumption per project and SKU, at charge precision, with what grants and the balance paid,
 * and each project's total. Informative only — the legal lines above stay per SKU or service.
 */
export function projectAppendix(
  layout: PdfLayout,
  byProject: ProjectBreakdown | undefined,
  context: FormContext,
) {
  if (!byProject || byProject.length === 0) return;
  layout.gap(8);
  layout.text('Приложение: расходы по проектам', { bold: true, size: 10, gap: 4 });
  const rows: Cell[][] = [];
  const projects = [...new Set(byProject.map((p) => p.project))];
  for (const project of projects) {
    const entries = byProject.filter((p) => p.project === project);
    for (const entry of entries)
      rows.push([
        project,
        context.names.skus.get(entry.sku)?.name ?? context.names.services.get(entry.service) ?? entry.sku,
        formatAmount(entry.consumption),
        formatAmount(entry.fromGrants),
        formatAmount(entry.fromBalance),
      ]);
    const sum = (pick: (p: (typeof entries)[number]) => string) =>
      formatAmount(entries.reduce((total, p) => total.plus(pick(p)), new Big(0)).toFixed());
    rows.push([
      { text: project, bold: true },
      { text: 'Итого по проекту', bold: true },
      { text: sum((p) => p.consumption), bold: true },
      { text: sum((p) => p.fromGrants), bold: true },
      { text: sum((p) => p.fromBalance), bold: true },
    ]);
  }
  layout.table(
    [
      { width: 14 },
      { width: 34 },
      { width: 12, align: 'right' },
      { width: 12, align: 'right' },
      { width: 12, align: 'right' },
    ],
    rows,
    {
      header: [
        [
          { text: 'Проект', bold: true },
          { text: 'Услуга', bold: true },
          { text: 'Стоимость', bold: true },
          { text: 'Оплачено грантами', bold: true },
          { text: 'Оплачено с лицевого счёта', bold: true },
        ],
      ],
    },
  );
}
