import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays } from './instants.js';
import { overdueBills, overdueDebt } from './overdue.js';

/** A bill still unpaid the day after its due date suspends the account, where the profile says so. */
export function decideSuspendIfBillOverdue(
  command: LedgerCommandOf<'SuspendIfBillOverdue'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { profile, timeZone } = context;
  if (profile.billing.whenOverdue !== 'suspend' || !profile.suspension.enabled) return nothingToDo();
  if (state.status === 'suspended' || state.status === 'blocked' || state.status === 'deleted')
    return nothingToDo();
  const bill = overdueBills(state, command.at, timeZone).find((b) => b.billId === command.billId);
  if (!bill) return nothingToDo();
  return accept([
    {
      type: 'AccountSuspended',
      data: {
        at: command.at,
        reason: 'bill-overdue',
        debt: overdueDebt(state, command.at, timeZone).toFixed(),
        deleteAt: plusDays(command.at, profile.suspension.deleteAfterDays),
      },
    },
  ]);
}
