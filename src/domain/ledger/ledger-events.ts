/**
 * Events of an account's ledger. One ledger stream per account per reporting period
 * (`ledger-<accountId>-<YYYY-MM>`): it opens with the carried-over state and ends with PeriodClosed,
 * so deciding a command never reads more than one month of history. Amounts are decimal strings.
 */
import type { PaymentChannel } from '../policies/policy-profile.js';
import type { FundingPart } from './funding.js';
import type { AutoTopUpState } from './auto-top-up-state.js';
import type { CarriedRefunds, RefundPart, UnspentDeposit } from './refund-state.js';

export type AccountStatus = 'active' | 'frozen' | 'payment-required' | 'suspended' | 'blocked' | 'deleted';

export interface GrantSnapshot {
  grantId: string;
  kind: string;
  amount: string;
  remaining: string;
  issuedAt: string;
  expiresAt: string;
  /** Categories the grant may pay for ('all' = everything not excluded). */
  categories: string[] | 'all';
  excludedCategories: string[];
  priority: number;
}

export interface OpenBill {
  billId: string;
  kind: 'period' | 'mid-period';
  amount: string;
  paid: string;
  issuedOn: string;
  dueDate: string;
}

/**
 * A bill a legal entity asked for to top up its balance (rules §8, seed 004 offer §6): paying it credits the
 * balance. It asks for an advance, not for a debt, so it is no open bill: it is never overdue, never counts
 * towards the amounts bills already ask for, and starts no suspension or penalty timeline.
 */
export interface TopUpBill {
  billId: string;
  amount: string;
  paid: string;
  issuedOn: string;
  dueDate: string;
}

/** Everything a new period needs from the previous one. */
export interface CarriedState {
  balance: string;
  creditLimit: string;
  grants: GrantSnapshot[];
  status: AccountStatus;
  statusSince: string;
  everPaid: boolean;
  openBills: OpenBill[];
  /** Top-up bills not yet paid in full, and those issued in the period just closed (absent when none). */
  topUpBills?: TopUpBill[];
  /** Unspent deposits by source, oldest first (sum = the balance above zero); absent before tracking. */
  funding?: FundingPart[];
  /** While frozen (first provider): when, and when frozen objects are queued for deletion. */
  freeze?: {
    since: string;
    deleteObjectsAt: string;
    objectStorage: 'read-only' | 'blocked' | 'deleted';
    objectsQueued: boolean;
  };
  /** While payment is required or the account is suspended (second provider). */
  suspension?: {
    suspendAt?: string;
    suspendedAt?: string;
    deleteAt?: string;
    reason?: SuspensionReason;
    noticesSent: string[];
    penaltiesAccrued: string;
    /** The exact running total of the penalties booked as `penaltiesAccrued` (rounded once). */
    penaltiesExact?: string;
    /** Credit-limit accounts: how much of `penaltiesAccrued` payments have covered (after overdue bills). */
    penaltiesPaid?: string;
    lastPenaltyDay?: string;
  };
  /** Card auto top-up settings and the request in flight, once configured. */
  autoTopUp?: AutoTopUpState;
  /** Unspent deposits one by one, oldest first (merged by source = `funding`); absent before refunds. */
  deposits?: UnspentDeposit[];
  /** Refunds still in flight and the refund ids already settled (absent when none). */
  refunds?: CarriedRefunds;
}

export type SuspensionReason = 'funds-exhausted' | 'bill-overdue' | 'trial-ended';

export interface ServiceTotals {
  service: string;
  category: string;
  consumption: string;
  fromGrants: string;
  fromBalance: string;
  /** `fromBalance` by funding source; absent on periods closed before tracking (all counted). */
  fromBalanceBy?: FundingPart[];
}

/**
 * What one SKU of one service consumed in a period and how it was paid (issue 13): the documents print a
 * line per SKU with its quantity. The SKU totals of a service add up exactly to its ServiceTotals.
 */
export interface SkuTotals {
  sku: string;
  service: string;
  category: string;
  /** The unit the SKU is metered in (its first usage record's), and the quantity summed exactly. */
  unit: string;
  quantity: string;
  consumption: string;
  fromGrants: string;
  fromBalance: string;
  fromBalanceBy: FundingPart[];
}

/** What one SKU consumed in one project in a period (issue 15): the documents' "by project" appendix. */
export interface ProjectTotals {
  project: string;
  service: string;
  sku: string;
  category: string;
  consumption: string;
  fromGrants: string;
  fromBalance: string;
}

