import type { DecisionOf } from '../shared/decision.js';
import type { AccountEvent } from './account-events.js';
import type { AccountState } from './account-state.js';

export interface DeleteAccountCommand {
  accountId: string;
  at: string;
}

/** Why an account is deleted: the only path to deletion is a block that the debt was never paid after. */
export const DELETION_REASON = 'blocked: debt unpaid 60 days after suspension';

/** What deletion erases; amounts, dates and document numbers stay in the history for auditors. */
export const ERASED_ON_DELETION: readonly string[] = [
  'legal details (name, tax id, KPP, address)',
  'personal data encryption key',
];

/**
 * Deletes the account's personal data, once: an account already deleted stores nothing again (its key is
 * gone, so there is nothing left to erase).
 */
export function decideDeleteAccount(
  command: DeleteAccountCommand,
  state: AccountState,
): DecisionOf<AccountEvent> {
  if (!state.facts) {
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  }
  if (state.deletedAt) return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      {
        type: 'AccountDeleted',
        data: {
          accountId: command.accountId,
          at: command.at,
          reason: DELETION_REASON,
          erased: [...ERASED_ON_DELETION],
        },
      },
    ],
  };
}
