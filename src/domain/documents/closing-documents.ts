/**
 * Closing documents of a reporting period (rules §9): which documents a legal entity receives for a
 * closed period and what they say. All are dated the period's last day in the account's time zone.
 *
 * - closing 'act-and-vat-invoice': act + VAT invoice (the invoice for residents only);
 * - closing 'upd-status-1': one UPD that is also the VAT invoice (non-residents, who get no VAT invoice,
 *   get status 2 instead);
 * - closing 'upd-status-2': a UPD that is a transfer document only, so residents also get a VAT invoice;
 * - advance VAT invoice (RU residents, when the profile asks): document-eligible deposits of the period
 *   minus what the act or UPD confirmed, if > 0.
 *
 * The act's basis is a policy: the amount spent from the personal account (grants excluded, the
 * default) or all consumption. Consumption paid only by grants gives no act, no UPD and no VAT invoice.
 * Spending paid with money from channels that do not count in documents (`documents.eligibleChannels`:
 * the first provider's card top-ups) is left out on either basis, as those payments are.
 * Individuals get no accounting documents.
 */
import Big from 'big.js';
import type { PaymentChannel } from '../policies/policy-profile.js';
import { countsInDocuments, excludedFromDocuments } from '../ledger/funding.js';
import { CREDIT_LIMIT_EXHAUSTED } from '../ledger/ledger-commands.js';
import type { LedgerEventOf, ServiceTotals, SkuTotals } from '../ledger/ledger-events.js';
import {
  carriedState,
  projectTotals,
  serviceTotals,
  skuTotals,
  withProjects,
  type LedgerState,
} from '../ledger/ledger-state.js';
import type { DocumentKind, PolicyProfile } from '../policies/policy-profile.js';
import { Money } from '../shared/money.js';
import type { LocalDate } from '../shared/calendar.js';
import { periodById } from '../shared/reporting-period.js';
import { VAT_SCHEDULE, type VatSchedule } from '../shared/vat.js';
import {
  assertAccountIssuer,
  linesWithVat,
  payerParty,
  printed,
  serviceLines,
  toMinorUnits,
  vatContextFor,
  type LinesAndTotals,
  type SkuAmount,
} from './document-lines.js';
import type {
  ActDocument,
  AdvanceVatInvoiceDocument,
  ClosingDocument,
  DocumentAccount,
  DocumentParty,
  PaymentDocumentReference,
  IssuerDetails,
  ServicePeriodDays,
  UpdDocument,
  VatInvoiceDocument,
} from './document-types.js';

type PeriodClosedData = LedgerEventOf<'PeriodClosed'>['data'];

export type ClosingDocumentKind = Exclude<DocumentKind, 'bill'>;

export type OmissionReason =
  /** Individuals get no accounting documents. */
  | 'individual'
  /** Only residents get VAT invoices (and advance VAT invoices). */
  | 'non-resident'
  /** Advance VAT invoices are a Russian requirement. */
  | 'outside-russia'
  /** Everything consumed was paid by grants: nothing to confirm on the act basis. */
  | 'grant-only-consumption'
  /** What was spent was paid with money from channels that do not count in documents (card top-ups). */
  | 'paid-through-excluded-channels'
  | 'no-consumption'
  /** Eligible deposits did not exceed what the services confirmed. */
  | 'no-unconfirmed-advance'
  /** Every service of the period was already confirmed by mid-period documents. */
  | 'documented-mid-period'
  /** Advance VAT invoices are a period-end document. */
  | 'mid-period';

export interface ClosingDocumentsRequest {
  readonly closed: PeriodClosedData;
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: PolicyProfile;
  readonly vatSchedule?: VatSchedule;
  /**
   * Documents formed mid-period, when the credit limit ran out (rules §7, seed 003 credit branch 4.2): dated
   * the bill's day, for the services up to it. `closed` then carries the period so far.
   */
  readonly midPeriod?: { readonly issuedOn: LocalDate; readonly billId: string };
  /**
   * Closing documents already issued for this period mid-period: what their lines confirmed is not
   * confirmed again (per service, in minor units), so no service is counted twice within a period.
   */
  readonly alreadyDocumented?: readonly ClosingDocument[];
  /**
   * The period's document-eligible payments (payment id as the payment document's number, and its local
   * date): the advance VAT invoice names them (Tax Code art. 169 p. 5.1).
   */
  readonly paymentDocuments?: readonly PaymentDocumentReference[];
}

