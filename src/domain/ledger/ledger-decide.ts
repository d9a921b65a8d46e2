import Big from 'big.js';
import type { LedgerCommand, LedgerContext } from './ledger-commands.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import {
  availableFunds,
  carriedState,
  evolveLedger,
  outstandingBills,
  serviceTotals,
  type LedgerState,
} from './ledger-state.js';
import { addCalendarDays, localDate } from '../shared/reporting-period.js';
import { decideTimeline } from './timeline-decide.js';
import { allocateCharge } from '../shared/grant-allocation.js';
import { parseDecimal, roundDecimal, toPlainString } from '../shared/decimal.js';
import { Money, type Currency } from '../shared/money.js';
import { roundCharge } from '../shared/rounding.js';
import type { GrantScope } from '../shared/grant-allocation.js';
import type { GrantSnapshot } from './ledger-events.js';
import { DomainError } from '../shared/errors.js';

export interface Rejection {
  ok: false;
  /** Stable, machine-readable rule code, e.g. ACCOUNT_FROZEN. */
  code: string;
  message: string;
  field?: string;
}

export type Decision = { ok: true; events: LedgerEvent[]; duplicate?: boolean } | Rejection;

const reject = (code: string, message: string, field?: string): Rejection => ({
  ok: false,
  code,
  message,
  field,
});
const accept = (events: LedgerEvent[]): Decision => ({ ok: true, events });
const duplicate = (): Decision => ({ ok: true, events: [], duplicate: true });

const DAY_MS = 86_400_000;
const plusDays = (instant: string, days: number) =>
  new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/**
 * The instant that places usage in a period: the last moment inside its window (windows are half-open,
 * so usage ending exactly at midnight belongs to the day, and the month, before).
 */
export function usageInstant(windowStart: string, windowEnd: string): string {
  const start = Date.parse(windowStart);
  const end = Date.parse(windowEnd);
  return new Date(Math.max(start, end - 1)).toISOString();
}

/** Decides a ledger command against the current period's state: events to append, or a rejection. */
export function decideLedger(command: LedgerCommand, state: LedgerState, context: LedgerContext): Decision {
  if (command.type === 'OpenPeriod') {
    if (state.phase !== 'not-opened') return duplicate();
    return accept([
      {
        type: 'PeriodOpened',
        data: {
          accountId: command.accountId,
          ...command.period,
          currency: command.currency,
          profileId: context.profile.id,
          profileVersion: context.profile.version,
          carried: command.carried,
        },
      },
    ]);
  }
  if (state.phase === 'not-opened') return reject('PERIOD_NOT_OPEN', `Period is not open`);
  if (state.phase === 'closed') {
    if (command.type === 'ClosePeriod') return duplicate();
    return reject('PERIOD_CLOSED', `Period ${state.periodId} is closed: corrections go to a later period`);
  }
  if (state.status === 'deleted') return reject('ACCOUNT_DELETED', 'The account has been deleted');

  switch (command.type) {
    case 'TopUp':
      return decideTopUp(command, state, context);
    case 'PayBill':
      return decidePayBill(command, state, context);
    case 'IssueGrant':
      return decideIssueGrant(command, state);
    case 'ExpireGrants':
      return accept(withTrialEnd(state, context, expiredGrants(state, command.at), command.at));
    case 'UpgradeFromTrial':
      if (state.status !== 'suspended' || state.suspension?.reason !== 'trial-ended') return duplicate();
      return accept([
        {
          type: 'AccountRestored',
          data: {
            at: command.at,
            suspendedAt: state.suspension.suspendedAt ?? state.statusSince,
            balance: state.balance.toFixed(),
          },
        },
      ]);
    case 'ConsumeResource':
      return decideConsume(command, state, context);
    case 'SetCreditLimit':
      return decideSetCreditLimit(command, state, context);
    case 'ClosePeriod':
      return decideClose(command, state, context);
    default:
      return decideTimeline(command, state, context);
  }
}

