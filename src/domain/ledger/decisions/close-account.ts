import Big from 'big.js';
import { localDate } from '../../shared/reporting-period.js';
import type { LedgerCommand, LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { CarriedState, LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';
import { reject, type Decision } from './decision.js';
import { usageInstant } from './instants.js';

/** The code of everything a closing account no longer takes (422). */
export const ACCOUNT_CLOSING = 'ACCOUNT_CLOSING';

/**
 * What a closing account refuses (issue 14, item 5), from the closure instant on:
 * - usage whose usage instant (the last moment of its window) is at or after the closure instant: a record
 *   is accepted only when its window ends at or before it, as long as the final period is still open — meters
 *   report late, and what was used before the customer asked is still charged; a window that straddles
 *   the instant is refused whole (it would bill use after the closure);
 * - top-ups, except one that pays a debt and no more (balance below zero, amount ≤ the debt): money for
 *   the future has nowhere to go; open bills are paid with PayBill, which stays open;
 * - grants, top-up bills and switching auto top-up on.
 * A retry of a record or payment already booked is still recognised (a duplicate, not a refusal).
 */
export function refusedByClosure(
  command: LedgerCommand,
  state: LedgerState,
  context: Pick<LedgerContext, 'closureRequestedAt'>,
): Decision | undefined {
  const since = context.closureRequestedAt;
  if (since === undefined) return undefined;
  const closing = `the account is closing since ${since}`;
  switch (command.type) {
    case 'ConsumeResource': {
      if (state.usageRecords.has(command.usageRecordId)) return undefined;
      const at = usageInstant(command.windowStart, command.windowEnd);
      if (Date.parse(at) < Date.parse(since)) return undefined;
      return reject(ACCOUNT_CLOSING, `Usage at ${at} is refused: ${closing}`, 'windowEnd');
    }
    case 'TopUp': {
      if (state.payments.has(command.paymentId)) return undefined;
      const debt = state.balance.lt(0) ? state.balance.neg() : new Big(0);
      if (debt.gt(0) && new Big(command.amount).lte(debt)) return undefined;
      return reject(
        ACCOUNT_CLOSING,
        `A top-up is refused: ${closing}; only a payment of the debt (${debt.toFixed()}) is taken`,
        'amount',
      );
    }
    case 'IssueGrant':
      return reject(ACCOUNT_CLOSING, `No grant is issued: ${closing}`);
    case 'RequestTopUpBill':
      return reject(ACCOUNT_CLOSING, `No top-up bill is issued: ${closing}`);
    case 'ConfigureAutoTopUp':
      return command.enabled
        ? reject(ACCOUNT_CLOSING, `Auto top-up cannot be enabled: ${closing}`)
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The entitlement of a closing account (GET …/entitlements/:sku): nothing new from the closure instant on —
 * the same rule the ledger applies to usage. Undefined while the account is not closing at `at`.
 */
export function closingEntitlement(
  closureRequestedAt: string | undefined,
  at: string,
): { allowed: false; reason: typeof ACCOUNT_CLOSING; message: string } | undefined {
  if (closureRequestedAt === undefined || Date.parse(at) < Date.parse(closureRequestedAt)) return undefined;
  return {
    allowed: false,
    reason: ACCOUNT_CLOSING,
    message: `The account is closing since ${closureRequestedAt}: no new usage`,
  };
}

/** The closure instant when it lies inside the period (the period is then the account's final one). */
export function closureWithin(
  state: LedgerState,
  closureRequestedAt: string | undefined,
): string | undefined {
  if (closureRequestedAt === undefined) return undefined;
  const at = Date.parse(closureRequestedAt);
  return at >= Date.parse(state.startsAt) && at < Date.parse(state.endsAt) ? closureRequestedAt : undefined;
}

/** The final period's bounds: it ends at the closure instant, its last day is the closure's local day. */
export function finalPeriodEnd(
  command: LedgerCommandOf<'ClosePeriod'>,
  state: LedgerState,
): { endsAt: string; lastDay: string } | Decision {
  const early = command.endsEarlyAt!;
  if (Date.parse(early) < Date.parse(state.startsAt) || Date.parse(early) >= Date.parse(state.endsAt)) {
    return reject(
      'CLOSURE_OUTSIDE_PERIOD',
      `The closure instant ${early} is not inside period ${state.periodId}`,
      'endsEarlyAt',
    );
  }
  if (Date.parse(command.at) < Date.parse(early)) {
    return reject('PERIOD_NOT_ENDED', `The final period ends at the closure instant ${early}`, 'at');
  }
  return { endsAt: early, lastDay: localDate(early, command.timeZone) };
}

/** Grants are lost at closure (domain-rules §4: lost, never refunded): every one with something left. */
export function grantsLostAtClosure(state: LedgerState, at: string): LedgerEvent[] {
  return [...state.grants.values()]
    .filter((g) => new Big(g.remaining).gt('0'))
    .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt) || a.grantId.localeCompare(b.grantId))
    .map((g) => ({
      type: 'GrantExpired',
      // One that had expired by then is lost at its own expiry, the others at the closure.
      data: {
        grantId: g.grantId,
        amountLost: g.remaining,
        at: Date.parse(g.expiresAt) <= Date.parse(at) ? g.expiresAt : at,
      },
    }));
}

/**
 * What a carried state still owes: the debt below zero, or the bills not paid in full when they ask for
 * more (a period bill states the same debt, so the larger of the two, never their sum).
 */
export function owedBy(carried: Pick<CarriedState, 'balance' | 'openBills'>): Big {
  const debt = new Big(carried.balance).lt(0) ? new Big(carried.balance).neg() : new Big(0);
  const unpaid = carried.openBills.reduce(
    (sum, bill) => sum.plus(new Big(bill.amount).minus(bill.paid)),
    new Big(0),
  );
  return debt.gt(unpaid) ? debt : unpaid;
}
