import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import { noticeKey, type LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays } from './instants.js';
import { overdueBills } from './overdue.js';

/**
 * A notice `daysBefore` a suspension: sent once per deadline and lead time, and only while the suspension
 * is still pending (payment still required, or a bill that will be overdue by then still unpaid). It states
 * the real time left until the suspension, which is less than `daysBefore` for a notice sent late.
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
        ...timeLeft(command.at, command.suspendAt),
      },
    },
  ]);
}

const HOUR_MS = 3_600_000;

/** The time from `at` to `suspendAt`, in whole hours and in words. */
function timeLeft(at: string, suspendAt: string): { hoursLeft: number; timeLeft: string } {
  const ms = Date.parse(suspendAt) - Date.parse(at);
  const hoursLeft = Math.max(0, Math.floor(ms / HOUR_MS));
  const days = Math.floor(hoursLeft / 24);
  const hours = hoursLeft % 24;
  const unit = (n: number, word: string) => (n === 0 ? [] : [`${n} ${word}${n === 1 ? '' : 's'}`]);
  const words =
    ms <= 0
      ? 'now'
      : hoursLeft === 0
        ? 'in less than an hour'
        : `in ${[...unit(days, 'day'), ...unit(hours, 'hour')].join(' ')}`;
  return { hoursLeft, timeLeft: words };
}
