/**
 * The account documents as plain, serialisable data (rules §8, §9): every amount is a decimal string
 * in minor units with exactly the currency's digits ('122.00'), dates are local dates in the account's
 * time zone. A document is composed without a number; numbering (numbering.ts) adds one, and the
 * numbered document is what a `DocumentIssued` event stores.
 */
import type { AccountFacts, LegalDetails } from '../account/account-events.js';
import type { DocumentKind } from '../policies/policy-profile.js';
import type { LocalDate } from '../shared/calendar.js';
import { DomainError } from '../shared/errors.js';
import type { Currency } from '../shared/money.js';
import type { VatJurisdiction, VatRate } from '../shared/vat.js';

export type { DocumentKind } from '../policies/policy-profile.js';
import type { ProjectTotals } from '../ledger/ledger-events.js';

/**
 * The period's consumption per project, service and SKU at charge precision (issue 15): an appendix the
 * bill and the act carry after their legal lines, never a line of their own. Absent when every charge was
 * in project `default`, and on documents issued before it was recorded.
 */
export type ProjectBreakdown = readonly Readonly<ProjectTotals>[];

/** A decimal string in minor units, e.g. '122.00'. */
export type DocumentAmount = string;

/** Requisites of a party as printed on a document. */
export interface DocumentParty {
  readonly name: string;
  /** INN (Russia), BIN/IIN (Kazakhstan) or a foreign tax id (non-residents). */
  readonly taxId: string;
  readonly kpp?: string;
  readonly address: string;
  /** The payer's bank (the issuer's is on IssuerDetails). */
  readonly bank?: BankDetails;
}

export interface BankDetails {
  readonly bankName: string;
  readonly accountNumber: string;
  /** Russian bank identifier (БИК) and correspondent account; absent abroad. */
  readonly bik?: string;
  readonly correspondentAccount?: string;
  /** SWIFT/BIC for non-residents' transfers. */
  readonly swift?: string;
}

/**
 * The legal entity that signs the documents and owns their numbering (AccountFacts.issuer is its id).
 * Issuer requisites are reference data the caller supplies; the account only records the id.
 */
export interface IssuerDetails extends DocumentParty {
  readonly id: string;
  readonly bank?: BankDetails;
  /** Who signs the issuer's documents (printed in the forms' signature blocks); optional. */
  readonly signatories?: IssuerSignatories;
}

/** A person who signs: their position and name as printed ('Генеральный директор', 'Иванов И. И.'). */
export interface Signatory {
  readonly position: string;
  readonly name: string;
}

export interface IssuerSignatories {
  /** The head of the organisation or another authorised person. */
  readonly head: Signatory;
  /** The chief accountant or another authorised person (VAT invoice, UPD status 1, bill). */
  readonly chiefAccountant?: Signatory;
  /** Responsible for the business transaction being recorded correctly (UPD [13]); the head without. */
  readonly responsible?: Signatory;
}

export interface ServicePeriodDays {
  readonly firstDay: LocalDate;
  readonly lastDay: LocalDate;
}

/**
 * One line of a document at one VAT rate. Under the 'split-by-day' VAT policy a service whose period
 * spans a rate change becomes one line per rate, each with its own service days, because a VAT invoice
 * line carries exactly one rate.
 */
export interface DocumentLine {
  readonly description: string;
  /** The service the line is for; null for lines that are not a service (an advance payment). */
  readonly service: string | null;
  readonly category: string | null;
  readonly servicePeriod: ServicePeriodDays;
  /** `{ kind: 'percent', percent: '22' }`, or `{ kind: 'none' }`: "without VAT" (non-residents). */
  readonly vatRate: VatRate;
  readonly net: DocumentAmount;
  readonly vat: DocumentAmount;
  readonly gross: DocumentAmount;
  /**
   * Optional detail for the printed forms: the SKU (its Russian name and unit come from the catalog), the
   * quantity and the net unit price. Without them a form prints one conventional unit (усл. ед.) at the
   * line's net amount.
   */
  readonly sku?: string;
  readonly quantity?: string;
  readonly unitPrice?: DocumentAmount;
}

