/**
 * Corrective documents (issue 14, rules §9): when a correction (`ChargeCorrected`, booked in the open period)
 * changes what a closed period's documents confirmed, the period's documents are never edited; corrective
 * documents say "before / after / difference" per line and refer to the original by number and date.
 *
 * - original UPD status 1 → УКД status 1 (it is also the corrective VAT invoice, КСФ);
 * - original UPD status 2 (+ VAT invoice) → УКД status 2 (+ КСФ);
 * - original act (+ VAT invoice) → corrective act (+ КСФ); no VAT invoice originally (a non-resident, no VAT)
 *   → a corrective act only.
 *
 * What a correction changes on the documents is what closing-documents.ts would have confirmed of it —
 * `documentedAmount` on the original's basis (what the balance paid, or all consumption) less spending
 * through channels that do not count in documents: one formula. A correction paid by grants under the
 * 'spent from balance' basis therefore changes nothing, and no corrective document is composed.
 * A second correction of the same period starts from the previous corrective document's "after".
 * VAT is the original line's rate (the rate of the corrected period), computed and rounded per line (§3).
 */
import Big from 'big.js';
import type { ChargeCorrection } from '../ledger/ledger-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import type { LocalDate } from '../shared/calendar.js';
import { DomainError } from '../shared/errors.js';
import { Money, type Currency } from '../shared/money.js';
import { localDate, periodById } from '../shared/reporting-period.js';
import { vatOfGross } from '../shared/vat.js';
import { documentedAmount, type OverConfirmed } from './closing-documents.js';
import {
  assertAccountIssuer,
  payerParty,
  printed,
  toMinorUnits,
  unitPriceOf,
  vatContextFor,
  type VatContext,
} from './document-lines.js';
import type {
  AccountDocument,
  ActDocument,
  CorrectiveDifference,
  CorrectiveDocument,
  CorrectiveDocumentKind,
  CorrectiveLine,
  CorrectiveLineAmounts,
  DocumentAccount,
  DocumentLine,
  DocumentReference,
  DocumentTotals,
  IssuerDetails,
  Numbered,
  UpdDocument,
  VatInvoiceDocument,
} from './document-types.js';

export type {
  CorrectiveDifference,
  CorrectiveDocument,
  CorrectiveDocumentKind,
  CorrectiveLine,
  CorrectiveLineAmounts,
  DocumentReference,
} from './document-types.js';

export const CORRECTIVE_DOCUMENT_KINDS: readonly CorrectiveDocumentKind[] = [
  'corrective-vat-invoice',
  'ukd',
  'corrective-act',
];

export const isCorrectiveDocument = (document: { kind: string }): document is CorrectiveDocument =>
  (CORRECTIVE_DOCUMENT_KINDS as readonly string[]).includes(document.kind);

export type CorrectiveOmissionReason =
  /** Individuals get no accounting documents, so nothing to correct. */
  | 'individual'
  /** A correction of the open period: its closing documents will include it. */
  | 'open-period'
  /** The corrected period had no act or UPD (nothing was confirmed then). */
  | 'no-closing-documents'
  /** The corrections change nothing the documents confirm (grant-paid on the spent-from-balance basis …). */
  | 'no-effect';

export interface CorrectiveDocumentsRequest {
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: Pick<PolicyProfile, 'rounding' | 'vat' | 'documents'>;
  /** The period the corrections belong to (`correctsPeriod`). */
  readonly periodId: string;
  /** The open period they were booked in: a correction of it needs no corrective document. */
  readonly bookedInPeriod: string;
  readonly corrections: readonly ChargeCorrection[];
  /** The account's issued documents: the originals and the corrective documents issued before. */
  readonly issued: readonly Numbered<AccountDocument>[];
  /** The document date; default the local day (account's time zone) of the latest correction. */
  readonly date?: LocalDate;
}

export interface CorrectiveDocuments {
  readonly periodId: string;
  /** In issue order: the corrective act or УКД first, then the КСФ. */
  readonly documents: CorrectiveDocument[];
  readonly omitted?: CorrectiveOmissionReason;
}

