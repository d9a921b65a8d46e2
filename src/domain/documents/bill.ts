/**
 * The bill for payment (rules §8, seed 004): issued at the start of the next period, or mid-period when
 * a credit limit runs out, for
 *
 *   to pay = consumption − (opening balance + deposits during the period + grants used)
 *            − unpaid bills already issued for the same debt + late-payment penalties
 *
 * and only when that is > 0 and the profile issues bills. Every component is printed in minor units and
 * the document's arithmetic is exact on the printed figures.
 */
import { paymentMethodOf } from '../account/account-events.js';
import { billsBankTransferPayer } from '../ledger/ledger-commands.js';
import type { LedgerEventOf, OpenBill, ProjectTotals, ServiceTotals } from '../ledger/ledger-events.js';
import {
  outstandingBills,
  projectTotals,
  serviceTotals,
  withProjects,
  type LedgerState,
} from '../ledger/ledger-state.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { addCalendarDays, daysBetween, epochDayOf, type LocalDate } from '../shared/calendar.js';
import { Decimal, toPlainString } from '../shared/decimal.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { periodById } from '../shared/reporting-period.js';
import { VAT_SCHEDULE, vatOfGross, vatRateOn, type VatRate, type VatSchedule } from '../shared/vat.js';
import {
  assertAccountIssuer,
  partyOf,
  printed,
  serviceLines,
  toMinorUnits,
  vatContextFor,
} from './document-lines.js';
import type {
  BillDocument,
  ContractAgreement,
  DocumentAccount,
  IssuerDetails,
  NonResidentBillTerms,
  ServicePeriodDays,
} from './document-types.js';

type PeriodClosedData = LedgerEventOf<'PeriodClosed'>['data'];

/** The ledger figures a bill is computed from; PeriodClosed.data is one. Decimal strings. */
export interface BillBasis {
  readonly openingBalance: string;
  readonly deposits: string;
  readonly grantsUsed: string;
  /**
   * Per service; the bill's lines and its consumption figure come from here. A bill's lines stay per service
   * (rules §8) even when the close recorded SKUs: the accounting documents carry the per-SKU detail.
   */
  readonly byService: readonly Pick<ServiceTotals, 'service' | 'category' | 'consumption'>[];
  /** Late-payment penalties charged in the period: debt, though not a service. */
  readonly penalties?: string;
  /** A closed account's final period (issue 14, item 5): the closure day ends its service period. */
  readonly finalDay?: string;
  /** Per project (PeriodClosed.byProject): the bill's "by project" appendix; absent: none. */
  readonly byProject?: readonly ProjectTotals[];
}

interface BillRequestBase {
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: PolicyProfile;
  readonly periodId: string;
  readonly basis: BillBasis;
  /**
   * Unpaid remainder of bills issued earlier for debt this bill would otherwise count again (a mid-period
   * bill, the previous period's bill behind a negative opening balance). Default '0'.
   */
  readonly alreadyBilled?: string;
  /** Non-residents: the individual contract the bill refers to (required for them). */
  readonly agreement?: ContractAgreement;
  /** The ledger's BillIssued id, when the bill renders one. */
  readonly ledgerBillId?: string;
  /** Overrides the profile's due date (e.g. the ledger's BillIssued.dueDate, or a contract's term). */
  readonly dueDate?: LocalDate;
  readonly vatSchedule?: VatSchedule;
}

export type BillRequest =
  | (BillRequestBase & {
      readonly kind: 'period';
      /** Default: the first day of the next period. */
      readonly issuedOn?: LocalDate;
    })
  | (BillRequestBase & {
      readonly kind: 'mid-period';
      /** The local day the debt arose (the credit limit ran out); services up to it are billed. */
      readonly issuedOn: LocalDate;
    });

export type NoBillReason = 'individual' | 'profile-issues-no-bills' | 'nothing-to-pay';

export type BillDecision =
  | { readonly issued: true; readonly bill: BillDocument }
  | {
      readonly issued: false;
      readonly reason: NoBillReason;
      /** What the bill would have asked for, in minor units (≤ 0 for 'nothing-to-pay'). */
      readonly toPay: string;
    };

export class AgreementRequiredError extends DomainError {
  override readonly name = 'AgreementRequiredError';
  readonly code = 'BILL_AGREEMENT_REQUIRED';
  constructor(readonly accountId: string) {
    super(`account ${accountId}: a non-resident's bill names the agreement (number and date)`);
  }
}

export class BillDateOutsidePeriodError extends DomainError {
  override readonly name = 'BillDateOutsidePeriodError';
  readonly code = 'BILL_DATE_OUTSIDE_PERIOD';
  constructor(
    readonly issuedOn: string,
    readonly periodId: string,
  ) {
    super(`issuedOn: a mid-period bill dated ${issuedOn} is not inside period ${periodId}`);
  }
}