/** Sums of the (already rounded) lines: never rounded on their own. */
export interface DocumentTotals {
  readonly net: DocumentAmount;
  readonly vat: DocumentAmount;
  readonly gross: DocumentAmount;
}

/** How the closing documents reach the customer: EDM when connected, originals by post otherwise. */
export type DocumentDelivery = 'edm' | 'post';

interface DocumentBase {
  /** Deterministic id (account, period, kind): issuing the same document twice is recognisable. */
  readonly documentId: string;
  readonly accountId: string;
  readonly periodId: string;
  /** The document date; its year selects the numbering series. */
  readonly date: LocalDate;
  readonly currency: Currency;
  readonly vatJurisdiction: VatJurisdiction;
  readonly issuer: IssuerDetails;
  readonly lines: readonly DocumentLine[];
  readonly totals: DocumentTotals;
}

interface ClosingDocumentBase extends DocumentBase {
  readonly payer: DocumentParty;
  readonly servicePeriod: ServicePeriodDays;
  readonly delivery: DocumentDelivery;
  /** The account's contract (number and date) when it has one; without it the basis is the public offer. */
  readonly agreement?: ContractAgreement;
  /**
   * The day of the shipment (transfer): the service period's last day. Present only when the document was
   * drawn up later — numbered after a later-dated document of its series, it is dated the day it was numbered
   * (numbering.ts); absent, the shipment date is the document date.
   */
  readonly shipmentDate?: LocalDate;
}

/** Act of services rendered (акт): the services of the period on the profile's act basis. */
export interface ActDocument extends ClosingDocumentBase {
  readonly kind: 'act';
  readonly basis: 'spent-from-balance' | 'total-consumption';
  readonly byProject?: ProjectBreakdown;
}

/** VAT invoice (счёт-фактура) for the act's services; residents only. */
export interface VatInvoiceDocument extends ClosingDocumentBase {
  readonly kind: 'vat-invoice';
  /** documentId of the act it accompanies. */
  readonly basisDocumentId: string;
}

/** Advance VAT invoice (RU): prepayments of the period not yet covered by services. */
export interface AdvanceVatInvoiceDocument extends ClosingDocumentBase {
  readonly kind: 'advance-vat-invoice';
  /**
   * The advance is min(eligible deposits, max(0, closing balance)) (rules §9): the period's document-eligible
   * deposits, the period's closing balance, and — for the reader — what the act (or UPD) confirmed.
   */
  readonly eligibleDeposits: DocumentAmount;
  readonly confirmedByServices: DocumentAmount;
  /** Absent on advance invoices issued before the §9 formula. */
  readonly closingBalance?: DocumentAmount;
  /** The payment documents the advance came with (Tax Code art. 169 p. 5.1, line 5), when known. */
  readonly paymentDocuments?: readonly PaymentDocumentReference[];
}

/** A payment order as an advance VAT invoice names it: its number and date. */
export interface PaymentDocumentReference {
  readonly number: string;
  readonly date: LocalDate;
}

/**
 * Universal transfer document (УПД). Status 1 is also a VAT invoice and replaces act + VAT invoice;
 * status 2 is a transfer document only.
 */
export interface UpdDocument extends ClosingDocumentBase {
  readonly kind: 'upd';
  readonly status: 1 | 2;
  readonly basis: 'spent-from-balance' | 'total-consumption';
}

export type ClosingDocument = ActDocument | VatInvoiceDocument | AdvanceVatInvoiceDocument | UpdDocument;

/** Non-resident bill requisites (rules §8): amounts in USD without taxes. */
export interface NonResidentBillTerms {
  readonly agreement: ContractAgreement;
  readonly paymentTerms: string;
  readonly taxNote: string;
}

