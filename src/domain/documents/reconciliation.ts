/**
 * Reconciliation report (акт сверки, rules §9), on request for any date range, from the provider's side:
 * debit = documents that confirm services (acts, UPDs), credit = payments through the channels the
 * profile lists. VAT invoices repeat their act and bills are not accounting documents, so neither is a
 * line; card top-ups are excluded where the profile says so. Money returned to the customer (a refund part,
 * on the day the gateway completed it) is a debit: it reduces the customer's advance like a document; a refund
 * to a channel the profile leaves out is left out with its payments. Balance = debit − credit: positive, the
 * customer owes the provider; negative, the provider owes the customer (an unused prepayment).
 */
import type { LedgerEventOf } from '../ledger/ledger-events.js';
import type { RefundPart } from '../ledger/refund-state.js';
import type { DocumentKind, PaymentChannel } from '../policies/policy-profile.js';
import { epochDayOf, type LocalDate } from '../shared/calendar.js';
import { DomainError, describeValue } from '../shared/errors.js';
import { Money, assertInMinorUnits, type Currency } from '../shared/money.js';
import { localDate } from '../shared/reporting-period.js';
import { printed } from './document-lines.js';
import type { AccountDocument, DocumentParty, Numbered } from './document-types.js';
import { isCorrectiveDocument, type CorrectiveDocumentKind } from './corrective-documents.js';

/** What a document entry can be: a period's document or a corrective one (issue 14). */
export type ReconciliationDocumentKind = DocumentKind | CorrectiveDocumentKind;

/**
 * Document kinds that confirm services rendered, i.e. the debit side; a corrective act or УКД changes what
 * was confirmed (its КСФ, like a VAT invoice, repeats it).
 */
export const SERVICE_CONFIRMING_KINDS: readonly ReconciliationDocumentKind[] = [
  'act',
  'upd',
  'corrective-act',
  'ukd',
];

export type ReconciliationEntry =
  | {
      readonly type: 'document';
      readonly date: LocalDate;
      readonly documentId: string;
      readonly kind: ReconciliationDocumentKind;
      readonly number?: string;
      /** The document's gross total, in minor units (a corrective document: its increase). */
      readonly amount: string;
      /** A corrective document's decrease (minor units): it reduces what the customer owes (credit). */
      readonly decrease?: string;
    }
  | {
      readonly type: 'payment';
      readonly date: LocalDate;
      readonly paymentId: string;
      readonly channel: PaymentChannel;
      readonly amount: string;
    }
  | {
      /** One part of a refund, completed on `date`: money returned by the payment's channel (debit). */
      readonly type: 'refund';
      readonly date: LocalDate;
      readonly refundId: string;
      readonly paymentId: string;
      readonly channel: PaymentChannel;
      readonly amount: string;
    };

export interface ReconciliationRequest {
  readonly accountId: string;
  readonly currency: Currency;
  /** Both inclusive, local dates in the account's time zone. */
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** Settlement balance at the start of `from`: > 0 the customer owes, < 0 the provider owes. */
  readonly openingBalance: string;
  /** Every entry must be dated inside the range. */
  readonly entries: readonly ReconciliationEntry[];
  /** The profile's document-eligible payment channels (`profile.documents.eligibleChannels`). */
  readonly eligibleChannels: readonly PaymentChannel[];
  readonly provider?: DocumentParty;
  readonly customer?: DocumentParty;
}

/** One side or the other, as the report's columns print it; the other side is '0.00'. */
export interface DebitCredit {
  readonly debit: string;
  readonly credit: string;
}

export interface ReconciliationLine extends DebitCredit {
  readonly date: LocalDate;
  readonly entryType: 'document' | 'payment' | 'refund';
  readonly description: string;
  /** Document number (or id when unnumbered), payment id, or `<refund id>/<payment id>` of a refund part. */
  readonly reference: string;
}

export type ExclusionReason = 'channel-not-eligible' | 'not-a-services-document';