/** Decides whether a bill is issued and composes it (unnumbered). */
export function composeBill(request: BillRequest): BillDecision {
  const { account, profile, periodId } = request;
  const facts = account.facts;
  assertAccountIssuer(facts, request.issuer);
  const context = vatContextFor(facts, profile, request.vatSchedule ?? VAT_SCHEDULE);
  const period = periodById(periodId, facts.timeZone);

  let issuedOn: LocalDate;
  let servicePeriod: ServicePeriodDays;
  let dueDate: LocalDate;
  if (request.kind === 'mid-period') {
    epochDayOf(request.issuedOn, 'issuedOn');
    if (request.issuedOn < period.firstDay || request.issuedOn > period.lastDay) {
      throw new BillDateOutsidePeriodError(request.issuedOn, periodId);
    }
    issuedOn = request.issuedOn;
    servicePeriod = { firstDay: period.firstDay, lastDay: issuedOn };
    dueDate = request.dueDate ?? addCalendarDays(issuedOn, profile.billing.midPeriodBillDueDays);
  } else {
    // Issued at the start of the next reporting period; due N days after the period ends (rules §7, §8).
    // A closed account's final period ends on the closure day: its bill is dated that day.
    const finalDay = request.basis.finalDay;
    const lastDay = finalDay ?? period.lastDay;
    issuedOn = request.issuedOn ?? finalDay ?? addCalendarDays(period.lastDay, 1);
    epochDayOf(issuedOn, 'issuedOn');
    servicePeriod = { firstDay: period.firstDay, lastDay };
    dueDate = request.dueDate ?? addCalendarDays(lastDay, profile.billing.billDueDays);
  }

  const { lines, totals } = serviceLines(
    request.basis.byService.map((s) => ({
      service: s.service,
      category: s.category,
      amount: s.consumption,
    })),
    servicePeriod,
    context,
  );
  const consumption = Money.of(totals.gross, context.currency);
  const grantsUsed = toMinorUnits(request.basis.grantsUsed, context);
  const openingBalance = toMinorUnits(request.basis.openingBalance, context);
  const deposits = toMinorUnits(request.basis.deposits, context);
  const alreadyBilled = toMinorUnits(request.alreadyBilled ?? '0', context);
  const penalties = toMinorUnits(request.basis.penalties ?? '0', context);
  const toPay = consumption
    .subtract(openingBalance.add(deposits).add(grantsUsed))
    .subtract(alreadyBilled)
    .add(penalties);

  if (facts.payerType === 'individual') return { issued: false, reason: 'individual', toPay: printed(toPay) };
  // Seed 004: a bank-transfer payer gets the period bill and the bill for debt wherever the profile bills them.
  const bankTransfer = billsBankTransferPayer({ profile, paymentMethod: paymentMethodOf(facts) });
  const profileIssues =
    bankTransfer ||
    (request.kind === 'period' ? profile.billing.issuePeriodBills : profile.billing.creditLimitAllowed);
  if (!profileIssues) return { issued: false, reason: 'profile-issues-no-bills', toPay: printed(toPay) };
  if (!toPay.isPositive()) return { issued: false, reason: 'nothing-to-pay', toPay: printed(toPay) };

  const rate = vatRateOn(context.jurisdiction, servicePeriod.lastDay, context.schedule);
  // Penalties are not payment for a service: they bear no VAT (rules §8, §10). The VAT "to pay" contains
  // is on the services part only; the penalties stand on their own line.
  const penaltiesToPay = penalties.isPositive() ? (penalties.compare(toPay) > 0 ? toPay : penalties) : null;
  const servicesToPay = penaltiesToPay ? toPay.subtract(penaltiesToPay) : toPay;
  const toPayVat = vatOfGross(servicesToPay, rate, context.rounding).vat;
  const nonResident =
    context.jurisdiction === 'non-resident'
      ? nonResidentTerms(request, facts.accountId, issuedOn, period.lastDay, dueDate)
      : null;

  const idSuffix = request.ledgerBillId
    ? `bill/${request.ledgerBillId}`
    : request.kind === 'period'
      ? 'bill'
      : `bill-mid-${issuedOn}`;
  const bill: BillDocument = {
    kind: 'bill',
    billKind: request.kind,
    documentId: `${facts.accountId}/${periodId}/${idSuffix}`,
    accountId: facts.accountId,
    accountNumber: facts.accountId,
    periodId,
    date: issuedOn,
    dueDate,
    currency: context.currency,
    vatJurisdiction: context.jurisdiction,
    issuer: request.issuer,
    payer: account.legalDetails ? partyOf(account.legalDetails) : null,
    servicePeriod,
    lines,
    totals,
    settlement: {
      consumption: totals.gross,
      grantsUsed: printed(grantsUsed),
      openingBalance: printed(openingBalance),
      deposits: printed(deposits),
      alreadyBilled: printed(alreadyBilled),
      penalties: printed(penalties),
    },
    toPay: printed(toPay),
    toPayVat: printed(toPayVat),
    penaltiesLine: penaltiesToPay
      ? {
          description: 'Неустойка (пени) за просрочку оплаты, без НДС',
          amount: printed(penaltiesToPay),
          vatRate: { kind: 'none' },
          vat: printed(Money.zero(context.currency)),
        }
      : null,
    paymentPurpose: paymentPurpose(facts.accountId, periodId, toPay, toPayVat, rate, nonResident),
    nonResident,
    ...(request.basis.byProject ? { byProject: request.basis.byProject.map((p) => ({ ...p })) } : {}),
  };
  return { issued: true, bill };
}

