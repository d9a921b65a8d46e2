import { addCalendarDays, localDate } from '../shared/reporting-period.js';
import type { LedgerContext, TimelineCommand, TimelineCommandType } from './ledger-commands.js';
import type { LedgerState } from './ledger-state.js';
import { decideAccruePenalty } from './decisions/accrue-penalty.js';
import { decideRetryAutoTopUp } from './decisions/auto-top-up.js';
import { decideBlockIfStillSuspended } from './decisions/block-if-still-suspended.js';
import { decideBlockObjectStorage } from './decisions/block-object-storage.js';
import { decideWith, type Decision, type LedgerDeciders } from './decisions/decision.js';
import { decideDeleteObjectStorage } from './decisions/delete-object-storage.js';
import { decideQueueFrozenObjects } from './decisions/queue-frozen-objects.js';
import { decideSendSuspensionNotice } from './decisions/send-suspension-notice.js';
import { decideSuspendIfBillOverdue } from './decisions/suspend-if-bill-overdue.js';
import { decideSuspendIfUnpaid } from './decisions/suspend-if-unpaid.js';

export { overdueBills, overdueDebt } from './decisions/overdue.js';

/** The decider of each deadline a timeline sends. */
export const TIMELINE_DECISIONS: LedgerDeciders<TimelineCommandType> = {
  SendSuspensionNotice: decideSendSuspensionNotice,
  SuspendIfUnpaid: decideSuspendIfUnpaid,
  SuspendIfBillOverdue: decideSuspendIfBillOverdue,
  AccruePenalty: decideAccruePenalty,
  BlockIfStillSuspended: decideBlockIfStillSuspended,
  QueueFrozenObjects: decideQueueFrozenObjects,
  BlockObjectStorage: decideBlockObjectStorage,
  DeleteObjectStorage: decideDeleteObjectStorage,
  RetryAutoTopUp: decideRetryAutoTopUp,
};

/**
 * Deadlines firing: every command re-checks the state, so a payment made meanwhile turns a pending
 * notice, suspension, penalty or deletion into a no-op (an empty decision), never an error.
 */
export function decideTimeline(
  command: TimelineCommand,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  return decideWith(TIMELINE_DECISIONS, command, state, context);
}

/** The local day after `at`'s local day, for penalty scheduling. */
export const nextLocalDay = (at: string, timeZone: string) => addCalendarDays(localDate(at, timeZone), 1);
