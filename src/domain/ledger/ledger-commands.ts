import type { PaymentChannel, PolicyProfile } from '../policies/policy-profile.js';
import type { CarriedState } from './ledger-events.js';

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
  | { type: 'ClosePeriod'; at: string; timeZone: string };

export type LedgerCommandType = LedgerCommand['type'];

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
}