export interface ContractAgreement {
  readonly number: string;
  readonly date: LocalDate;
}

/**
 * Bill for payment (счёт на оплату). Not an accounting document, but numbered like one. Lines are the
 * period's consumption per service; `settlement` shows what already covers it, and `toPay` is
 * consumption − (opening balance + deposits + grants used) − already billed + penalties (rules §8).
 */
export interface BillDocument extends DocumentBase {
  readonly kind: 'bill';
  /** A bill for consumption (at the period's start, or mid-period for debt), or one asked for to top up. */
  readonly billKind: 'period' | 'mid-period' | 'top-up';
  /** Without additional registration there are no payer requisites (rules §1). */
  readonly payer: DocumentParty | null;
  /** The personal account number the payment purpose names. */
  readonly accountNumber: string;
  readonly servicePeriod: ServicePeriodDays;
  readonly dueDate: LocalDate;
  /** What already covers the consumption billed; null on a top-up bill, which bills no consumption. */
  readonly settlement: BillSettlement | null;
  readonly toPay: DocumentAmount;
  /** VAT contained in `toPay` ('0.00' without VAT). */
  readonly toPayVat: DocumentAmount;
  /** Late-payment penalties in `toPay`: their own line, without VAT (rules §8, §10); null without. */
  readonly penaltiesLine: BillPenaltiesLine | null;
  readonly paymentPurpose: string;
  readonly nonResident: NonResidentBillTerms | null;
  /** The consumption billed, per project (issue 15). */
  readonly byProject?: ProjectBreakdown;
}

export interface BillPenaltiesLine {
  readonly description: string;
  readonly amount: DocumentAmount;
  readonly vatRate: { readonly kind: 'none' };
  readonly vat: DocumentAmount;
}

export interface BillSettlement {
  readonly consumption: DocumentAmount;
  readonly grantsUsed: DocumentAmount;
  readonly openingBalance: DocumentAmount;
  readonly deposits: DocumentAmount;
  /** Unpaid remainder of bills issued earlier for the same debt. */
  readonly alreadyBilled: DocumentAmount;
  readonly penalties: DocumentAmount;
}

/**
 * Corrective documents (issue 14; composed by corrective-documents.ts): a closed period's documents are never
 * edited — a correction that changes them is documented by these, naming the original.
 */
/** КСФ (corrective VAT invoice), УКД (corrective transfer document), corrective act. */
export type CorrectiveDocumentKind = 'corrective-vat-invoice' | 'ukd' | 'corrective-act';

/** A document another one refers to: the original (or an earlier corrective document) by number and date. */
export interface DocumentReference {
  readonly documentId: string;
  readonly kind: string;
  readonly number: string;
  readonly date: LocalDate;
}

/** A line's amounts at one moment (row А "before" or Б "after"); quantity and price where the line has them. */
export interface CorrectiveLineAmounts extends DocumentTotals {
  readonly quantity?: string;
  readonly unitPrice?: DocumentAmount;
}

/** A difference (row В "increase" or Г "decrease"): never negative; the quantity where it changed. */
export interface CorrectiveDifference extends DocumentTotals {
  readonly quantity?: string;
}

/** One corrected line: rows А (before), Б (after), В (increase), Г (decrease) of the КСФ form. */
export interface CorrectiveLine {
  readonly description: string;
  readonly service: string | null;
  readonly category: string | null;
  readonly sku?: string;
  readonly servicePeriod: ServicePeriodDays;
  /** The original line's rate: the rate in force in the corrected period. */
  readonly vatRate: VatRate;
  readonly before: CorrectiveLineAmounts;
  readonly after: CorrectiveLineAmounts;
  readonly increase: CorrectiveDifference;
  readonly decrease: CorrectiveDifference;
}