export type ClosedPeriodBillRequest = Omit<
  BillRequestBase,
  'periodId' | 'basis' | 'ledgerBillId' | 'dueDate'
> & {
  /**
   * The ledger's BillIssued for this close, when it issued one: the document takes its id, dates and
   * treats every other open bill carried out of the period as already billed.
   */
  readonly ledgerBill?: OpenBill;
  readonly issuedOn?: LocalDate;
  readonly dueDate?: LocalDate;
};

/** The period bill from a PeriodClosed event (the ledger's figures at the close). */
export function billForClosedPeriod(
  closed: PeriodClosedData,
  request: ClosedPeriodBillRequest,
): BillDecision {
  const { ledgerBill, ...rest } = request;
  const alreadyBilled =
    rest.alreadyBilled ??
    (ledgerBill ? unpaid(closed.carried.openBills.filter((bill) => bill.billId !== ledgerBill.billId)) : '0');
  return composeBill({
    ...rest,
    kind: 'period',
    periodId: closed.periodId,
    basis: closed,
    alreadyBilled,
    ...(ledgerBill
      ? {
          ledgerBillId: ledgerBill.billId,
          issuedOn: rest.issuedOn ?? ledgerBill.issuedOn,
          dueDate: rest.dueDate ?? ledgerBill.dueDate,
        }
      : {}),
  });
}

/**
 * The figures of a mid-period bill, from the ledger state just before the BillIssued it renders: the
 * period so far, and the unpaid bills already out.
 */
export function billBasisFromLedgerState(state: LedgerState): { basis: BillBasis; alreadyBilled: string } {
  return {
    basis: {
      openingBalance: state.openingBalance.toFixed(),
      deposits: state.deposits.toFixed(),
      grantsUsed: state.grantsUsed.toFixed(),
      penalties: state.penalties.toFixed(),
      byService: serviceTotals(state),
      ...withProjects(projectTotals(state)),
    },
    alreadyBilled: outstandingBills(state).toFixed(),
  };
}

function unpaid(bills: readonly OpenBill[]): string {
  return toPlainString(bills.reduce((sum, bill) => sum.plus(bill.amount).minus(bill.paid), new Decimal('0')));
}

function nonResidentTerms(
  request: BillRequest,
  accountId: string,
  issuedOn: LocalDate,
  periodLastDay: LocalDate,
  dueDate: LocalDate,
): NonResidentBillTerms {
  if (!request.agreement) throw new AgreementRequiredError(accountId);
  epochDayOf(request.agreement.date, 'agreement.date');
  const paymentTerms =
    request.kind === 'period'
      ? `Payment due within ${daysBetween(periodLastDay, dueDate)} calendar days after the end of ` +
        `the reporting period, by ${dueDate}`
      : `Payment due within ${daysBetween(issuedOn, dueDate)} calendar days of the invoice date, by ${dueDate}`;
  return {
    agreement: { number: request.agreement.number, date: request.agreement.date },
    paymentTerms,
    taxNote: 'Amounts exclude taxes',
  };
}

/** The payment purpose names the personal account (rules §8) and, for residents, the VAT included. */
function paymentPurpose(
  accountId: string,
  periodId: string,
  toPay: Money,
  toPayVat: Money,
  rate: VatRate,
  nonResident: NonResidentBillTerms | null,
): string {
  if (nonResident) {
    return (
      `Payment for cloud services, account No. ${accountId}, period ${periodId}, under agreement ` +
      `No. ${nonResident.agreement.number} of ${nonResident.agreement.date}. ` +
      `${printed(toPay)} ${toPay.currency}, taxes not applicable`
    );
  }
  const vat =
    rate.kind === 'percent'
      ? `в т.ч. НДС ${rate.percent}% — ${printed(toPayVat)} ${toPay.currency}`
      : 'без НДС';
  return (
    `Оплата услуг облачной платформы по лицевому счёту № ${accountId} за период ${periodId}. ` +
    `Сумма ${printed(toPay)} ${toPay.currency}, ${vat}`
  );
}
