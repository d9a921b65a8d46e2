import Big from 'big.js';
import type { DecisionOf } from '../shared/decision.js';
import type { AccountEvent } from './account-events.js';
import type { AccountState } from './account-state.js';
import { decideDeleteAccount, type DeleteAccountCommand } from './delete-account.js';

/**
 * Closing an account at the customer's request (issue 14, item 5). The closure is an account fact: from its
 * instant on the ledger refuses new usage (`ACCOUNT_CLOSING`), top-ups beyond a debt and grants; the saga
 * (the timeline planner) then closes the current period early, asks for the refund of what is left and, once
 * nothing is owed either way, deletes the account's personal data per retention.
 */
export interface CloseAccountCommand {
  accountId: string;
  at: string;
  reason?: string;
  /** Who asked (the API key's name). */
  by: string;
}

/** The statuses a closure shows beside the ledger's own (the account list filter accepts them). */
export type ClosureStatus = 'closing' | 'closed';
export const CLOSURE_STATUSES: readonly ClosureStatus[] = ['closing', 'closed'];

/** AccountDeleted.reason of a deletion that follows a closure (not a debt left unpaid). */
export const CLOSURE_DELETION_REASON = 'closed at the customer’s request';

/** How long a closed account's deletion waits before it asks again (a refund unanswered, a debt open). */
export const CLOSURE_DELETION_RETRY_DAYS = 1;

/** A closure is asked for once: a second request names the first (409 at the HTTP edge). */
export const ACCOUNT_ALREADY_CLOSING = 'ACCOUNT_ALREADY_CLOSING';

export function decideCloseAccount(
  command: CloseAccountCommand,
  state: AccountState,
): DecisionOf<AccountEvent> {
  if (!state.facts) {
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  }
  if (state.deletedAt) {
    return {
      ok: false,
      code: 'ACCOUNT_DELETED',
      message: `Account ${command.accountId} was deleted at ${state.deletedAt}: there is nothing to close`,
    };
  }
  const since = state.facts.closureRequestedAt;
  if (since) {
    return {
      ok: false,
      code: ACCOUNT_ALREADY_CLOSING,
      message: `Account ${command.accountId} is already closing: its closure was requested at ${since}`,
    };
  }
  const reason = command.reason?.trim();
  return {
    ok: true,
    events: [
      {
        type: 'AccountClosureRequested',
        data: { accountId: command.accountId, at: command.at, ...(reason ? { reason } : {}), by: command.by },
      },
    ],
  };
}

/** What the deletion of a closed account waits for, as the saga finds it when the deadline fires. */
export interface ClosedAccountDeletionCommand extends Omit<DeleteAccountCommand, 'reason'> {
  /** The final period is closed (its documents are issued by the issuer the scheduler waits for). */
  finalPeriodClosed: boolean;
  /** What the customer still owes after the final close: the debt below zero plus unpaid bills. */
  owed: string;
  /** The refund of the remaining balance: none needed, asked and not answered yet, or completed. */
  refund: 'none' | 'pending' | 'completed';
}

/**
 * Deletion per retention, once the final documents are issued, the refund completed (or nothing to refund)
 * and no debt remains: the existing deletion (`AccountDeleted` with what was erased and what is kept). Until
 * then `ClosedAccountDeletionDeferred` says why and when the saga asks again; a debt keeps the account in
 * collection, whose own suspension and deletion timelines apply meanwhile (a deletion by them ends this).
 */
export function decideClosedAccountDeletion(
  command: ClosedAccountDeletionCommand,
  state: AccountState,
): DecisionOf<AccountEvent> {
  if (!state.facts) {
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  }
  if (state.deletedAt) return { ok: true, events: [] };
  if (!state.facts.closureRequestedAt) {
    return {
      ok: false,
      code: 'ACCOUNT_NOT_CLOSING',
      message: `Account ${command.accountId} was not asked to close`,
    };
  }
  const retryAt = new Date(Date.parse(command.at) + CLOSURE_DELETION_RETRY_DAYS * 86_400_000).toISOString();
  const defer = (code: string, reason: string): DecisionOf<AccountEvent> => ({
    ok: true,
    events: [
      {
        type: 'ClosedAccountDeletionDeferred',
        data: { accountId: command.accountId, at: command.at, code, reason, retryAt },
      },
    ],
  });
  if (!command.finalPeriodClosed) return defer('FINAL_PERIOD_OPEN', 'the final period is not closed yet');
  if (new Big(command.owed).gt(0)) {
    return defer(
      'DEBT_IN_COLLECTION',
      `the customer still owes ${command.owed}: the account stays in collection`,
    );
  }
  if (command.refund === 'pending') {
    return defer('REFUND_PENDING', 'the refund of the remaining balance is not completed yet');
  }
  const { finalPeriodClosed: _closed, owed: _owed, refund: _refund, ...deletion } = command;
  return decideDeleteAccount({ ...deletion, reason: CLOSURE_DELETION_REASON }, state);
}