export class CorrectionPeriodMismatchError extends DomainError {
  override readonly name = 'CorrectionPeriodMismatchError';
  readonly code = 'CORRECTION_PERIOD_MISMATCH';
  constructor(
    readonly correctionId: string,
    readonly correctsPeriod: string,
    readonly periodId: string,
  ) {
    super(`correction ${correctionId} corrects ${correctsPeriod}, not ${periodId}`);
  }
}

export class CorrectionBelowDocumentedError extends DomainError {
  override readonly name = 'CorrectionBelowDocumentedError';
  readonly code = 'CORRECTION_EXCEEDS_DOCUMENTED';
  constructor(
    readonly periodId: string,
    readonly line: string,
    readonly before: string,
    readonly difference: string,
  ) {
    super(
      `period ${periodId}, line ${line}: a decrease of ${difference} exceeds the ${before} the documents ` +
        `confirmed; a line cannot go below zero`,
    );
  }
}

type Policy = Pick<PolicyProfile['documents'], 'actBasis' | 'eligibleChannels'>;
type ServicesDocument = Numbered<ActDocument> | Numbered<UpdDocument>;

/** What one correction changes on the documents (charge precision) — closing-documents.ts's formula. */
export function documentedCorrection(correction: ChargeCorrection, policy: Policy): Big {
  return documentedAmount(
    {
      consumption: correction.amount,
      fromBalance: correction.fromBalance,
      ...(correction.fromBalanceBy ? { fromBalanceBy: correction.fromBalanceBy } : {}),
    },
    policy,
  );
}

/** Quantity a correction adds to its SKU's line: late usage adds, a void takes away, a re-rate keeps it. */
function quantityChange(correction: ChargeCorrection): Big {
  if (!correction.usage || correction.sku === undefined) return new Big(0);
  if (correction.kind === 'late-usage') return new Big(correction.usage.quantity);
  if (correction.kind === 'usage-voided') return new Big(correction.usage.quantity).neg();
  return new Big(0);
}

/** The corrective documents for corrections of one period, unnumbered. */
export function correctiveDocumentsFor(request: CorrectiveDocumentsRequest): CorrectiveDocuments {
  return composeCorrective(request);
}

export interface OverConfirmedCorrectiveRequest {
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: Pick<PolicyProfile, 'rounding' | 'vat' | 'documents'>;
  readonly periodId: string;
  /** closingDocumentsFor's `overConfirmed` of the period's month-end documents. */
  readonly overConfirmed: readonly OverConfirmed[];
  /** The period's numbered mid-period documents (the latest act or UPD is the one corrected). */
  readonly issued: readonly Numbered<AccountDocument>[];
  /** The month-end documents' date: the corrective document is issued with them. */
  readonly date: LocalDate;
}

/** Its documents' id key and the ground they print: one per period, so a retry composes the same ids. */
export const MONTH_END_REMAINDER = 'month-end-remainder';

/**
 * A give-back of the open period after its mid-period documents (credit limit exhausted) can leave less than
 * they confirmed: the month-end documents confirm zero for the service, and the excess is decreased by a
 * corrective act / УКД (+ КСФ) of the latest mid-period act or UPD, dated and issued with the month-end ones.
 * The same line arithmetic as a correction of a closed period (one formula); unnumbered.
 */
export function overConfirmedCorrectiveDocumentsFor(
  request: OverConfirmedCorrectiveRequest,
): CorrectiveDocuments {
  const corrections = request.overConfirmed.map((o): ChargeCorrection => ({
    correctionId: MONTH_END_REMAINDER,
    kind: 'adjustment',
    correctsPeriod: request.periodId,
    service: o.service,
    category: o.category,
    amount: new Big(o.amount).neg().toFixed(),
    fromGrants: [],
    fromBalance: new Big(o.amount).neg().toFixed(),
    balanceAfter: '0',
    reason: 'Give-backs after the mid-period documents exceed the period’s remainder',
    by: 'documents',
    at: `${request.date}T00:00:00.000Z`,
  }));
  // Amounts already on the documents' basis: no funding split, so documentedAmount keeps them as they are.
  return composeCorrective(
    {
      account: request.account,
      issuer: request.issuer,
      profile: request.profile,
      periodId: request.periodId,
      bookedInPeriod: '',
      corrections,
      issued: request.issued,
      date: request.date,
    },
    [MONTH_END_REMAINDER],
  );
}

