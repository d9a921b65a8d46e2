import Big from 'big.js';
import type {
  AccountStatus,
  CarriedState,
  GrantSnapshot,
  LedgerEvent,
  OpenBill,
  ServiceTotals,
} from './ledger-events.js';

export interface ServiceAccumulator {
  service: string;
  category: string;
  consumption: Big;
  fromGrants: Big;
  fromBalance: Big;
}

export interface LedgerState {
  phase: 'not-opened' | 'open' | 'closed';
  accountId: string;
  periodId: string;
  startsAt: string;
  endsAt: string;
  lastDay: string;
  currency: string;
  profileId: string;
  profileVersion: number;
  balance: Big;
  openingBalance: Big;
  creditLimit: Big;
  grants: Map<string, GrantSnapshot>;
  status: AccountStatus;
  statusSince: string;
  everPaid: boolean;
  openBills: Map<string, OpenBill>;
  /** Usage record ids and payment ids already applied in this period: retries change nothing. */
  usageRecords: Set<string>;
  payments: Set<string>;
  /** Quantity per SKU rated this period: free quotas and graduated tiers are per period. */
  skuQuantities: Map<string, Big>;
  deposits: Big;
  documentEligibleDeposits: Big;
  grantsUsed: Big;
  grantsExpired: Big;
  consumption: Big;
  byService: Map<string, ServiceAccumulator>;
  billsIssuedThisPeriod: Big;
  /** Late-payment penalties charged this period. */
  penalties: Big;
  /** Set by PeriodClosed: what the next period opens with. */
  closedCarry?: CarriedState;
  freeze?: CarriedState['freeze'];
  suspension?: CarriedState['suspension'];
}

export const initialLedgerState = (): LedgerState => ({
  phase: 'not-opened',
  accountId: '',
  periodId: '',
  startsAt: '',
  endsAt: '',
  lastDay: '',
  currency: '',
  profileId: '',
  profileVersion: 0,
  balance: new Big(0),
  openingBalance: new Big(0),
  creditLimit: new Big(0),
  grants: new Map(),
  status: 'active',
  statusSince: '',
  everPaid: false,
  openBills: new Map(),
  usageRecords: new Set(),
  payments: new Set(),
  skuQuantities: new Map(),
  deposits: new Big(0),
  documentEligibleDeposits: new Big(0),
  grantsUsed: new Big(0),
  grantsExpired: new Big(0),
  consumption: new Big(0),
  byService: new Map(),
  billsIssuedThisPeriod: new Big(0),
  penalties: new Big(0),
});

/** Identifies a notice so each is sent once: the deadline it announces and how many days before. */
export const noticeKey = (suspendAt: string, daysBefore: number) => `${suspendAt}/${daysBefore}`;

/**
 * Applies one event to the state. Mutates and returns the given state: the ledger is rebuilt per
 * command from a short stream (or kept in a cache), so copying maps on every event would be waste.
 */