/** Amounts in commands: plain decimal strings with at most 6 fractional digits (charge precision). */
function decimalField(value: string, field: string): Big | Rejection {
  try {
    return parseDecimal(value, field, 6);
  } catch (error) {
    if (error instanceof DomainError) return reject('INVALID_AMOUNT', error.message, field);
    throw error;
  }
}

function amountField(value: string, field: string): Big | Rejection {
  const parsed = decimalField(value, field);
  if (!(parsed instanceof Big)) return parsed;
  if (parsed.lte('0')) return reject('AMOUNT_NOT_POSITIVE', `${field} must be greater than 0`, field);
  return parsed;
}

function decideTopUp(
  command: Extract<LedgerCommand, { type: 'TopUp' }>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.payments.has(command.paymentId)) return duplicate();
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  const minimum = context.profile.minimumTopUp[state.currency as 'RUB' | 'KZT' | 'USD'];
  if (minimum !== undefined && amount.lt(minimum)) {
    return reject(
      'TOP_UP_BELOW_MINIMUM',
      `amount must be at least ${minimum} ${state.currency} (got ${amount.toFixed()})`,
      'amount',
    );
  }
  return accept(
    depositEvents(state, context, command.paymentId, amount, command.channel, command.at, undefined),
  );
}

function decidePayBill(
  command: Extract<LedgerCommand, { type: 'PayBill' }>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.payments.has(command.paymentId)) return duplicate();
  if (!state.openBills.has(command.billId)) {
    return reject('BILL_NOT_OPEN', `Bill ${command.billId} is not an open bill of this account`, 'billId');
  }
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  return accept(
    depositEvents(state, context, command.paymentId, amount, command.channel, command.at, command.billId),
  );
}

/**
 * A payment lands on the personal account; it then settles open bills (the named bill first, then the
 * oldest due) and, where the balance allows, lifts a freeze or a payment requirement. Any excess stays on
 * the balance.
 */
function depositEvents(
  state: LedgerState,
  context: LedgerContext,
  paymentId: string,
  amount: Big,
  channel: LedgerEventOf<'FundsDeposited'>['data']['channel'],
  at: string,
  billFirst: string | undefined,
): LedgerEvent[] {
  const balanceAfter = state.balance.plus(amount);
  const events: LedgerEvent[] = [
    {
      type: 'FundsDeposited',
      data: {
        paymentId,
        amount: amount.toFixed(),
        channel,
        countsInDocuments: context.profile.documents.eligibleChannels.includes(channel),
        balanceAfter: balanceAfter.toFixed(),
        at,
      },
    },
  ];
  let left = amount;
  const bills = [...state.openBills.values()].sort(
    (a, b) =>
      Number(b.billId === billFirst) - Number(a.billId === billFirst) || a.dueDate.localeCompare(b.dueDate),
  );
  for (const bill of bills) {
    if (left.lte('0')) break;
    const due = new Big(bill.amount).minus(bill.paid);
    const applied = left.lt(due) ? left : due;
    left = left.minus(applied);
    const remaining = due.minus(applied);
    events.push({
      type: 'BillPaymentApplied',
      data: {
        billId: bill.billId,
        paymentId,
        amount: applied.toFixed(),
        remaining: remaining.toFixed(),
        fullyPaid: remaining.eq('0'),
        at,
      },
    });
  }
  if (state.status === 'frozen' && balanceAfter.gt('0')) {
    events.push({ type: 'AccountUnfrozen', data: { balance: balanceAfter.toFixed(), at } });
  }
  const fundsAfter = balanceAfter.plus(state.creditLimit);
  if (state.status === 'payment-required' && fundsAfter.gt('0')) {
    events.push({ type: 'PaymentRequirementCleared', data: { availableFunds: fundsAfter.toFixed(), at } });
  }
  // Restored only when the whole debt is paid (a partial payment restores nothing), and only before deletion.
  if (
    state.status === 'suspended' &&
    !(state.suspension?.deleteAt && Date.parse(at) >= Date.parse(state.suspension.deleteAt))
  ) {
    const billsLeft = bills
      .reduce((sum, bill) => sum.plus(bill.amount).minus(bill.paid), new Big(0))
      .minus(amount.minus(left));
    const debtPaid = state.creditLimit.gt('0')
      ? billsLeft.lte('0')
      : !crosses(fundsAfter, context.profile.suspension.when);
    if (debtPaid) {
      events.push({
        type: 'AccountRestored',
        data: {
          at,
          suspendedAt: state.suspension?.suspendedAt ?? state.statusSince,
          balance: balanceAfter.toFixed(),
        },
      });
    }
  }
  return events;
}

