import Big from 'big.js';
import type { LedgerCommand, LedgerContext } from './ledger-commands.js';
import type { LedgerEvent } from './ledger-events.js';
import {
  carriedState,
  evolveLedger,
  outstandingBills,
  serviceTotals,
  type LedgerState,
} from './ledger-state.js';
import { addCalendarDays } from '../shared/reporting-period.js';
import { decideTimeline } from './timeline-decide.js';
import { allocateCharge } from '../shared/grant-allocation.js';
import { roundDecimal, toPlainString } from '../shared/decimal.js';
import { Money, type Currency } from '../shared/money.js';
import { roundCharge } from '../shared/rounding.js';
import type { GrantScope } from '../shared/grant-allocation.js';
import type { GrantSnapshot } from './ledger-events.js';
import { accept, duplicate, reject, type Decision } from './decisions/decision.js';
import { amountField, decimalField } from './decisions/amounts.js';
import { usageInstant } from './decisions/instants.js';
import { depositEvents } from './decisions/deposit.js';
import { expiredGrants } from './decisions/expired-grants.js';
import { withTrialEnd } from './decisions/trial-end.js';
import { consequencesOfCharge } from './decisions/charge-consequences.js';

export type { Decision, Rejection } from './decisions/decision.js';
export { usageInstant } from './decisions/instants.js';

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
    depositEvents(state, context, {
      paymentId: command.paymentId,
      amount,
      channel: command.channel,
      at: command.at,
    }),
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
    depositEvents(state, context, {
      paymentId: command.paymentId,
      amount,
      channel: command.channel,
      at: command.at,
      billFirst: command.billId,
    }),
  );
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

function grantScope(grant: GrantSnapshot): GrantScope {
  if (grant.categories !== 'all') return { categories: grant.categories };
  return grant.excludedCategories.length > 0 ? { excludedCategories: grant.excludedCategories } : 'all';
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
