/**
 * The bill a legal entity asks for to top up its balance (rules §8; seed 004 offer §6): one line, the
 * advance for the platform's services, with the VAT it contains at the rate of the bill's date; the payment
 * purpose names the personal account, so the bank transfer lands on it. It settles nothing already
 * consumed, so it has no settlement block and no penalties line.
 */
import type { LedgerEventOf } from '../ledger/ledger-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { daysBetween, epochDayOf } from '../shared/calendar.js';
import { Money } from '../shared/money.js';
import { VAT_SCHEDULE, vatRateOn, type VatSchedule } from '../shared/vat.js';
import { AgreementRequiredError } from './bill.js';
import {
  assertAccountIssuer,
  linesWithVat,
  partyOf,
  printed,
  toMinorUnits,
  vatContextFor,
} from './document-lines.js';
import type {
  BillDocument,
  ContractAgreement,
  DocumentAccount,
  IssuerDetails,
  NonResidentBillTerms,
} from './document-types.js';

export interface TopUpBillRequest {
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: PolicyProfile;
  /** The ledger's TopUpBillIssued: id, amount, date and due date. */
  readonly bill: Omit<LedgerEventOf<'TopUpBillIssued'>['data'], 'at'>;
  /** Non-residents: the individual contract the bill refers to (required for them). */
  readonly agreement?: ContractAgreement;
  readonly vatSchedule?: VatSchedule;
}

/** The top-up bill's document (unnumbered): the ledger decided it; this only renders it. */
export function composeTopUpBill(request: TopUpBillRequest): BillDocument {
  const { account, bill } = request;
  const facts = account.facts;
  assertAccountIssuer(facts, request.issuer);
  epochDayOf(bill.issuedOn, 'issuedOn');
  const context = vatContextFor(facts, request.profile, request.vatSchedule ?? VAT_SCHEDULE);
  const nonResident = context.jurisdiction === 'non-resident';
  const gross = toMinorUnits(bill.amount, context);
  const day = { firstDay: bill.issuedOn, lastDay: bill.issuedOn };
  const description = nonResident
    ? `Advance payment for cloud services, account No. ${facts.accountId}`
    : `Аванс за услуги облачной платформы (пополнение лицевого счёта № ${facts.accountId})`;
  const { lines, totals } = linesWithVat(
    [{ description, service: null, category: null, gross }],
    day,
    context,
  );
  const rate = vatRateOn(context.jurisdiction, bill.issuedOn, context.schedule);
  const toPayVat = Money.of(totals.vat, context.currency);
  const terms = nonResident ? nonResidentTerms(request) : null;
  // Reporting periods are calendar months: the bill belongs to the month of its date.
  const periodId = bill.issuedOn.slice(0, 7);
  return {
    kind: 'bill',
    billKind: 'top-up',
    documentId: `${facts.accountId}/${periodId}/bill/${bill.billId}`,
    accountId: facts.accountId,
    accountNumber: facts.accountId,
    periodId,
    date: bill.issuedOn,
    dueDate: bill.dueDate,
    currency: context.currency,
    vatJurisdiction: context.jurisdiction,
    issuer: request.issuer,
    payer: account.legalDetails ? partyOf(account.legalDetails) : null,
    servicePeriod: day,
    lines,
    totals,
    settlement: null,
    toPay: printed(gross),
    toPayVat: printed(toPayVat),
    penaltiesLine: null,
    paymentPurpose: terms
      ? `Advance payment for cloud services, account No. ${facts.accountId}, under agreement ` +
        `No. ${terms.agreement.number} of ${terms.agreement.date}. ${printed(gross)} ${gross.currency}, ` +
        `taxes not applicable`
      : `Пополнение лицевого счёта № ${facts.accountId}, аванс за услуги облачной платформы. ` +
        `Сумма ${printed(gross)} ${gross.currency}, ` +
        (rate.kind === 'percent'
          ? `в т.ч. НДС ${rate.percent}% — ${printed(toPayVat)} ${gross.currency}`
          : 'без НДС'),
    nonResident: terms,
  };
}

function nonResidentTerms(request: TopUpBillRequest): NonResidentBillTerms {
  const { agreement, bill } = request;
  if (!agreement) throw new AgreementRequiredError(request.account.facts.accountId);
  epochDayOf(agreement.date, 'agreement.date');
  return {
    agreement: { number: agreement.number, date: agreement.date },
    paymentTerms:
      `Advance payment due within ${daysBetween(bill.issuedOn, bill.dueDate)} calendar days of the ` +
      `invoice date, by ${bill.dueDate}`,
    taxNote: 'Amounts exclude taxes',
  };
}