function composeCorrective(
  request: CorrectiveDocumentsRequest,
  ids?: readonly string[],
): CorrectiveDocuments {
  const { account, issuer, profile, periodId } = request;
  const facts = account.facts;
  for (const c of request.corrections)
    if (c.correctsPeriod !== periodId)
      throw new CorrectionPeriodMismatchError(c.correctionId, c.correctsPeriod, periodId);
  const none = (omitted: CorrectiveOmissionReason): CorrectiveDocuments => ({
    periodId,
    documents: [],
    omitted,
  });
  if (facts.payerType === 'individual') return none('individual');
  if (periodId === request.bookedInPeriod) return none('open-period');
  assertAccountIssuer(facts, issuer);

  const original = originalServicesDocument(request.issued, periodId);
  if (!original) return none('no-closing-documents');
  const originalInvoice = request.issued.find(
    (d): d is Numbered<VatInvoiceDocument> =>
      d.kind === 'vat-invoice' && d.basisDocumentId === original.documentId,
  );
  const context = vatContextFor(facts, profile);
  const policy: Policy = { actBasis: original.basis, eligibleChannels: profile.documents.eligibleChannels };
  const servicesKind: CorrectiveDocumentKind = original.kind === 'upd' ? 'ukd' : 'corrective-act';
  const previous = latestCorrective(request.issued, original.documentId, servicesKind);
  const beforeLines = previous ? previous.lines : original.lines;

  const rows = correctedRows(beforeLines, request.corrections, policy, context, facts.timeZone, periodId);
  if (rows.changed.length === 0) return none('no-effect');

  const latestAt = request.corrections.reduce((a, c) => (c.at > a ? c.at : a), request.corrections[0]!.at);
  const date = request.date ?? localDate(latestAt, facts.timeZone);
  const correctionIds = ids ? [...ids] : request.corrections.map((c) => c.correctionId);
  const key = correctionIds.join('+');
  const change = changeTotals(rows.changed, context.currency);
  const afterTotals = sumTotals(rows.after, context.currency);
  const payer = payerParty(facts, account.legalDetails, original.kind);
  const common = (kind: CorrectiveDocumentKind, corrects: DocumentReference, before?: DocumentReference) => ({
    kind,
    documentId: `${facts.accountId}/${periodId}/${kind}/${key}`,
    accountId: facts.accountId,
    periodId,
    date,
    currency: context.currency,
    vatJurisdiction: context.jurisdiction,
    issuer,
    payer,
    servicePeriod: { ...original.servicePeriod },
    delivery: facts.edm ? ('edm' as const) : ('post' as const),
    ...(original.agreement ? { agreement: { ...original.agreement } } : {}),
    basis: original.basis,
    corrects,
    ...(before ? { previous: before } : {}),
    correctionIds: [...correctionIds],
    grounds: [
      ...new Set(request.corrections.map((c) => (c.reference ? `${c.reason} (${c.reference})` : c.reason))),
    ],
    correctiveLines: rows.changed.map((row) => ({ ...row })),
    lines: rows.after.map((line) => ({ ...line })),
    totals: { ...afterTotals },
    change,
  });

  const services: CorrectiveDocument = {
    ...common(servicesKind, referenceTo(original), previous && referenceTo(previous)),
    ...(original.kind === 'upd' ? { status: original.status } : {}),
  };
  const documents: CorrectiveDocument[] = [services];
  // A status-1 UPD was the VAT invoice too, and so is its УКД; otherwise the VAT invoice gets its КСФ.
  if (originalInvoice) {
    const previousInvoice = latestCorrective(
      request.issued,
      originalInvoice.documentId,
      'corrective-vat-invoice',
    );
    documents.push({
      ...common(
        'corrective-vat-invoice',
        referenceTo(originalInvoice),
        previousInvoice && referenceTo(previousInvoice),
      ),
      basisDocumentId: services.documentId,
    });
  }
  return { periodId, documents };
}

/** The period's act or UPD as closed: the month-end one, else (only mid-period ones) the latest. */
function originalServicesDocument(
  issued: readonly Numbered<AccountDocument>[],
  periodId: string,
): ServicesDocument | undefined {
  const candidates = issued.filter(
    (d): d is ServicesDocument => (d.kind === 'act' || d.kind === 'upd') && d.periodId === periodId,
  );
  const monthEnd = candidates.find((d) => d.documentId === `${d.accountId}/${periodId}/${d.kind}`);
  return monthEnd ?? [...candidates].sort((a, b) => a.sequence - b.sequence).at(-1);
}

