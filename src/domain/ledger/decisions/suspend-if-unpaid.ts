import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import { availableFunds, type LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays, reached } from './instants.js';

/** Payment was required and the deadline has come with no funds: suspended, deletion due later. */
export function decideSuspendIfUnpaid(
  command: LedgerCommandOf<'SuspendIfUnpaid'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.status !== 'payment-required' || !reached(command.at, state.suspension?.suspendAt))
    return nothingToDo();
  const funds = availableFunds(state);
  if (funds.gt('0')) return nothingToDo();
  return accept([
    {
      type: 'AccountSuspended',
      data: {
        at: command.at,
        reason: 'funds-exhausted',
        debt: (funds.lt('0') ? funds.neg() : new Big(0)).toFixed(),
        deleteAt: plusDays(command.at, context.profile.suspension.deleteAfterDays),
      },
    },
  ]);
}