export interface ClosingDocuments {
  readonly periodId: string;
  /** In issue order: the services document first, then its VAT invoice, then the advance VAT invoice. */
  readonly documents: ClosingDocument[];
  /** Documents the profile calls for that this period does not get, and why. */
  readonly omitted: Array<{ readonly kind: ClosingDocumentKind; readonly reason: OmissionReason }>;
  /**
   * Services the period's mid-period documents confirmed more of than the period's total (a give-back after
   * them): the month-end documents confirm zero for them, and the excess (minor units, > 0) is for a
   * corrective document of the latest mid-period document (overConfirmedCorrectiveDocumentsFor).
   */
  readonly overConfirmed?: OverConfirmed[];
}

/** What mid-period documents confirmed of a service beyond the period's total, in minor units (> 0). */
export interface OverConfirmed {
  readonly service: string;
  readonly category: string;
  readonly amount: string;
}

/**
 * The period so far as a PeriodClosed would record it: the basis of the closing documents formed
 * mid-period when the credit limit runs out, from the ledger state just before that BillIssued.
 */
export function periodSoFar(state: LedgerState): PeriodClosedData {
  return {
    periodId: state.periodId,
    closedAt: state.endsAt,
    openingBalance: state.openingBalance.toFixed(),
    closingBalance: state.balance.toFixed(),
    deposits: state.deposits.toFixed(),
    documentEligibleDeposits: state.documentEligibleDeposits.toFixed(),
    grantsUsed: state.grantsUsed.toFixed(),
    grantsExpired: state.grantsExpired.toFixed(),
    consumption: state.consumption.toFixed(),
    spentFromBalance: state.consumption.minus(state.grantsUsed).toFixed(),
    penalties: state.penalties.toFixed(),
    byService: serviceTotals(state),
    bySku: skuTotals(state),
    ...withProjects(projectTotals(state)),
    carried: carriedState(state),
  };
}

/** Mid-period closing documents are formed for a bill raised because the credit limit ran out. */
export const formsMidPeriodClosingDocuments = (bill: { kind: string; reason: string }): boolean =>
  bill.kind === 'mid-period' && bill.reason === CREDIT_LIMIT_EXHAUSTED;