export interface ReconciliationReport {
  readonly accountId: string;
  readonly currency: Currency;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly provider: DocumentParty | null;
  readonly customer: DocumentParty | null;
  readonly opening: DebitCredit;
  /** Date order; entries of one date keep their input order. */
  readonly lines: ReconciliationLine[];
  /** Turnover of the range: sums of the lines. */
  readonly turnover: DebitCredit;
  readonly closing: DebitCredit;
  /** Closing balance, signed: opening + debit turnover − credit turnover. */
  readonly closingBalance: string;
  /** Who owes whom at the end of the range. */
  readonly owedBy: 'customer' | 'provider' | 'nobody';
  readonly owedAmount: string;
  readonly excluded: Array<{ readonly reference: string; readonly reason: ExclusionReason }>;
}

export class ReconciliationRangeError extends DomainError {
  override readonly name = 'ReconciliationRangeError';
  readonly code = 'RECONCILIATION_RANGE_INVALID';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`range: from ${from} is after to ${to}`);
  }
}

export class ReconciliationEntryOutOfRangeError extends DomainError {
  override readonly name = 'ReconciliationEntryOutOfRangeError';
  readonly code = 'RECONCILIATION_ENTRY_OUT_OF_RANGE';
  constructor(
    readonly reference: string,
    readonly date: string,
  ) {
    super(
      `entry ${reference} dated ${date} is outside the range; fold earlier entries into the opening balance`,
    );
  }
}

export class ReconciliationAmountError extends DomainError {
  override readonly name = 'ReconciliationAmountError';
  readonly code = 'RECONCILIATION_AMOUNT_NEGATIVE';
  constructor(
    readonly reference: string,
    readonly amount: unknown,
  ) {
    super(`entry ${reference}: amount ${describeValue(amount)} must not be negative`);
  }
}

export function reconcile(request: ReconciliationRequest): ReconciliationReport {
  const { currency, from, to } = request;
  epochDayOf(from, 'from');
  epochDayOf(to, 'to');
  if (from > to) throw new ReconciliationRangeError(from, to);
  const opening = Money.of(request.openingBalance, currency);
  assertInMinorUnits(opening, 'openingBalance');

  const excluded: ReconciliationReport['excluded'] = [];
  const counted: Array<{ line: ReconciliationLine; index: number }> = [];
  const zero = Money.zero(currency);
  let debit = zero;
  let credit = zero;
  request.entries.forEach((entry, index) => {
    const reference = referenceOf(entry);
    epochDayOf(entry.date, `date of ${reference}`);
    if (entry.date < from || entry.date > to)
      throw new ReconciliationEntryOutOfRangeError(reference, entry.date);
    const amount = Money.of(entry.amount, currency);
    assertInMinorUnits(amount, `amount of ${reference}`);
    if (amount.isNegative()) throw new ReconciliationAmountError(reference, entry.amount);

    if (entry.type === 'document') {
      if (!SERVICE_CONFIRMING_KINDS.includes(entry.kind)) {
        excluded.push({ reference, reason: 'not-a-services-document' });
        return;
      }
      const decrease = Money.of(entry.decrease ?? '0', currency);
      assertInMinorUnits(decrease, `decrease of ${reference}`);
      if (decrease.isNegative()) throw new ReconciliationAmountError(reference, entry.decrease);
      debit = debit.add(amount);
      credit = credit.add(decrease);
      counted.push({
        index,
        line: {
          date: entry.date,
          entryType: 'document',
          description: `${DOCUMENT_TITLES[entry.kind]} ${reference}`,
          reference,
          debit: printed(amount),
          credit: printed(decrease),
        },
      });
    } else if (entry.type === 'refund') {
      // The payment it returns was left out: so is its return (both sides of the same money).
      if (!request.eligibleChannels.includes(entry.channel)) {
        excluded.push({ reference, reason: 'channel-not-eligible' });
        return;
      }
      debit = debit.add(amount);
      counted.push({
        index,
        line: {
          date: entry.date,
          entryType: 'refund',
          description: `Refund ${reference} (${entry.channel})`,
          reference,
          debit: printed(amount),
          credit: printed(zero),
        },
      });
    } else {
      if (!request.eligibleChannels.includes(entry.channel)) {
        excluded.push({ reference, reason: 'channel-not-eligible' });
        return;
      }
      credit = credit.add(amount);
      counted.push({
        index,
        line: {
          date: entry.date,
          entryType: 'payment',
          description: `Payment ${reference} (${entry.channel})`,
          reference,
          debit: printed(zero),
          credit: printed(amount),
        },
      });
    }
  });

  const lines = counted
    .sort((a, b) => (a.line.date < b.line.date ? -1 : a.line.date > b.line.date ? 1 : a.index - b.index))
    .map(({ line }) => line);
  const closing = opening.add(debit).subtract(credit);
  return {
    accountId: request.accountId,
    currency,
    from,
    to,
    provider: request.provider ?? null,
    customer: request.customer ?? null,
    opening: sides(opening),
    lines,
    turnover: { debit: printed(debit), credit: printed(credit) },
    closing: sides(closing),
    closingBalance: printed(closing),
    owedBy: closing.isPositive() ? 'customer' : closing.isNegative() ? 'provider' : 'nobody',
    owedAmount: printed(closing.abs()),
    excluded,
  };
}

