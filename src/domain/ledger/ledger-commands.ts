import type { PayerType, PaymentChannel, PolicyProfile } from '../policies/policy-profile.js';
import type { PaymentMethod } from '../account/account-events.js';
import type { AccountPricing } from '../pricing/account-pricing.js';
import type { CarriedState } from './ledger-events.js';
import type { UsageRecordFacts } from './usage-records.js';

export interface PeriodBounds {
  periodId: string;
  startsAt: string;
  endsAt: string;
  lastDay: string;
}

export type LedgerCommand =
  | {
      type: 'OpenPeriod';
      accountId: string;
      period: PeriodBounds;
      timeZone: string;
      currency: string;
      carried: CarriedState;
    }
  | { type: 'TopUp'; paymentId: string; amount: string; channel: PaymentChannel; at: string }
  | {
      type: 'IssueGrant';
      grantId: string;
      kind: string;
      amount: string;
      expiresAt: string;
      categories: string[] | 'all';
      excludedCategories: string[];
      priority: number;
      at: string;
    }
  | { type: 'ExpireGrants'; at: string }
  | {
      type: 'ConsumeResource';
      usageRecordId: string;
      sku: string;
      quantity: string;
      windowStart: string;
      windowEnd: string;
      /** Issue 15: the project (absent: `default`), the resource and labels (usage-attribution.ts). */
      project?: string;
      resourceId?: string;
      labels?: Readonly<Record<string, string>>;
    }
  | { type: 'SetCreditLimit'; creditLimit: string; at: string }
  | {
      type: 'PayBill';
      billId: string;
      paymentId: string;
      amount: string;
      channel: PaymentChannel;
      at: string;
    }
  /**
   * `endsEarlyAt`: the account's final period, closed at the closure instant (issue 14, item 5): a partial
   * period whose documents are dated the closure's local day.
   */
  | { type: 'ClosePeriod'; at: string; timeZone: string; endsEarlyAt?: string }
  /** A legal entity asks for a bill to top up its balance by `amount` (rules §8). */
  | { type: 'RequestTopUpBill'; billId: string; amount: string; at: string }
  | {
      type: 'ConfigureAutoTopUp';
      enabled: boolean;
      threshold: string;
      amount: string;
      currency: string;
      at: string;
    }
  /** The payment gateway refused an auto top-up request: nothing is deposited. */
  | { type: 'RecordAutoTopUpFailure'; requestId: string; reason: string; at: string }
  /** The account moved from a trial to a paid profile: a trial suspension ends. */
  | { type: 'UpgradeFromTrial'; at: string }
  /** Ops refund unspent paid money (`all` = everything refundable) to the payments it came by. */
  | { type: 'RequestRefund'; refundId: string; amount: string; reason: string; by: string; at: string }
  /** The gateway's answer for one part of a refund (`paymentId`), or for every part still pending. */
  | {
      type: 'RecordRefundResult';
      refundId: string;
      paymentId?: string;
      result: { status: 'completed'; gatewayReference?: string } | { status: 'failed'; reason: string };
      at: string;
    }
  | TimelineCommand
  | CorrectionCommand;

/**
 * Commands a timeline sends when a deadline comes due. Each re-checks the state when it fires: a debt paid
 * meanwhile makes a pending suspension or deletion a no-op.
 */
export type TimelineCommand =
  | { type: 'SendSuspensionNotice'; suspendAt: string; daysBefore: number; at: string }
  | { type: 'SuspendIfUnpaid'; reason: 'funds-exhausted'; at: string }
  | { type: 'SuspendIfBillOverdue'; billId: string; at: string }
  | { type: 'AccruePenalty'; day: string; at: string }
  | { type: 'BlockIfStillSuspended'; at: string }
  | { type: 'QueueFrozenObjects'; at: string }
  | { type: 'BlockObjectStorage'; at: string }
  | { type: 'DeleteObjectStorage'; at: string }
  | { type: 'RetryAutoTopUp'; failedRequestId: string; at: string };

