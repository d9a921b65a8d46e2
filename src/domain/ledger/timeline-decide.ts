import Big from 'big.js';
import { accruedPenalty } from '../shared/penalties.js';
import { Money, type Currency } from '../shared/money.js';
import { roundToMinor } from '../shared/rounding.js';
import { addCalendarDays, localDate } from '../shared/reporting-period.js';
import type { LedgerContext, TimelineCommand } from './ledger-commands.js';
import type { LedgerEvent } from './ledger-events.js';
import { availableFunds, noticeKey, type LedgerState } from './ledger-state.js';
import { accept, duplicate, type Decision } from './decisions/decision.js';
import { plusDays, reached } from './decisions/instants.js';
import { overdueBills, overdueDebt } from './decisions/overdue.js';

export { overdueBills, overdueDebt } from './decisions/overdue.js';

const nothing = duplicate;
const events = (...list: LedgerEvent[]): Decision => accept(list);

/**
 * Deadlines firing: every command re-checks the state, so a payment made meanwhile turns a pending
 * notice, suspension, penalty or deletion into a no-op (an empty decision), never an error.
 */
export function decideTimeline(
  command: TimelineCommand,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { profile, timeZone } = context;
  switch (command.type) {
    case 'SendSuspensionNotice': {
      const pending =
        state.status === 'payment-required' && state.suspension?.suspendAt === command.suspendAt;
      const billPending =
        overdueBills(state, plusDays(command.suspendAt, 1), timeZone).length > 0 &&
        state.status !== 'suspended';
      if (!(pending || billPending)) return nothing();
      if (state.suspension?.noticesSent.includes(noticeKey(command.suspendAt, command.daysBefore)))
        return nothing();
      return events({
        type: 'SuspensionNoticeSent',
        data: {
          daysBefore: command.daysBefore,
          suspendAt: command.suspendAt,
          reason: pending ? 'funds-exhausted' : 'bill-overdue',
          at: command.at,
        },
      });
    }
    case 'SuspendIfUnpaid': {
      if (state.status !== 'payment-required' || !reached(command.at, state.suspension?.suspendAt))
        return nothing();
      const funds = availableFunds(state);
      if (funds.gt('0')) return nothing();
      return events({
        type: 'AccountSuspended',
        data: {
          at: command.at,
          reason: 'funds-exhausted',
          debt: (funds.lt('0') ? funds.neg() : new Big(0)).toFixed(),
          deleteAt: plusDays(command.at, profile.suspension.deleteAfterDays),
        },
      });
    }
    case 'SuspendIfBillOverdue': {
      if (profile.billing.whenOverdue !== 'suspend' || !profile.suspension.enabled) return nothing();
      if (state.status === 'suspended' || state.status === 'blocked' || state.status === 'deleted')
        return nothing();
      const bill = overdueBills(state, command.at, timeZone).find((b) => b.billId === command.billId);
      if (!bill) return nothing();
      return events({
        type: 'AccountSuspended',
        data: {
          at: command.at,
          reason: 'bill-overdue',
          debt: overdueDebt(state, command.at, timeZone).toFixed(),
          deleteAt: plusDays(command.at, profile.suspension.deleteAfterDays),
        },
      });
    }
    case 'AccruePenalty': {
      const policy = profile.penalties;
      if (policy.model === 'none') return nothing();
      if (state.suspension?.lastPenaltyDay !== undefined && state.suspension.lastPenaltyDay >= command.day)
        return nothing();
      const accruing =
        policy.startsAt === 'suspension'
          ? state.status === 'suspended'
          : overdueBills(state, command.at, timeZone).length > 0;
      if (!accruing) return nothing();
      const currency = state.currency as Currency;
      const debt = Money.fromDecimal(overdueDebt(state, command.at, timeZone), currency);
      if (!debt.isPositive()) return nothing();
      const already = Money.of(state.suspension?.penaltiesAccrued ?? '0', currency);
      const accrual = accruedPenalty(debt, 1, already, policy);
      const amount = roundToMinor(accrual.accrued, profile.rounding);
      if (!amount.isPositive()) return nothing();
      const balanceAfter = state.balance.minus(amount.amount);
      return events({
        type: 'PenaltyAccrued',
        data: {
          day: command.day,
          at: command.at,
          debt: debt.toString(),
          amount: amount.toString(),
          totalAccrued: already.add(amount).toString(),
          capReached: accrual.capReached,
          balanceAfter: balanceAfter.toFixed(),
        },
      });
    }
    case 'BlockIfStillSuspended': {
      if (state.status !== 'suspended' || !reached(command.at, state.suspension?.deleteAt)) return nothing();
      return events({
        type: 'AccountBlocked',
        data: { at: command.at, suspendedAt: state.suspension!.suspendedAt! },
      });
    }
    case 'QueueFrozenObjects': {
      const freeze = state.freeze;
      if (
        state.status !== 'frozen' ||
        !freeze ||
        freeze.objectsQueued ||
        !reached(command.at, freeze.deleteObjectsAt)
      )
        return nothing();
      return events({
        type: 'FrozenObjectsQueuedForDeletion',
        data: { at: command.at, frozenSince: freeze.since },
      });
    }
    case 'BlockObjectStorage': {
      const freeze = state.freeze;
      const due = freeze && plusDays(freeze.since, profile.freeze.objectStorage.blockAfterDays);
      if (
        state.status !== 'frozen' ||
        !freeze ||
        freeze.objectStorage !== 'read-only' ||
        !reached(command.at, due)
      )
        return nothing();
      return events({ type: 'ObjectStorageBlocked', data: { at: command.at, frozenSince: freeze.since } });
    }
    case 'DeleteObjectStorage': {
      const freeze = state.freeze;
      const { blockAfterDays, deleteAfterBlockedDays } = profile.freeze.objectStorage;
      const due = freeze && plusDays(freeze.since, blockAfterDays + deleteAfterBlockedDays);
      if (
        state.status !== 'frozen' ||
        !freeze ||
        freeze.objectStorage !== 'blocked' ||
        !reached(command.at, due)
      )
        return nothing();
      return events({ type: 'ObjectStorageDeleted', data: { at: command.at, frozenSince: freeze.since } });
    }
  }
}

/** The local day after `at`'s local day, for penalty scheduling. */
export const nextLocalDay = (at: string, timeZone: string) => addCalendarDays(localDate(at, timeZone), 1);