/**
 * A numbered document as a reconciliation entry (its gross total). A corrective document is its change: the
 * increase adds to what the customer owes (debit), the decrease reduces it (credit) — one row, both sides.
 */
export function documentEntry(document: Numbered<AccountDocument>): ReconciliationEntry {
  if (isCorrectiveDocument(document))
    return {
      type: 'document',
      date: document.date,
      documentId: document.documentId,
      kind: document.kind,
      number: document.number,
      amount: document.change.increase.gross,
      decrease: document.change.decrease.gross,
    };
  return {
    type: 'document',
    date: document.date,
    documentId: document.documentId,
    kind: document.kind,
    number: document.number,
    amount: document.totals.gross,
  };
}

/** A ledger deposit as a reconciliation entry, dated by its local day in the account's time zone. */
export function paymentEntry(
  deposit: LedgerEventOf<'FundsDeposited'>['data'],
  timeZone: string,
): ReconciliationEntry {
  return {
    type: 'payment',
    date: localDate(deposit.at, timeZone),
    paymentId: deposit.paymentId,
    channel: deposit.channel,
    amount: deposit.amount,
  };
}

/** The ledger's refund events an account's report reads, in the log's order (across its periods). */
export type RefundEvent = LedgerEventOf<'RefundRequested'> | LedgerEventOf<'RefundCompleted'>;

/**
 * Completed refund parts as reconciliation entries, each dated by the local day its RefundCompleted was
 * booked: the money leaves the customer's advance then (an accountant books the payout when it is made); a
 * part requested and not yet answered, or failed (its money back on the balance), is no entry. A
 * RefundCompleted without `paymentId` completes every part still pending, as the ledger evolves it.
 */
export function refundEntries(events: readonly RefundEvent[], timeZone: string): ReconciliationEntry[] {
  const pending = new Map<string, Map<string, RefundPart>>();
  const entries: ReconciliationEntry[] = [];
  for (const event of events) {
    if (event.type === 'RefundRequested') {
      pending.set(event.data.refundId, new Map(event.data.parts.map((p) => [p.paymentId, p])));
      continue;
    }
    const { refundId, paymentId, at } = event.data;
    const parts = pending.get(refundId);
    if (!parts) continue;
    for (const part of [...parts.values()]) {
      if (paymentId !== undefined && part.paymentId !== paymentId) continue;
      parts.delete(part.paymentId);
      entries.push({
        type: 'refund',
        date: localDate(at, timeZone),
        refundId,
        paymentId: part.paymentId,
        channel: part.channel,
        amount: part.amount,
      });
    }
  }
  return entries;
}

const DOCUMENT_TITLES: Readonly<Record<ReconciliationDocumentKind, string>> = {
  'corrective-act': 'Corrective act',
  ukd: 'UKD',
  'corrective-vat-invoice': 'Corrective VAT invoice',
  act: 'Act',
  upd: 'UPD',
  'vat-invoice': 'VAT invoice',
  'advance-vat-invoice': 'Advance VAT invoice',
  bill: 'Bill',
};

export function referenceOf(entry: ReconciliationEntry): string {
  if (entry.type === 'document') return entry.number ?? entry.documentId;
  return entry.type === 'refund' ? `${entry.refundId}/${entry.paymentId}` : entry.paymentId;
}

/** A signed balance in the report's two columns: debit when > 0, credit when < 0. */
function sides(balance: Money): DebitCredit {
  const zero = printed(Money.zero(balance.currency));
  if (balance.isPositive()) return { debit: printed(balance), credit: zero };
  if (balance.isNegative()) return { debit: zero, credit: printed(balance.abs()) };
  return { debit: zero, credit: zero };
}
