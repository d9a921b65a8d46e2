/**
 * A policy profile is data: every business default that is policy rather than law (domain-rules §12)
 * lives here, versioned, so ops can add or change a profile without code. Accounts record the profile
 * id and version they run under; a change of profile is an event, never an edit.
 */
import type { PenaltyPolicy } from '../shared/penalties.js';

export type PayerType = 'individual' | 'legal-entity' | 'sole-proprietor';
export type PaymentScheme = 'prepaid' | 'postpaid';
export type ContractKind = 'public-offer' | 'individual-contract';
export type Comparison = 'below-zero' | 'at-or-below-zero';
export type PaymentChannel = 'card' | 'bank-transfer' | 'auto-top-up' | 'internal';
export type DocumentKind = 'bill' | 'act' | 'vat-invoice' | 'advance-vat-invoice' | 'upd';

export interface PolicyProfile {
  id: string;
  version: number;
  description: string;
  /** Which accounts may run under it. */
  appliesTo: {
    payerTypes: PayerType[];
    paymentScheme: PaymentScheme;
    residency: Array<'resident' | 'non-resident'>;
  };
  /** Freeze a prepaid account when its balance crosses the threshold (first provider). */
  freeze: {
    enabled: boolean;
    when: Comparison;
    /** Frozen objects are queued for deletion this many days after freezing. */
    deleteObjectsAfterDays: { neverPaid: number; paidBefore: number };
    objectStorage: { blockAfterDays: number; deleteAfterBlockedDays: number };
  };
  /** Suspension for unpaid debt (second provider). */
  suspension: {
    enabled: boolean;
    /** Without credit: the balance comparison that makes payment required. */
    when: Comparison;
    /** Days from "payment required" (or an overdue bill) to suspension. */
    suspendAfterDays: number;
    noticeDaysBefore: number[];
    /** Days after suspension without full payment before the account is deleted. */
    deleteAfterDays: number;
  };
  billing: {
    /** Bills for payment at period start when the amount is > 0 (bank transfer accounts). */
    issuePeriodBills: boolean;
    billDueDays: number;
    /** Bill issued mid-period when the credit limit is exhausted. */
    midPeriodBillDueDays: number;
    creditLimitAllowed: boolean;
    /**
     * Seed 004: payers by bank transfer get the period bill when the amount is > 0 and a mid-period bill
     * when debt arises, whatever `issuePeriodBills` says for the others. Default false.
     */
    bankTransferBills?: boolean;
    /** What an overdue bill leads to. */
    whenOverdue: 'nothing' | 'suspend';
  };
  documents: {
    /** Which closing documents the account receives each period. */
    closing: 'none' | 'act-and-vat-invoice' | 'upd-status-1' | 'upd-status-2';
    advanceVatInvoice: boolean;
    /** Basis of the act: spent from the personal account (grants excluded) or all consumption. */
    actBasis: 'spent-from-balance' | 'total-consumption';
    /** Payment channels whose deposits appear in documents and reconciliation reports. */
    eligibleChannels: PaymentChannel[];
  };
  /** Late-payment penalties (§10): the shared penalty policy; the computation lives in shared/penalties. */
  penalties: PenaltyPolicy;
  rounding: { mode: 'half-up' | 'half-even'; subMinorChargesRoundUp: boolean };
  vat: { midMonthChange: 'act-date' | 'split-by-day' };
  grants: { order: 'earliest-expiry' | 'object-type-first-then-account' };
  /** Minimum top-up per currency, decimal strings. */
  minimumTopUp: { RUB: string; KZT: string; USD: string };
  /** Service categories still charged while frozen or suspended. */
  chargedWhileStopped: string[];
  /**
   * A trial (second provider): it ends when its grants are used up or expire; without an upgrade to a paid
   * profile the account is suspended and deleted `suspension.deleteAfterDays` later.
   */
  trial?: { enabled: boolean };
  /**
   * Card auto top-up (§5): the bounds a configuration must respect per currency (a currency without
   * limits cannot be configured) and how a refused request is asked again. Absent: not offered.
   */
  autoTopUp?: {
    enabled: boolean;
    limits: Partial<Record<'RUB' | 'KZT' | 'USD', AutoTopUpLimits>>;
    /** Attempts per crossing (the first included), and the time between a refusal and the next attempt. */
    retry: { maxAttempts: number; spacingMinutes: number };
  };
  /**
   * Late usage (issue 14): a usage record of a closed period is booked, as a correction in the open period,
   * up to `windowDays` days after that period's end. Absent: DEFAULT_LATE_USAGE_WINDOW_DAYS.
   */
  lateUsage?: { windowDays: number };
}

/** Days after a period's end its late usage is still accepted when the profile does not say. */
export const DEFAULT_LATE_USAGE_WINDOW_DAYS = 35;

export const lateUsageWindowDays = (profile: Pick<PolicyProfile, 'lateUsage'>): number =>
  profile.lateUsage?.windowDays ?? DEFAULT_LATE_USAGE_WINDOW_DAYS;

/** Decimal strings: the threshold may be 0 to `maxThreshold`; the amount `minAmount` to `maxAmount`. */
export interface AutoTopUpLimits {
  maxThreshold: string;
  minAmount: string;
  maxAmount: string;
}