function decideIssueGrant(
  command: Extract<LedgerCommand, { type: 'IssueGrant' }>,
  state: LedgerState,
): Decision {
  if (state.grants.has(command.grantId)) return duplicate();
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  if (!(Date.parse(command.expiresAt) > Date.parse(command.at))) {
    return reject('GRANT_EXPIRY_NOT_AFTER_ISSUE', 'expiresAt must be after the grant is issued', 'expiresAt');
  }
  if (!Number.isInteger(command.priority)) {
    return reject('INVALID_PRIORITY', 'priority must be an integer', 'priority');
  }
  return accept([
    {
      type: 'GrantIssued',
      data: {
        grantId: command.grantId,
        kind: command.kind,
        amount: amount.toFixed(),
        remaining: amount.toFixed(),
        issuedAt: command.at,
        expiresAt: command.expiresAt,
        categories: command.categories,
        excludedCategories: command.excludedCategories,
        priority: command.priority,
      },
    },
  ]);
}

/** Grants whose expiry has passed at `at` lose what is left of them. */
function expiredGrants(state: LedgerState, at: string): LedgerEvent[] {
  return [...state.grants.values()]
    .filter((g) => Date.parse(g.expiresAt) <= Date.parse(at) && new Big(g.remaining).gt('0'))
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.grantId.localeCompare(b.grantId))
    .map((g) => ({
      type: 'GrantExpired',
      data: { grantId: g.grantId, amountLost: g.remaining, at: g.expiresAt },
    }));
}

function grantScope(grant: GrantSnapshot): GrantScope {
  if (grant.categories !== 'all') return { categories: grant.categories };
  return grant.excludedCategories.length > 0 ? { excludedCategories: grant.excludedCategories } : 'all';
}

/**
 * A trial ends when its grants are used up or expire: if `events` leave an active trial account without a
 * usable grant, the same decision suspends it (deleted `suspension.deleteAfterDays` later unless upgraded).
 */
function withTrialEnd(
  state: LedgerState,
  context: LedgerContext,
  events: LedgerEvent[],
  at: string,
): LedgerEvent[] {
  if (!context.profile.trial?.enabled || state.status !== 'active') return events;
  const after = events.reduce(evolveLedger, state);
  if (after.status !== 'active') return events;
  const usable = [...after.grants.values()].some(
    (g) => new Big(g.remaining).gt('0') && Date.parse(g.expiresAt) > Date.parse(at),
  );
  if (usable) return events;
  return [
    ...events,
    {
      type: 'AccountSuspended',
      data: {
        at,
        reason: 'trial-ended',
        debt: (after.balance.lt('0') ? after.balance.neg() : new Big(0)).toFixed(),
        deleteAt: plusDays(at, context.profile.suspension.deleteAfterDays),
      },
    },
  ];
}

function crosses(balance: Big, comparison: 'below-zero' | 'at-or-below-zero'): boolean {
  return comparison === 'below-zero' ? balance.lt('0') : balance.lte('0');
}