export type LedgerCommandType = LedgerCommand['type'];
export type LedgerCommandOf<T extends LedgerCommandType> = Extract<LedgerCommand, { type: T }>;
export type TimelineCommandType = TimelineCommand['type'];

/** A usage quantity priced by the catalog in force at the usage time. */
export interface RatedCharge {
  amount: string;
  service: string;
  category: string;
  unit: string;
  catalogVersion: string;
  /** Storage-like SKUs keep being charged while the account is frozen or suspended. */
  keptWhileStopped: boolean;
}

export type RateUsage = (request: {
  sku: string;
  quantity: string;
  usageAt: string;
  currency: string;
  usedThisPeriodBefore: string;
}) => RatedCharge | { rejected: true; code: string; message: string; field?: string };

/** What a decision needs besides the state: data, never I/O. */
export interface LedgerContext {
  profile: PolicyProfile;
  rate: RateUsage;
  timeZone: string;
  /** The account's payment method (seed 004): bank-transfer payers get bills; absent = card. */
  paymentMethod?: PaymentMethod;
  /** Who pays: only legal entities and sole proprietors may ask for a top-up bill. */
  payerType?: PayerType;
  /** The account's discounts and commitments (its pricing stream); absent = list prices, no commitment. */
  accountPricing?: AccountPricing;
  /** When the customer asked to close the account (AccountClosureRequested); absent while served. */
  closureRequestedAt?: string;
}

/**
 * Seed 004: under a profile that bills bank-transfer payers, a payer by bank transfer gets the period bill
 * when there is an amount to pay, and a mid-period bill when debt arises.
 */
/** BillIssued.reason of the mid-period bill raised when the credit limit runs out (seed 003, 4.2). */
export const CREDIT_LIMIT_EXHAUSTED = 'credit limit exhausted';

/** BillIssued.reason of the mid-period bill raised when a bank-transfer payer's balance goes below zero. */
export const DEBT_BILL_REASON = 'debt';

export const billsBankTransferPayer = (context: Pick<LedgerContext, 'profile' | 'paymentMethod'>): boolean =>
  context.profile.billing.bankTransferBills === true && context.paymentMethod === 'bank-transfer';

/**
 * Corrections (issue 14), each decided in the open period and booked there as ChargeCorrected naming the
 * period it corrects. `by` is who asked (the API key's label), `at` when it is booked (now).
 */
export type CorrectionCommand =
  /** A usage record whose usage instant falls in a period already closed (decisions/late-usage.ts). */
  | {
      type: 'BookLateUsage';
      usageRecordId: string;
      sku: string;
      quantity: string;
      windowStart: string;
      windowEnd: string;
      /** The closed period, its end, and the SKU's quantity it (and late records booked for it) holds. */
      closedPeriod: { periodId: string; endsAt: string; quantityBefore: string };
      by: string;
      at: string;
      /** Issue 15: where the record belongs, as ConsumeResource names it. */
      project?: string;
      resourceId?: string;
      labels?: Record<string, string>;
    }
  /** Ops credit or debit an amount for a period (decisions/adjust.ts). */
  | {
      type: 'Adjust';
      adjustmentId: string;
      direction: 'credit' | 'debit';
      amount: string;
      period: string;
      service: string;
      category: string;
      sku?: string;
      reason: string;
      reference?: string;
      by: string;
      at: string;
    }
  /** Ops void a usage record: what it still charges is given back (decisions/correct-usage.ts). */
  | {
      type: 'VoidUsageRecord';
      record: UsageRecordFacts;
      reason: string;
      reference?: string;
      by: string;
      at: string;
    }
  /** Ops re-rate a usage record: a corrected quantity and/or the prices in force at `priceAt`. */
  | {
      type: 'RerateUsageRecord';
      record: UsageRecordFacts;
      quantity?: string;
      priceAt?: string;
      reason: string;
      reference?: string;
      by: string;
      at: string;
    };