export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'PeriodOpened': {
      const d = event.data;
      Object.assign(state, {
        phase: 'open',
        accountId: d.accountId,
        periodId: d.periodId,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        lastDay: d.lastDay,
        currency: d.currency,
        profileId: d.profileId,
        profileVersion: d.profileVersion,
        balance: new Big(d.carried.balance),
        openingBalance: new Big(d.carried.balance),
        creditLimit: new Big(d.carried.creditLimit),
        grants: new Map(d.carried.grants.map((g) => [g.grantId, { ...g }])),
        status: d.carried.status,
        statusSince: d.carried.statusSince,
        everPaid: d.carried.everPaid,
        openBills: new Map(d.carried.openBills.map((b) => [b.billId, { ...b }])),
        freeze: d.carried.freeze && { ...d.carried.freeze },
        suspension: d.carried.suspension && {
          ...d.carried.suspension,
          noticesSent: [...d.carried.suspension.noticesSent],
        },
      });
      return state;
    }
    case 'FundsDeposited': {
      const amount = new Big(event.data.amount);
      state.balance = state.balance.plus(amount);
      state.deposits = state.deposits.plus(amount);
      if (event.data.countsInDocuments)
        state.documentEligibleDeposits = state.documentEligibleDeposits.plus(amount);
      state.payments.add(event.data.paymentId);
      state.everPaid = true;
      return state;
    }
    case 'GrantIssued':
      state.grants.set(event.data.grantId, { ...event.data });
      return state;
    case 'GrantExpired': {
      state.grantsExpired = state.grantsExpired.plus(event.data.amountLost);
      state.grants.delete(event.data.grantId);
      return state;
    }
    case 'ResourceConsumed': {
      const d = event.data;
      const amount = new Big(d.amount);
      for (const part of d.fromGrants) {
        const grant = state.grants.get(part.grantId);
        if (grant) grant.remaining = new Big(grant.remaining).minus(part.amount).toFixed();
        state.grantsUsed = state.grantsUsed.plus(part.amount);
      }
      state.balance = state.balance.minus(d.fromBalance);
      state.consumption = state.consumption.plus(amount);
      state.usageRecords.add(d.usageRecordId);
      state.skuQuantities.set(d.sku, (state.skuQuantities.get(d.sku) ?? new Big(0)).plus(d.quantity));
      const service = state.byService.get(d.service) ?? {
        service: d.service,
        category: d.category,
        consumption: new Big(0),
        fromGrants: new Big(0),
        fromBalance: new Big(0),
      };
      service.consumption = service.consumption.plus(amount);
      service.fromGrants = service.fromGrants.plus(amount.minus(d.fromBalance));
      service.fromBalance = service.fromBalance.plus(d.fromBalance);
      state.byService.set(d.service, service);
      return state;
    }
    case 'CreditLimitSet':
      state.creditLimit = new Big(event.data.creditLimit);
      return state;
    case 'AccountFrozen':
      state.freeze = {
        since: event.data.at,
        deleteObjectsAt: event.data.deleteObjectsAt,
        objectStorage: 'read-only',
        objectsQueued: false,
      };
      return setStatus(state, 'frozen', event.data.at);
    case 'AccountUnfrozen':
      state.freeze = undefined;
      return setStatus(state, 'active', event.data.at);
    case 'FrozenObjectsQueuedForDeletion':
      if (state.freeze) state.freeze.objectsQueued = true;
      return state;
    case 'ObjectStorageBlocked':
      if (state.freeze) state.freeze.objectStorage = 'blocked';
      return state;
    case 'ObjectStorageDeleted':
      if (state.freeze) state.freeze.objectStorage = 'deleted';
      return state;
    case 'PaymentRequired':
      state.suspension = {
        suspendAt: event.data.suspendAt,
        reason: 'funds-exhausted',
        noticesSent: [],
        penaltiesAccrued: '0',
      };
      return setStatus(state, 'payment-required', event.data.at);
    case 'PaymentRequirementCleared':
      state.suspension = undefined;
      return setStatus(state, 'active', event.data.at);
    case 'SuspensionNoticeSent':
      state.suspension ??= { noticesSent: [], penaltiesAccrued: '0' };
      state.suspension.noticesSent.push(noticeKey(event.data.suspendAt, event.data.daysBefore));
      return state;
    case 'AccountSuspended':
      state.suspension = {
        ...(state.suspension ?? { noticesSent: [], penaltiesAccrued: '0' }),
        suspendedAt: event.data.at,
        deleteAt: event.data.deleteAt,
        reason: event.data.reason,
      };
      return setStatus(state, 'suspended', event.data.at);
    case 'AccountRestored':
      state.suspension = undefined;
      return setStatus(state, 'active', event.data.at);
    case 'PenaltyAccrued':
      state.balance = new Big(event.data.balanceAfter);
      if (state.suspension) {
        state.suspension.penaltiesAccrued = event.data.totalAccrued;
        state.suspension.lastPenaltyDay = event.data.day;
      }
      state.penalties = state.penalties.plus(event.data.amount);
      return state;
    case 'AccountBlocked':
      return setStatus(state, 'blocked', event.data.at);
    case 'BillIssued': {
      const { reason: _reason, ...bill } = event.data;
      state.openBills.set(bill.billId, bill);
      state.billsIssuedThisPeriod = state.billsIssuedThisPeriod.plus(bill.amount);
      return state;
    }
    case 'BillPaymentApplied': {
      const bill = state.openBills.get(event.data.billId);
      if (bill) {
        if (event.data.fullyPaid) state.openBills.delete(bill.billId);
        else bill.paid = new Big(bill.paid).plus(event.data.amount).toFixed();
      }
      return state;
    }
    case 'PeriodClosed':
      state.phase = 'closed';
      state.closedCarry = event.data.carried;
      return state;
  }
}

function setStatus(state: LedgerState, status: AccountStatus, at: string): LedgerState {
  state.status = status;
  state.statusSince = at;
  return state;
}

export function carriedState(state: LedgerState): CarriedState {
  return {
    balance: state.balance.toFixed(),
    creditLimit: state.creditLimit.toFixed(),
    grants: [...state.grants.values()].filter((g) => new Big(g.remaining).gt('0')).map((g) => ({ ...g })),
    status: state.status,
    statusSince: state.statusSince,
    everPaid: state.everPaid,
    openBills: [...state.openBills.values()].map((b) => ({ ...b })),
    ...(state.freeze ? { freeze: { ...state.freeze } } : {}),
    ...(state.suspension
      ? { suspension: { ...state.suspension, noticesSent: [...state.suspension.noticesSent] } }
      : {}),
  };
}

export function serviceTotals(state: LedgerState): ServiceTotals[] {
  return [...state.byService.values()]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((s) => ({
      service: s.service,
      category: s.category,
      consumption: s.consumption.toFixed(),
      fromGrants: s.fromGrants.toFixed(),
      fromBalance: s.fromBalance.toFixed(),
    }));
}

/** Balance plus credit limit: what consumption may still spend from the personal account. */
export const availableFunds = (state: LedgerState): Big => state.balance.plus(state.creditLimit);

/** Amount of open bills not yet paid. */
export function outstandingBills(state: LedgerState): Big {
  let total = new Big(0);
  for (const bill of state.openBills.values()) total = total.plus(new Big(bill.amount).minus(bill.paid));
  return total;
}