function decideConsume(
  command: Extract<LedgerCommand, { type: 'ConsumeResource' }>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.usageRecords.has(command.usageRecordId)) return duplicate();
  const start = Date.parse(command.windowStart);
  const end = Date.parse(command.windowEnd);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) {
    return reject('INVALID_WINDOW', 'windowStart must be a time not after windowEnd', 'windowStart');
  }
  const at = usageInstant(command.windowStart, command.windowEnd);
  if (!(Date.parse(at) >= Date.parse(state.startsAt) && Date.parse(at) < Date.parse(state.endsAt))) {
    return reject('WINDOW_OUTSIDE_PERIOD', `windowEnd is outside period ${state.periodId}`, 'windowEnd');
  }
  const rated = context.rate({
    sku: command.sku,
    quantity: command.quantity,
    usageAt: at,
    currency: state.currency,
    usedThisPeriodBefore: (state.skuQuantities.get(command.sku) ?? new Big(0)).toFixed(),
  });
  if ('rejected' in rated) return reject(rated.code, rated.message, rated.field ?? 'sku');

  const { profile } = context;
  const keptRunning = rated.keptWhileStopped || profile.chargedWhileStopped.includes(rated.category);
  if (state.status === 'blocked') return reject('ACCOUNT_BLOCKED', 'The account is blocked');
  if (state.status === 'frozen' && !keptRunning) {
    return reject(
      'ACCOUNT_FROZEN',
      `The account is frozen: only ${profile.chargedWhileStopped.join(', ')} are charged`,
    );
  }
  if (state.status === 'suspended' && !keptRunning) {
    return reject(
      'ACCOUNT_SUSPENDED',
      `The account is suspended: only ${profile.chargedWhileStopped.join(', ')} are charged`,
    );
  }

  const currency = state.currency as Currency;
  // The first provider never charges less than one minor unit for a non-zero charge (profile rounding).
  const amount = roundCharge(Money.of(rated.amount, currency), profile.rounding).amount;

  const allocation = allocateCharge({
    amount: Money.fromDecimal(amount, currency),
    category: rated.category,
    at,
    grants: [...state.grants.values()].map((g) => ({
      id: g.grantId,
      remaining: Money.of(g.remaining, currency),
      expiresAt: g.expiresAt,
      scope: grantScope(g),
      priority: g.priority,
      issuedAt: g.issuedAt,
    })),
    order: profile.grants.order,
  });
  const fromBalance = allocation.fromBalance.amount;
  const balanceAfter = state.balance.minus(fromBalance);
  const consumed: LedgerEvent = {
    type: 'ResourceConsumed',
    data: {
      usageRecordId: command.usageRecordId,
      sku: command.sku,
      service: rated.service,
      category: rated.category,
      unit: rated.unit,
      quantity: command.quantity,
      windowStart: command.windowStart,
      windowEnd: command.windowEnd,
      catalogVersion: rated.catalogVersion,
      amount: amount.toFixed(),
      fromGrants: allocation.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toString() })),
      fromBalance: toPlainString(fromBalance),
      balanceAfter: balanceAfter.toFixed(),
    },
  };
  return accept(
    withTrialEnd(state, context, [consumed, ...consequencesOfCharge(state, consumed, context, at)], at),
  );
}

/** What a charge sets off in the same decision: a freeze, a payment requirement, a mid-period bill. */
function consequencesOfCharge(
  before: LedgerState,
  consumed: LedgerEvent,
  context: LedgerContext,
  at: string,
): LedgerEvent[] {
  const { profile } = context;
  const events: LedgerEvent[] = [];
  const after = evolveLedger(before, consumed);
  if (profile.freeze.enabled && before.status === 'active' && crosses(after.balance, profile.freeze.when)) {
    const days = after.everPaid
      ? profile.freeze.deleteObjectsAfterDays.paidBefore
      : profile.freeze.deleteObjectsAfterDays.neverPaid;
    events.push({
      type: 'AccountFrozen',
      data: {
        balance: after.balance.toFixed(),
        at,
        deleteObjectsAt: plusDays(at, days),
        everPaid: after.everPaid,
      },
    });
  }
  const funds = availableFunds(after);
  const usableGrants = [...after.grants.values()].some(
    (g) => new Big(g.remaining).gt('0') && Date.parse(g.expiresAt) > Date.parse(at),
  );
  if (
    profile.suspension.enabled &&
    !profile.trial?.enabled &&
    before.status === 'active' &&
    after.creditLimit.eq('0') &&
    !usableGrants &&
    crosses(funds, profile.suspension.when)
  ) {
    events.push({
      type: 'PaymentRequired',
      data: {
        availableFunds: funds.toFixed(),
        at,
        suspendAt: plusDays(at, profile.suspension.suspendAfterDays),
      },
    });
  }
  if (after.creditLimit.gt('0') && availableFunds(before).gt('0') && funds.lte('0')) {
    // Bills are paid in minor units: a bill for 400.123456 would leave a fraction open forever.
    const amount = roundDecimal(after.balance.neg().minus(outstandingBills(after)), 2, profile.rounding.mode);
    if (amount.gt('0')) {
      const issuedOn = localDate(at, context.timeZone);
      const count = [...after.openBills.values()].filter((b) => b.kind === 'mid-period').length;
      events.push({
        type: 'BillIssued',
        data: {
          billId: `${after.accountId}-${after.periodId}-mid-${count + 1}-${issuedOn}`,
          kind: 'mid-period',
          amount: amount.toFixed(),
          paid: '0',
          issuedOn,
          dueDate: addCalendarDays(issuedOn, profile.billing.midPeriodBillDueDays),
          reason: 'credit limit exhausted',
        },
      });
    }
  }
  return events;
}