/**
 * A corrective document. `lines` and `totals` are the period's documents as they stand after it (what the
 * next correction starts from); `correctiveLines` are the changed lines with before / after / difference,
 * and `change` the totals of increase and decrease and the signed difference (increase − decrease).
 */
export interface CorrectiveDocument extends ClosingDocumentBase {
  readonly kind: CorrectiveDocumentKind;
  /** УКД only: 1 — it is also the КСФ; 2 — a transfer document only (its КСФ is separate). */
  readonly status?: 1 | 2;
  readonly basis: 'spent-from-balance' | 'total-consumption';
  /** The original document corrected (act, UPD or VAT invoice of the period). */
  readonly corrects: DocumentReference;
  /** The corrective document of the same original this one continues from (its "after" is this "before"). */
  readonly previous?: DocumentReference;
  /** A КСФ beside a corrective act or УКД status 2: the documentId of that document (line 5а of the form). */
  readonly basisDocumentId?: string;
  /** The ChargeCorrected corrections it documents. */
  readonly correctionIds: readonly string[];
  /** Why (each correction's reason and reference, once each): the basis of the correction the forms print. */
  readonly grounds: readonly string[];
  readonly correctiveLines: readonly CorrectiveLine[];
  readonly change: {
    readonly increase: DocumentTotals;
    readonly decrease: DocumentTotals;
    /** increase − decrease, signed: > 0 the customer owes more, < 0 less. */
    readonly difference: DocumentTotals;
  };
}

/** Corrective documents (КСФ, УКД, corrective act) of a closed period: corrective-documents.ts. */
export type AccountDocument = BillDocument | ClosingDocument | CorrectiveDocument;

/** A document with its number: `<ISSUER-PREFIX>-<YEAR>-<000001>`. */
export type Numbered<D = AccountDocument> = D & {
  readonly number: string;
  /** Position in the issuer's series of that year: 1, 2, 3… without gaps. */
  readonly sequence: number;
};

/** The fact stored when a numbered document is issued. */
export interface DocumentIssued {
  readonly type: 'DocumentIssued';
  readonly data: Numbered;
}

/** Everything about the account a document needs: its facts and, for legal entities, its requisites. */
export interface DocumentAccount {
  readonly facts: AccountFacts;
  readonly legalDetails?: LegalDetails;
}

export class PayerDetailsRequiredError extends DomainError {
  override readonly name = 'PayerDetailsRequiredError';
  readonly code = 'DOCUMENT_PAYER_DETAILS_REQUIRED';
  constructor(
    readonly accountId: string,
    readonly kind: DocumentKind,
  ) {
    super(`account ${accountId}: a ${kind} needs the payer's legal details (name, tax id, address)`);
  }
}

export class NegativeDocumentLineError extends DomainError {
  override readonly name = 'NegativeDocumentLineError';
  readonly code = 'DOCUMENT_LINE_NEGATIVE';
  constructor(
    readonly service: string,
    readonly amount: string,
  ) {
    super(
      `service ${service}: the document amount ${amount} is negative; corrections need a corrective ` +
        `document, not a negative line`,
    );
  }
}

export class DocumentCurrencyError extends DomainError {
  override readonly name = 'DocumentCurrencyError';
  readonly code = 'DOCUMENT_CURRENCY_MISMATCH';
  constructor(
    readonly accountId: string,
    readonly currency: string,
    readonly jurisdiction: VatJurisdiction,
  ) {
    super(`account ${accountId}: currency ${currency} does not fit VAT jurisdiction ${jurisdiction}`);
  }
}

export class IssuerMismatchError extends DomainError {
  override readonly name = 'IssuerMismatchError';
  readonly code = 'DOCUMENT_ISSUER_MISMATCH';
  constructor(
    readonly accountId: string,
    readonly accountIssuer: string,
    readonly given: string,
  ) {
    super(`account ${accountId} is served by issuer ${accountIssuer}, not ${given}`);
  }
}