export type LedgerEvent =
  | {
      type: 'PeriodOpened';
      data: {
        accountId: string;
        periodId: string;
        startsAt: string;
        endsAt: string;
        lastDay: string;
        currency: string;
        profileId: string;
        profileVersion: number;
        carried: CarriedState;
      };
    }
  | {
      type: 'FundsDeposited';
      data: {
        paymentId: string;
        amount: string;
        channel: PaymentChannel;
        countsInDocuments: boolean;
        balanceAfter: string;
        at: string;
        /** Suspended credit-limit account: the part of the payment left after its overdue bills that covers
         * the penalties charged meanwhile (restoration needs them paid too). */
        penaltiesPaid?: string;
      };
    }
  | { type: 'GrantIssued'; data: GrantSnapshot }
  | { type: 'GrantExpired'; data: { grantId: string; amountLost: string; at: string } }
  | {
      type: 'ResourceConsumed';
      data: {
        usageRecordId: string;
        sku: string;
        service: string;
        category: string;
        unit: string;
        quantity: string;
        windowStart: string;
        windowEnd: string;
        catalogVersion: string;
        amount: string;
        fromGrants: Array<{ grantId: string; amount: string }>;
        fromBalance: string;
        /** `fromBalance` by funding source, deposits first in first out (§9); absent before tracking. */
        fromBalanceBy?: FundingPart[];
        balanceAfter: string;
        /**
         * The record's rated amount and its billing hour (UTC start): a charge is rounded per SKU and
         * billing hour, `amount` being what the hour's rounded running total adds (§2). Absent on events
         * stored before hourly rounding: those records were rounded on their own.
         */
        ratedAmount?: string;
        billingHour?: string;
        /**
         * Per-account pricing (absent when none applied): the catalog's rated amount, and the discount or
         * commitment whose percent made `ratedAmount` = listAmount × (1 − discountPercent/100).
         */
        listAmount?: string;
        discountId?: string;
        commitmentId?: string;
        discountPercent?: string;
        /** Issue 15: what the record named — absent project = `default`; labels sorted, never empty. */
        project?: string;
        resourceId?: string;
        labels?: Record<string, string>;
      };
    }
  | { type: 'CreditLimitSet'; data: { creditLimit: string; at: string } }
  | {
      type: 'AccountFrozen';
      data: { balance: string; at: string; deleteObjectsAt: string; everPaid: boolean };
    }
  | { type: 'AccountUnfrozen'; data: { balance: string; at: string } }
  | { type: 'PaymentRequired'; data: { availableFunds: string; at: string; suspendAt: string } }
  | { type: 'PaymentRequirementCleared'; data: { availableFunds: string; at: string } }
  | { type: 'BillIssued'; data: OpenBill & { reason: string } }
  | {
      type: 'TopUpBillIssued';
      data: { billId: string; amount: string; issuedOn: string; dueDate: string; at: string };
    }
  | {
      type: 'TopUpBillPaid';
      data: { billId: string; paymentId: string; amount: string; fullyPaid: boolean; at: string };
    }
  | {
      type: 'SuspensionNoticeSent';
      data: {
        daysBefore: number;
        suspendAt: string;
        reason: SuspensionReason;
        at: string;
        /** Whole hours from `at` to `suspendAt` (absent on notices sent before it was recorded). */
        hoursLeft?: number;
        /** The time left in words, from `at` and `suspendAt`: 'in 2 days 12 hours', 'now'. */
        timeLeft?: string;
      };
    }
  | {
      type: 'AccountSuspended';
      data: { at: string; reason: SuspensionReason; debt: string; deleteAt: string };
    }
  | { type: 'AccountRestored'; data: { at: string; suspendedAt: string; balance: string } }
  | {
      type: 'PenaltyAccrued';
      data: {
        day: string;
        at: string;
        debt: string;
        amount: string;
        totalAccrued: string;
        /** The exact running total before rounding (absent on events booked before it was recorded). */
        exactTotal?: string;
        capReached: boolean;
        balanceAfter: string;
      };
    }
  | { type: 'AccountBlocked'; data: { at: string; suspendedAt: string } }
  | { type: 'FrozenObjectsQueuedForDeletion'; data: { at: string; frozenSince: string } }
  | { type: 'ObjectStorageBlocked'; data: { at: string; frozenSince: string } }
  | { type: 'ObjectStorageDeleted'; data: { at: string; frozenSince: string } }
  | {
      type: 'BillPaymentApplied';
      data: {
        billId: string;
        paymentId: string;
        amount: string;
        remaining: string;
        fullyPaid: boolean;
        at: string;
      };
    }
  | {
      type: 'AutoTopUpConfigured';
      data: { enabled: boolean; threshold: string; amount: string; currency: string; at: string };
    }
  | {
      type: 'AutoTopUpRequested';
      data: {
        requestId: string;
        amount: string;
        currency: string;
        attempt: number;
        threshold: string;
        balance: string;
        at: string;
      };
    }
  | {
      type: 'AutoTopUpFailed';
      /** `retryAt` when the profile's retry policy asks again; absent once the attempts are used up. */
      data: { requestId: string; attempt: number; reason: string; at: string; retryAt?: string };
    }
  | {
      /** Ops refund unspent paid money: taken off the balance at once, sent to the gateway part by part. */
      type: 'RefundRequested';
      data: {
        refundId: string;
        amount: string;
        currency: string;
        parts: RefundPart[];
        reason: string;
        by: string;
        at: string;
        balanceAfter: string;
      };
    }
  | {
      /** The gateway returned the money: one part (`paymentId`), or every part still pending. */
      type: 'RefundCompleted';
      data: { refundId: string; paymentId?: string; gatewayReference?: string; at: string };
    }
  | {
      /** The gateway refused: the part (`paymentId`), or every part still pending, is back on the balance. */
      type: 'RefundFailed';
      data: {
        refundId: string;
        paymentId?: string;
        reason: string;
        at: string;
        amount: string;
        balanceAfter: string;
      };
    }
  | {
      type: 'PeriodClosed';
      data: {
        periodId: string;
        closedAt: string;
        openingBalance: string;
        closingBalance: string;
        deposits: string;
        documentEligibleDeposits: string;
        grantsUsed: string;
        grantsExpired: string;
        consumption: string;
        spentFromBalance: string;
        /** Late-payment penalties charged in the period. */
        penalties: string;
        byService: ServiceTotals[];
        /** Per SKU, in service then SKU order; absent on periods closed before it was recorded. */
        bySku?: SkuTotals[];
        /** Per project, service and SKU (issue 15); absent when every charge was in project `default`. */
        byProject?: ProjectTotals[];
        carried: CarriedState;
        /**
         * The account's final period (issue 14, item 5): it ended at the closure instant, not at its month's
         * end, and `finalDay` (the closure's local date) dates its documents and ends their service period.
         * Absent on every other close.
         */
        endsEarlyAt?: string;
        finalDay?: string;
        /** Corrections booked in the period for earlier (closed) periods, by period (absent when none). */
        corrections?: PeriodCorrections[];
      };
    }
  /**
   * At the close: the covered spend of a commitment's period fell short of the commitment, and the
   * shortfall is charged to the balance as its own service line (business-rules.md#per-account-pricing).
   */
  | {
      type: 'CommitmentShortfallCharged';
      data: {
        commitmentId: string;
        periodId: string;
        /** The commitment, what covered usage was charged (discounted), and committed − used. */
        committed: string;
        used: string;
        shortfall: string;
        fromBalanceBy: FundingPart[];
        balanceAfter: string;
        at: string;
      };
    }
  | { type: 'ChargeCorrected'; data: ChargeCorrection };