function latestCorrective(
  issued: readonly Numbered<AccountDocument>[],
  originalId: string,
  kind: CorrectiveDocumentKind,
): Numbered<CorrectiveDocument> | undefined {
  return issued
    .filter((d): d is Numbered<CorrectiveDocument> => d.kind === kind && d.corrects.documentId === originalId)
    .sort((a, b) => a.date.localeCompare(b.date) || a.sequence - b.sequence)
    .at(-1);
}

const referenceTo = (d: Numbered<AccountDocument>): DocumentReference => ({
  documentId: d.documentId,
  kind: d.kind,
  number: d.number,
  date: d.date,
});

const lineKey = (l: { service: string | null; category: string | null; sku?: string | undefined }) =>
  `${l.service ?? ''}|${l.category ?? ''}|${l.sku ?? ''}`;

/**
 * The line a correction changes: its service, category and SKU; a SKU the document printed only as its
 * service's line joins that line. Of one SKU's lines at several rates (split-by-day) the one whose days hold
 * the usage; else the last. None: the correction adds a new line.
 */
function lineFor(lines: readonly DocumentLine[], c: ChargeCorrection, timeZone: string): number {
  const exact = indexesWhere(lines, (l) => lineKey(l) === lineKey(c));
  const candidates =
    exact.length > 0
      ? exact
      : indexesWhere(
          lines,
          (l) => l.service === c.service && l.category === c.category && l.sku === undefined,
        );
  if (candidates.length === 0 && c.sku === undefined) {
    // An adjustment naming only its service changes that service's largest line (printed per SKU).
    const ofService = indexesWhere(lines, (l) => l.service === c.service && l.category === c.category);
    return ofService.reduce(
      (best, i) => (best < 0 || new Big(lines[i]!.gross).gt(lines[best]!.gross) ? i : best),
      -1,
    );
  }
  if (candidates.length <= 1) return candidates[0] ?? -1;
  const day = c.usage ? localDate(c.usage.windowStart, timeZone) : undefined;
  const holding = candidates.find(
    (i) =>
      day !== undefined && lines[i]!.servicePeriod.firstDay <= day && day <= lines[i]!.servicePeriod.lastDay,
  );
  return holding ?? candidates.at(-1)!;
}

function indexesWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number[] {
  return items.flatMap((item, index) => (predicate(item) ? [index] : []));
}

