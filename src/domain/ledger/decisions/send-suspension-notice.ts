import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import { noticeKey, type LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays } from './instants.js';
import { overdueBills } from './overdue.js';

/**
 * A notice `daysBefore` a suspension: sent once per deadline and lead time, and only while the suspension
 * is still pending (payment still required, or a bill that will be overdue by then still unpaid).
 */
export function decideSendSuspensionNotice(
  command: LedgerCommandOf<'SendSuspensionNotice'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const pending = state.status === 'payment-required' && state.suspension?.suspendAt === command.suspendAt;
  const billPending =
    overdueBills(state, plusDays(command.suspendAt, 1), context.timeZone).length > 0 &&
    state.status !== 'suspended';
  if (!(pending || billPending)) return nothingToDo();
  if (state.suspension?.noticesSent.includes(noticeKey(command.suspendAt, command.daysBefore)))
    return nothingToDo();
  return accept([
    {
      type: 'SuspensionNoticeSent',
      data: {
        daysBefore: command.daysBefore,
        suspendAt: command.suspendAt,
        reason: pending ? 'funds-exhausted' : 'bill-overdue',
        at: command.at,
      },
    },
  ]);
}