/** The closing documents of a closed period, unnumbered. */
export function closingDocumentsFor(request: ClosingDocumentsRequest): ClosingDocuments {
  const { closed, account, issuer, profile } = request;
  const facts = account.facts;
  assertAccountIssuer(facts, issuer);
  const context = vatContextFor(facts, profile, request.vatSchedule ?? VAT_SCHEDULE);
  // The document set follows the issuer's jurisdiction (§9): the UPD is a Russian form, so a Kazakh issuer
  // confirms services with an act of completed works (АВР) and its invoice, whatever the profile says.
  const policy: PolicyProfile['documents'] =
    context.jurisdiction === 'KZ' && profile.documents.closing !== 'act-and-vat-invoice'
      ? { ...profile.documents, closing: 'act-and-vat-invoice' }
      : profile.documents;
  const resident = context.jurisdiction !== 'non-resident';
  const period = periodById(closed.periodId, facts.timeZone);
  const midPeriod = request.midPeriod;
  const servicePeriod: ServicePeriodDays = {
    firstDay: period.firstDay,
    // A closed account's final period (issue 14, item 5) ends on the closure day: its documents are dated then.
    lastDay: midPeriod ? midPeriod.issuedOn : (closed.finalDay ?? period.lastDay),
  };
  const earlier = (request.alreadyDocumented ?? []).filter(
    (d) => d.periodId === closed.periodId && (d.kind === 'act' || d.kind === 'upd'),
  );

  const planned = plannedKinds(policy);
  const omitted: ClosingDocuments['omitted'] = [];
  const documents: ClosingDocument[] = [];
  if (facts.payerType === 'individual') {
    return {
      periodId: closed.periodId,
      documents,
      omitted: planned.map((kind) => ({ kind, reason: 'individual' })),
    };
  }

  let excludedSpending = Money.zero(context.currency);
  const overConfirmed: OverConfirmed[] = [];
  const documentAmount = (s: Pick<ServiceTotals, 'consumption' | 'fromBalance' | 'fromBalanceBy'>) =>
    documentedAmount(s, policy);
  const services = serviceLines(
    closed.byService.map((s) => {
      const excluded = excludedFromDocuments(s.fromBalanceBy, policy.eligibleChannels);
      excludedSpending = excludedSpending.add(Money.of(excluded.toFixed(), context.currency));
      const amount = documentAmount(s);
      const skus = skuAmounts(s.service, amount, closed.bySku, documentAmount, earlier);
      const withSkus = skus ? { skus } : {};
      if (earlier.length === 0) {
        return { service: s.service, category: s.category, amount: amount.toFixed(), ...withSkus };
      }
      // What is left to confirm: the service's total in minor units less what earlier documents confirmed.
      const confirmedBefore = earlier
        .flatMap((d) => d.lines)
        .filter((line) => line.service === s.service && line.category === s.category)
        .reduce((sum, line) => sum.add(Money.of(line.gross, context.currency)), Money.zero(context.currency));
      const left = toMinorUnits(amount.toFixed(), context).subtract(confirmedBefore);
      // A give-back after the mid-period documents: the month-end act confirms nothing more of the service
      // (never a negative line); the excess is taken back by a corrective document of the mid-period one.
      if (left.isNegative()) {
        overConfirmed.push({ service: s.service, category: s.category, amount: printed(left.negate()) });
        return { service: s.service, category: s.category, amount: '0' };
      }
      return { service: s.service, category: s.category, amount: printed(left), ...withSkus };
    }),
    servicePeriod,
    context,
  );
  const common = (kind: ClosingDocumentKind) => ({
    documentId: midPeriod
      ? `${facts.accountId}/${closed.periodId}/${kind}-mid/${midPeriod.billId}`
      : `${facts.accountId}/${closed.periodId}/${kind}`,
    accountId: facts.accountId,
    periodId: closed.periodId,
    date: servicePeriod.lastDay,
    currency: context.currency,
    vatJurisdiction: context.jurisdiction,
    issuer,
    payer: payer(kind),
    servicePeriod,
    delivery: facts.edm ? ('edm' as const) : ('post' as const),
    // The basis the forms print: the registered agreement under an individual contract, else the offer.
    ...(facts.agreement && facts.contract === 'individual-contract'
      ? { agreement: { ...facts.agreement } }
      : {}),
  });
  // Resolved lazily: a legal entity with nothing to document needs no requisites.
  let payerDetails: DocumentParty | undefined;
  function payer(kind: ClosingDocumentKind): DocumentParty {
    payerDetails ??= payerParty(facts, account.legalDetails, kind);
    return payerDetails;
  }

  // Nothing to confirm: either grants paid for everything, or there was nothing (in minor units) at all.
  const noServices: OmissionReason =
    earlier.length > 0
      ? 'documented-mid-period'
      : !toMinorUnits(closed.consumption, context).isPositive()
        ? 'no-consumption'
        : excludedSpending.isPositive()
          ? 'paid-through-excluded-channels'
          : 'grant-only-consumption';
  const hasServices = services.lines.length > 0;
  // Services confirmed mid-period were confirmed in this period too (the advance is what is left over).
  let confirmed = earlier.reduce(
    (sum, d) => sum.add(Money.of(d.totals.gross, context.currency)),
    Money.zero(context.currency),
  );
  // What the corrective document takes back of the mid-period documents was not confirmed after all.
  for (const o of overConfirmed) confirmed = confirmed.subtract(Money.of(o.amount, context.currency));

  if (policy.closing === 'act-and-vat-invoice') {
    if (hasServices) {
      const act: ActDocument = {
        kind: 'act',
        ...common('act'),
        basis: policy.actBasis,
        ...linesOf(services),
        // The appendix after the legal lines (issue 15); the lines stay per SKU or service.
        ...(closed.byProject ? { byProject: closed.byProject.map((p) => ({ ...p })) } : {}),
      };
      documents.push(act);
      confirmed = confirmed.add(Money.of(act.totals.gross, context.currency));
      if (resident) documents.push(vatInvoice(common('vat-invoice'), act.documentId, services));
      else omitted.push({ kind: 'vat-invoice', reason: 'non-resident' });
    } else {
      omitted.push({ kind: 'act', reason: noServices }, { kind: 'vat-invoice', reason: noServices });
    }
  } else if (policy.closing === 'upd-status-1' || policy.closing === 'upd-status-2') {
    // A status-1 UPD is a VAT invoice as well; non-residents get no VAT invoice, hence status 2.
    const status = policy.closing === 'upd-status-1' && resident ? 1 : 2;
    const separateInvoice = policy.closing === 'upd-status-2';
    if (hasServices) {
      const upd: UpdDocument = {
        kind: 'upd',
        ...common('upd'),
        status,
        basis: policy.actBasis,
        ...linesOf(services),
      };
      documents.push(upd);
      confirmed = confirmed.add(Money.of(upd.totals.gross, context.currency));
      if (separateInvoice && resident) {
        documents.push(vatInvoice(common('vat-invoice'), upd.documentId, services));
      } else if (separateInvoice) {
        omitted.push({ kind: 'vat-invoice', reason: 'non-resident' });
      }
    } else {
      omitted.push({ kind: 'upd', reason: noServices });
      if (separateInvoice) omitted.push({ kind: 'vat-invoice', reason: noServices });
    }
  }

  if (policy.advanceVatInvoice && midPeriod) {
    omitted.push({ kind: 'advance-vat-invoice', reason: 'mid-period' });
  } else if (policy.advanceVatInvoice) {
    // §9: min(eligible deposits, max(0, closing balance)) — the advance still unused at the period's end out
    // of this period's eligible deposits: money that repaid an earlier debt is no advance, and a prepayment
    // carried in was invoiced in its own period. Of the closing balance only the unspent money from channels
    // that count in documents is an advance (card money left over is not, §9 first provider).
    const eligible = toMinorUnits(closed.documentEligibleDeposits, context);
    const closing = toMinorUnits(closed.closingBalance, context);
    const unused = toMinorUnits(unspentCountingInDocuments(closed, policy.eligibleChannels), context);
    const advance = eligible.compare(unused) < 0 ? eligible : unused;
    if (context.jurisdiction === 'non-resident') {
      omitted.push({ kind: 'advance-vat-invoice', reason: 'non-resident' });
    } else if (context.jurisdiction !== 'RU') {
      omitted.push({ kind: 'advance-vat-invoice', reason: 'outside-russia' });
    } else if (!advance.isPositive()) {
      omitted.push({ kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' });
    } else {
      // One rate for a prepayment: the rate in force on the document date, whatever the split policy.
      const advanceLines = linesWithVat(
        [
          {
            description: 'Advance payment for cloud services',
            service: null,
            category: null,
            gross: advance,
          },
        ],
        servicePeriod,
        { ...context, rateChangePolicy: 'act-date' },
      );
      const invoice: AdvanceVatInvoiceDocument = {
        kind: 'advance-vat-invoice',
        ...common('advance-vat-invoice'),
        eligibleDeposits: printed(eligible),
        confirmedByServices: printed(confirmed),
        closingBalance: printed(closing),
        ...(request.paymentDocuments?.length
          ? { paymentDocuments: request.paymentDocuments.map((p) => ({ ...p })) }
          : {}),
        ...linesOf(advanceLines),
      };
      documents.push(invoice);
    }
  }

  return {
    periodId: closed.periodId,
    documents,
    omitted,
    ...(overConfirmed.length > 0 ? { overConfirmed } : {}),
  };
}

/**
 * What documents confirm of a service or a SKU: its basis (what the balance paid, or all consumption) less
 * the spending paid through channels that do not count in documents. The derivation (derivation.ts) uses it too.
 */
export function documentedAmount(
  s: Pick<ServiceTotals, 'consumption' | 'fromBalance' | 'fromBalanceBy'>,
  policy: Pick<PolicyProfile['documents'], 'actBasis' | 'eligibleChannels'>,
): Big {
  return new Big(policy.actBasis === 'spent-from-balance' ? s.fromBalance : s.consumption).minus(
    excludedFromDocuments(s.fromBalanceBy, policy.eligibleChannels),
  );
}

/**
 * A service's SKUs for per-SKU lines (issue 13), or null for one line per service: a close recorded before
 * SKUs were (no bySku), or SKU amounts that do not add up to the service's (never expected; the money
 * follows the service). After documents issued mid-period in the period, each SKU confirms what is left of
 * it — its amount and quantity less those of the earlier lines for the same SKU; an earlier line without a
 * SKU, or a SKU whose rest is negative (a give-back after them), leaves nothing to split by: one line.
 */
function skuAmounts(
  service: string,
  amount: Big,
  bySku: readonly SkuTotals[] | undefined,
  documentAmount: (s: SkuTotals) => Big,
  earlier: readonly ClosingDocument[],
): SkuAmount[] | null {
  const skus = (bySku ?? []).filter((s) => s.service === service);
  if (skus.length === 0) return null;
  const amounts = skus.map(documentAmount);
  if (!amounts.reduce((sum, a) => sum.plus(a), new Big(0)).eq(amount)) return null;
  const earlierLines = earlier.flatMap((d) => d.lines).filter((line) => line.service === service);
  if (earlierLines.some((line) => line.sku === undefined)) return null;
  const rests = skus.map((s, index) => {
    const before = earlierLines.filter((line) => line.sku === s.sku);
    const quantityKnown = before.every((line) => line.quantity !== undefined);
    const quantity = before.reduce((rest, line) => rest.minus(line.quantity ?? '0'), new Big(s.quantity));
    return {
      sku: s.sku,
      amount: before.reduce((rest, line) => rest.minus(line.gross), amounts[index]!).toFixed(),
      ...(quantityKnown && quantity.gt(0) ? { quantity: quantity.toFixed() } : {}),
    };
  });
  // A SKU given back below what mid-period documents confirmed of it has no rest to split by: one line.
  return earlierLines.length > 0 && rests.some((r) => new Big(r.amount).lt(0)) ? null : rests;
}

/**
 * The closing balance above zero made of money that counts in documents: the unspent deposits carried out of
 * the period by source (FIFO); a close from before sources were tracked counts the whole positive balance.
 */
function unspentCountingInDocuments(
  closed: PeriodClosedData,
  eligibleChannels: readonly PaymentChannel[],
): string {
  const funding = closed.carried.funding;
  if (!funding) {
    const closing = new Big(closed.closingBalance);
    return closing.gt(0) ? closing.toFixed() : '0';
  }
  return funding
    .filter((part) => countsInDocuments(part.source, eligibleChannels))
    .reduce((sum, part) => sum.plus(part.amount), new Big(0))
    .toFixed();
}

function plannedKinds(policy: PolicyProfile['documents']): ClosingDocumentKind[] {
  const kinds: ClosingDocumentKind[] = [];
  if (policy.closing === 'act-and-vat-invoice') kinds.push('act', 'vat-invoice');
  if (policy.closing === 'upd-status-1') kinds.push('upd');
  if (policy.closing === 'upd-status-2') kinds.push('upd', 'vat-invoice');
  if (policy.advanceVatInvoice) kinds.push('advance-vat-invoice');
  return kinds;
}

function vatInvoice(
  common: Omit<VatInvoiceDocument, 'kind' | 'basisDocumentId' | 'lines' | 'totals'>,
  basisDocumentId: string,
  services: LinesAndTotals,
): VatInvoiceDocument {
  return { kind: 'vat-invoice', ...common, basisDocumentId, ...linesOf(services) };
}

/** Each document gets its own copy of the lines: documents are independent values. */
function linesOf(source: LinesAndTotals): Pick<ActDocument, 'lines' | 'totals'> {
  return {
    lines: source.lines.map((line) => ({ ...line, vatRate: { ...line.vatRate } })),
    totals: { ...source.totals },
  };
}