function decideSetCreditLimit(
  command: Extract<LedgerCommand, { type: 'SetCreditLimit' }>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (!context.profile.billing.creditLimitAllowed) {
    return reject(
      'CREDIT_LIMIT_NOT_ALLOWED',
      `Profile ${context.profile.id} does not allow a credit limit`,
      'creditLimit',
    );
  }
  const limit = decimalField(command.creditLimit, 'creditLimit');
  if (!(limit instanceof Big)) return limit;
  if (limit.lt('0')) return reject('AMOUNT_NEGATIVE', 'creditLimit must not be negative', 'creditLimit');
  if (limit.eq(state.creditLimit)) return duplicate();
  return accept([{ type: 'CreditLimitSet', data: { creditLimit: limit.toFixed(), at: command.at } }]);
}

function decideClose(
  command: Extract<LedgerCommand, { type: 'ClosePeriod' }>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (Date.parse(command.at) < Date.parse(state.endsAt)) {
    return reject('PERIOD_NOT_ENDED', `Period ${state.periodId} ends at ${state.endsAt}`, 'at');
  }
  const events: LedgerEvent[] = expiredGrants(state, state.endsAt);
  let preview = events.reduce(evolveLedger, state);

  const { billing } = context.profile;
  if (billing.issuePeriodBills) {
    // amount = consumption − (opening balance + deposits + grants used), less what is already billed.
    const amount = roundDecimal(
      preview.balance.neg().minus(outstandingBills(preview)),
      2,
      context.profile.rounding.mode,
    );
    if (amount.gt('0')) {
      const issuedOn = addCalendarDays(state.lastDay, 1);
      const bill: LedgerEvent = {
        type: 'BillIssued',
        data: {
          billId: `${state.accountId}-${state.periodId}`,
          kind: 'period',
          amount: amount.toFixed(),
          paid: '0',
          issuedOn,
          dueDate: addCalendarDays(state.lastDay, billing.billDueDays),
          reason: 'period closed with an amount to pay',
        },
      };
      events.push(bill);
      preview = evolveLedger(preview, bill);
    }
  }
  events.push({
    type: 'PeriodClosed',
    data: {
      periodId: state.periodId,
      closedAt: command.at,
      openingBalance: preview.openingBalance.toFixed(),
      closingBalance: preview.balance.toFixed(),
      deposits: preview.deposits.toFixed(),
      documentEligibleDeposits: preview.documentEligibleDeposits.toFixed(),
      grantsUsed: preview.grantsUsed.toFixed(),
      grantsExpired: preview.grantsExpired.toFixed(),
      consumption: preview.consumption.toFixed(),
      spentFromBalance: preview.consumption.minus(preview.grantsUsed).toFixed(),
      penalties: preview.penalties.toFixed(),
      byService: serviceTotals(preview),
      carried: carriedState(preview),
    },
  });
  return accept(events);
}