export type LedgerEventType = LedgerEvent['type'];
export type LedgerEventOf<T extends LedgerEventType> = Extract<LedgerEvent, { type: T }>;

/** Why a period's charges were corrected (issue 14). */
export type CorrectionKind = 'late-usage' | 'adjustment' | 'usage-voided' | 'usage-rerated';

/**
 * A correction of charges (issue 14), booked as `ChargeCorrected` in the open period's stream — never an
 * edit of what was booked before. `correctsPeriod` names the period the amount belongs to: a closed period
 * (its documents then get corrective documents) or the open period itself (a void or re-rate of one of its
 * own records, which its closing documents simply include). Amounts are signed decimal strings: > 0
 * charges the customer more (late usage, a debit, a re-rate upwards), < 0 gives back (a credit, a voided
 * record, a re-rate downwards); `fromGrants` + `fromBalance` = `amount`.
 */
export interface ChargeCorrection {
  correctionId: string;
  kind: CorrectionKind;
  correctsPeriod: string;
  service: string;
  category: string;
  /** The SKU corrected (usage corrections; an adjustment may name one). */
  sku?: string;
  /** The usage record booked late, voided or re-rated. */
  usageRecordId?: string;
  /** Late usage and re-rates: the record as metered and rated at its usage instant. */
  usage?: {
    quantity: string;
    unit: string;
    windowStart: string;
    windowEnd: string;
    catalogVersion: string;
    ratedAmount: string;
  };
  /** Signed change of the SKU's quantity (a void: minus the record's; a re-rate: new − old). */
  quantityChange?: string;
  amount: string;
  fromGrants: Array<{ grantId: string; amount: string }>;
  /**
   * Parts of `fromGrants` < 0 that went nowhere (as amounts > 0): their grant had expired or was no longer
   * held (a grant used up is not carried into the next period), so they are lost as at expiry.
   */
  grantsLost?: Array<{ grantId: string; amount: string }>;
  fromBalance: string;
  /** `fromBalance` by funding source (what was drawn, or given back to, each source). */
  fromBalanceBy?: FundingPart[];
  balanceAfter: string;
  /** Why, and a reference (a ticket, the original document's number); `by` — who (API key name, 'meter'). */
  reason: string;
  reference?: string;
  by: string;
  at: string;
  /**
   * Where the corrected usage belongs (issue 15): a late record's own attribution, a void's or re-rate's
   * copied from the record; absent for adjustments (project `default` in every breakdown).
   */
  project?: string;
  resourceId?: string;
  labels?: Record<string, string>;
  /** A void's record window (issue 15: the cost query's day); late usage and re-rates have it in `usage`. */
  usageWindow?: { windowStart: string; windowEnd: string };
}

/**
 * The corrections a period booked for one earlier (closed) period: they moved the balance and the grants
 * but not the booking period's consumption, so the corrected period's documents and reports find them here.
 */
export interface PeriodCorrections {
  correctsPeriod: string;
  amount: string;
  fromGrants: string;
  fromBalance: string;
  items: ChargeCorrection[];
}