function correctedRows(
  beforeLines: readonly DocumentLine[],
  corrections: readonly ChargeCorrection[],
  policy: Policy,
  context: VatContext,
  timeZone: string,
  periodId: string,
): { changed: CorrectiveLine[]; after: DocumentLine[] } {
  const lines: DocumentLine[] = beforeLines.map((line) => ({ ...line }));
  // Charge-precision sums per line, rounded to minor units once (as a close rounds a service's total).
  const deltas = new Map<number, { amount: Big; quantity: Big }>();
  const fallbackRate = beforeLines.at(-1)?.vatRate ?? { kind: 'none' as const };
  const period = periodById(periodId, timeZone);
  for (const c of corrections) {
    const amount = documentedCorrection(c, policy);
    if (amount.eq(0)) continue;
    let index = lineFor(lines, c, timeZone);
    if (index < 0) {
      // Something the period's documents did not print (late usage of a new SKU): a line that was zero before.
      const zero = printed(Money.zero(context.currency));
      lines.push({
        description: c.sku !== undefined ? `${c.service}: ${c.sku}` : c.service,
        service: c.service,
        category: c.category,
        servicePeriod: { firstDay: period.firstDay, lastDay: period.lastDay },
        vatRate: { ...fallbackRate },
        net: zero,
        vat: zero,
        gross: zero,
        ...(c.sku !== undefined ? { sku: c.sku, ...(c.usage ? { quantity: '0' } : {}) } : {}),
      });
      index = lines.length - 1;
    }
    const delta = deltas.get(index) ?? { amount: new Big(0), quantity: new Big(0) };
    deltas.set(index, {
      amount: delta.amount.plus(amount),
      quantity: delta.quantity.plus(quantityChange(c)),
    });
  }
  const changed: CorrectiveLine[] = [];
  const after = lines.map((line, index) => {
    const delta = deltas.get(index);
    if (!delta) return line;
    const difference = toMinorUnits(delta.amount.toFixed(), context);
    if (difference.isZero()) return line;
    const beforeGross = Money.of(line.gross, context.currency);
    const gross = beforeGross.add(difference);
    if (gross.isNegative())
      throw new CorrectionBelowDocumentedError(periodId, line.description, line.gross, printed(difference));
    const amounts = vatOfGross(gross, line.vatRate, context.rounding);
    const quantity = line.quantity !== undefined ? new Big(line.quantity).plus(delta.quantity) : undefined;
    const afterLine: DocumentLine = {
      ...line,
      net: printed(amounts.net),
      vat: printed(amounts.vat),
      gross: printed(amounts.gross),
      ...(quantity !== undefined && quantity.gt(0)
        ? { quantity: quantity.toFixed(), unitPrice: unitPriceOf(printed(amounts.net), quantity.toFixed()) }
        : { quantity: undefined, unitPrice: undefined }),
    };
    const cleaned = withoutUndefined(afterLine);
    changed.push(correctiveLine(line, cleaned, context.currency));
    return cleaned;
  });
  // A new line that stayed zero is not a line of the document.
  return { changed, after: after.filter((line) => !Money.of(line.gross, context.currency).isZero()) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function amountsOf(line: DocumentLine): CorrectiveLineAmounts {
  return {
    net: line.net,
    vat: line.vat,
    gross: line.gross,
    ...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
    ...(line.unitPrice !== undefined ? { unitPrice: line.unitPrice } : {}),
  };
}

/** Rows В and Г: each column's difference on the side it falls (the form keeps increase and decrease apart). */
function correctiveLine(before: DocumentLine, after: DocumentLine, currency: Currency): CorrectiveLine {
  const side = (pick: (l: DocumentLine) => string, sign: 1 | -1) => {
    const diff = Money.of(pick(after), currency).subtract(Money.of(pick(before), currency));
    const signed = sign === 1 ? diff : diff.negate();
    return printed(signed.isPositive() ? signed : Money.zero(currency));
  };
  const quantityDiff =
    before.quantity !== undefined && after.quantity !== undefined
      ? new Big(after.quantity).minus(before.quantity)
      : undefined;
  const difference = (sign: 1 | -1): CorrectiveDifference => ({
    net: side((l) => l.net, sign),
    vat: side((l) => l.vat, sign),
    gross: side((l) => l.gross, sign),
    ...(quantityDiff !== undefined && quantityDiff.times(sign).gt(0)
      ? { quantity: quantityDiff.times(sign).toFixed() }
      : {}),
  });
  return {
    description: before.description,
    service: before.service,
    category: before.category,
    ...(before.sku !== undefined ? { sku: before.sku } : {}),
    servicePeriod: { ...before.servicePeriod },
    vatRate: { ...before.vatRate },
    before: amountsOf(before),
    after: amountsOf(after),
    increase: difference(1),
    decrease: difference(-1),
  };
}

function sumTotals(items: readonly DocumentTotals[], currency: Currency): DocumentTotals {
  const sum = (pick: (t: DocumentTotals) => string) =>
    printed(items.reduce((acc, t) => acc.add(Money.of(pick(t), currency)), Money.zero(currency)));
  return { net: sum((t) => t.net), vat: sum((t) => t.vat), gross: sum((t) => t.gross) };
}

function changeTotals(rows: readonly CorrectiveLine[], currency: Currency): CorrectiveDocument['change'] {
  const increase = sumTotals(
    rows.map((r) => r.increase),
    currency,
  );
  const decrease = sumTotals(
    rows.map((r) => r.decrease),
    currency,
  );
  const minus = (pick: (t: DocumentTotals) => string) =>
    printed(Money.of(pick(increase), currency).subtract(Money.of(pick(decrease), currency)));
  return {
    increase,
    decrease,
    difference: { net: minus((t) => t.net), vat: minus((t) => t.vat), gross: minus((t) => t.gross) },
  };
}
