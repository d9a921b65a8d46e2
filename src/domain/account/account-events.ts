import type { ContractKind, PayerType, PaymentScheme } from '../policies/policy-profile.js';

export type Region = 'ru-moscow' | 'kz';
export type Residency = 'resident' | 'non-resident';
export type Currency = 'RUB' | 'KZT' | 'USD';
/** How the payer pays its bills (seed 004): by bank transfer against a bill, or by card. */
export type PaymentMethod = 'bank-transfer' | 'card';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['bank-transfer', 'card'];

/** Personal data: sealed at rest with a per-account key, unreadable once the account is deleted. */
export interface LegalDetails {
  name: string;
  /** INN (Russia) or BIN/IIN (Kazakhstan). */
  taxId: string;
  kpp?: string;
  address: string;
  /** The payer's bank, printed on bills (optional). */
  bank?: PayerBankDetails;
}

/** A payer's bank: BIK (RU, 9 digits) or the bank's BIC (elsewhere), and the settlement account. */
export interface PayerBankDetails {
  bankName: string;
  bik: string;
  accountNumber: string;
}

export interface AccountFacts {
  accountId: string;
  payerType: PayerType;
  region: Region;
  residency: Residency;
  contract: ContractKind;
  paymentScheme: PaymentScheme;
  edm: boolean;
  currency: Currency;
  /** The legal entity that signs documents and owns their numbering. */
  issuer: string;
  timeZone: string;
  profileId: string;
  profileVersion: number;
  openedAt: string;
  openingPeriodId: string;
  /**
   * Set at opening (default by payer type: individuals by card, legal entities and sole proprietors by
   * bank transfer) and by PaymentMethodChanged; absent on accounts opened before it existed (read it
   * through `paymentMethodOf`).
   */
  paymentMethod?: PaymentMethod;
  /**
   * The contract register: the individual agreement the account is served under (number and date), set at
   * opening or by a contract change; non-residents' bills and invoices name it. Absent: none registered.
   */
  agreement?: AccountAgreement;
  /**
   * Set by AccountClosureRequested (issue 14, item 5): the instant the customer asked to close the account.
   * From then on the ledger refuses new usage, top-ups beyond a debt and grants; absent while served.
   */
  closureRequestedAt?: string;
}

/** Personal data kept after deletion because the law requires it: what, until when (an instant), why. */
export interface RetainedPersonalData {
  what: string;
  until: string;
  why: string;
}

/** An agreement as the contract register holds it: its number and its date (a local date). */
export interface AccountAgreement {
  number: string;
  date: string;
}

export type AccountEvent =
  | {
      type: 'AccountDeleted';
      data: {
        accountId: string;
        at: string;
        reason: string;
        /** What was erased, exactly (the account stream's sealed data and its key). */
        erased: string[];
        /**
         * What personal data is kept, until when and why (the law); absent on deletions recorded before
         * retention keys, empty when nothing personal is kept (a legal entity's requisites are not personal).
         */
        kept?: RetainedPersonalData[];
      };
    }
  | { type: 'AccountOpened'; data: AccountFacts & { personal?: LegalDetails } }
  | { type: 'LegalDetailsAdded'; data: { accountId: string; at: string; personal: LegalDetails } }
  | { type: 'PaymentMethodChanged'; data: { accountId: string; at: string; paymentMethod: PaymentMethod } }
  /** The account owner's e-mail (documents are delivered to it): personal data, sealed at rest. */
  | { type: 'OwnerEmailChanged'; data: { accountId: string; at: string; personal: { ownerEmail: string } } }
  | {
      type: 'ContractChanged';
      data: {
        accountId: string;
        at: string;
        contract: ContractKind;
        paymentScheme: PaymentScheme;
        profileId: string;
        profileVersion: number;
        /** The agreement registered with the change, when one is given. */
        agreement?: AccountAgreement;
      };
    }
  /**
   * The customer asked to close the account (issue 14, item 5): usage after `at` is refused, the current
   * period closes early at `at`, the final documents and a refund follow, then deletion.
   */
  | { type: 'AccountClosureRequested'; data: { accountId: string; at: string; reason?: string; by: string } }
  /**
   * The deletion of a closed account waits (the refund not answered yet, or a debt in collection): the
   * closure saga asks again at `retryAt` (absent: not again — a debt follows the collection timelines).
   */
  | {
      type: 'ClosedAccountDeletionDeferred';
      data: { accountId: string; at: string; code: string; reason: string; retryAt?: string };
    };

/** The default payment method of a payer type: individuals pay by card, the others by bank transfer. */
export const defaultPaymentMethod = (payerType: PayerType): PaymentMethod =>
  payerType === 'individual' ? 'card' : 'bank-transfer';

/** The account's payment method: the recorded one, or its payer type's default. */
export const paymentMethodOf = (facts: Pick<AccountFacts, 'payerType' | 'paymentMethod'>): PaymentMethod =>
  facts.paymentMethod ?? defaultPaymentMethod(facts.payerType);
