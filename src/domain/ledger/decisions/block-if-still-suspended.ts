import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { reached } from './instants.js';

/** Still suspended when the deletion deadline comes: the account is blocked (its deletion follows). */
export function decideBlockIfStillSuspended(
  command: LedgerCommandOf<'BlockIfStillSuspended'>,
  state: LedgerState,
  _context: LedgerContext,
): Decision {
  if (state.status !== 'suspended' || !reached(command.at, state.suspension?.deleteAt)) return nothingToDo();
  return accept([
    {
      type: 'AccountBlocked',
      data: { at: command.at, suspendedAt: state.suspension!.suspendedAt! },
    },
  ]);
}
