import { DEBT_BILL_REASON, type LedgerCommand, type TimelineCommand } from '../ledger/ledger-commands.js';
import type { LedgerEvent } from '../ledger/ledger-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { addCalendarDays, localDate, startOfLocalDay } from '../shared/reporting-period.js';
import type { DeadlineKind } from './deadline-kinds.js';
import type { AccountEvent } from '../account/account-events.js';
import { CLOSURE_DELETION_RETRY_DAYS } from '../account/close-account.js';

const DAY_MS = 86_400_000;
const plusDays = (instant: string, days: number) =>
  new Date(Date.parse(instant) + days * DAY_MS).toISOString();

const closeKey = (periodId: string) => `close/${periodId}`;

/** The id of the deadline that closes an account's reporting period at its end. */
export const closeDeadlineId = (accountId: string, periodId: string) => `${accountId}/${closeKey(periodId)}`;

/** The ledger commands deadlines send: the timeline commands and a grant's expiry. */
export type DeadlineLedgerCommand = TimelineCommand | Extract<LedgerCommand, { type: 'ExpireGrants' }>;

/** A timer as data: what to send, for which account, when. Its id is also the command id (idempotent). */
export interface Deadline {
  id: string;
  accountId: string;
  /** What happens at `dueAt`, in the words the summary and the deadlines read model use. */
  kind: DeadlineKind;
  dueAt: string;
  /** Ties at the same instant fire in this order (a notice before the suspension it announces). */
  order: number;
  action:
    | { kind: 'ledger'; command: DeadlineLedgerCommand }
    | { kind: 'close-period'; periodId: string }
    | { kind: 'delete-account' }
    | { kind: 'end-document-retention' }
    /** The closure saga (issue 14, item 5): CloseFinalPeriod, RefundRemainingBalance, DeleteClosedAccount. */
    | { kind: 'close-final-period' }
    | { kind: 'final-refund' }
    | { kind: 'delete-closed-account' };
}

export interface AccountTimelineContext {
  accountId: string;
  timeZone: string;
  profile: PolicyProfile;
}

/**
 * The ledger events that may set a deadline; every other one sets none (deadlinesFor answers [] at once). The
 * planner reads the account's time zone and profile only for these: most of the log is ResourceConsumed,
 * which plans nothing (issue 18, the command path).
 */
export const PLANNING_LEDGER_EVENTS: ReadonlySet<LedgerEvent['type']> = new Set<LedgerEvent['type']>([
  'PeriodOpened',
  'GrantIssued',
  'PaymentRequired',
  'BillIssued',
  'AccountSuspended',
  'PenaltyAccrued',
  'AccountFrozen',
  'AutoTopUpFailed',
  'AccountBlocked',
  'PeriodClosed',
]);

/**
 * The deadlines an event sets (domain-rules §5–§7, §10): a pure function of the event, its effective time
 * and the account's profile, so replaying the log plans exactly the same timers.
 */
export function deadlinesFor(
  event: LedgerEvent,
  account: AccountTimelineContext,
  eventId: string,
  /** When the event took effect (its metadata's effective time): notices already past then are not sent. */
  knownAt?: string,
): Deadline[] {
  // The one list of planning events: a case below whose type is missing from it plans nothing.
  if (!PLANNING_LEDGER_EVENTS.has(event.type)) return [];
  const { accountId, timeZone, profile } = account;
  const deadline = (
    key: string,
    kind: DeadlineKind,
    dueAt: string,
    action: Deadline['action'],
    order = 5,
  ): Deadline => ({
    id: `${accountId}/${key}`,
    accountId,
    kind,
    // Spelled in UTC: the scheduler orders and compares due times as strings.
    dueAt: new Date(Date.parse(dueAt)).toISOString(),
    order,
    action,
  });
  const ledger = (
    key: string,
    kind: DeadlineKind,
    dueAt: string,
    command: DeadlineLedgerCommand,
    order = 5,
  ) => deadline(key, kind, dueAt, { kind: 'ledger', command }, order);
  // Only the notices still ahead when the suspension date becomes known: of those whose time has already
  // passed (a bill due in 2 days has no 7-day notice), the nearest is sent at once, stating the real time left.
  const notices = (suspendAt: string, key: string, known?: string) => {
    const knownMs = known === undefined ? -Infinity : Date.parse(known);
    const leads = profile.suspension.noticeDaysBefore;
    const late = leads.filter((days) => Date.parse(plusDays(suspendAt, -days)) < knownMs);
    const atOnce = late.length > 0 && knownMs < Date.parse(suspendAt) ? Math.min(...late) : undefined;
    return leads
      .filter((days) => !late.includes(days) || days === atOnce)
      .map((days) => {
        const at = days === atOnce ? new Date(knownMs).toISOString() : plusDays(suspendAt, -days);
        return ledger(
          `${key}/notice-${days}`,
          'suspension-notice',
          at,
          { type: 'SendSuspensionNotice', suspendAt, daysBefore: days, at },
          1,
        );
      });
  };
  const firstPenaltyDay = (fromInstant: string) => {
    const day = addCalendarDays(localDate(fromInstant, timeZone), 1);
    const at = startOfLocalDay(addCalendarDays(day, 1), timeZone);
    return ledger(`penalty/${day}`, 'penalty', at, { type: 'AccruePenalty', day, at }, 3);
  };

  switch (event.type) {
    case 'PeriodOpened':
      return [
        deadline(
          closeKey(event.data.periodId),
          'period-close',
          event.data.endsAt,
          { kind: 'close-period', periodId: event.data.periodId },
          0,
        ),
      ];
    case 'GrantIssued': {
      const at = event.data.expiresAt;
      return [
        ledger(`grant-expiry/${event.data.grantId}`, 'grant-expiry', at, { type: 'ExpireGrants', at }, 2),
      ];
    }
    case 'PaymentRequired': {
      const suspendAt = event.data.suspendAt;
      return [
        ...notices(suspendAt, `suspend/${suspendAt}`, event.data.at),
        ledger(
          `suspend/${suspendAt}`,
          'suspend',
          suspendAt,
          { type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: suspendAt },
          4,
        ),
      ];
    }
    case 'BillIssued': {
      if (profile.billing.whenOverdue !== 'suspend') return [];
      // A bill for debt, or a period bill only a bank-transfer payer gets (seed 004), asks for money the
      // payment requirement already counts down to suspension: no second schedule of notices.
      if (event.data.reason === DEBT_BILL_REASON) return [];
      if (event.data.kind === 'period' && !profile.billing.issuePeriodBills) return [];
      const suspendAt = startOfLocalDay(addCalendarDays(event.data.dueDate, 1), timeZone);
      const plans = [
        ...notices(suspendAt, `bill/${event.data.billId}`, knownAt),
        ledger(
          `bill/${event.data.billId}/overdue`,
          'suspend',
          suspendAt,
          { type: 'SuspendIfBillOverdue', billId: event.data.billId, at: suspendAt },
          4,
        ),
      ];
      if (profile.penalties.model !== 'none' && profile.penalties.startsAt === 'due-date') {
        plans.push(firstPenaltyDay(startOfLocalDay(event.data.dueDate, timeZone)));
      }
      return plans;
    }
    case 'AccountSuspended': {
      const plans = [
        ledger(
          `block/${event.data.at}`,
          'delete-account',
          event.data.deleteAt,
          { type: 'BlockIfStillSuspended', at: event.data.deleteAt },
          6,
        ),
      ];
      if (profile.penalties.model !== 'none' && profile.penalties.startsAt === 'suspension')
        plans.push(firstPenaltyDay(event.data.at));
      return plans;
    }
    case 'PenaltyAccrued': {
      const day = addCalendarDays(event.data.day, 1);
      const at = startOfLocalDay(addCalendarDays(day, 1), timeZone);
      return [ledger(`penalty/${day}`, 'penalty', at, { type: 'AccruePenalty', day, at }, 3)];
    }
    case 'AccountFrozen': {
      const since = event.data.at;
      const { blockAfterDays, deleteAfterBlockedDays } = profile.freeze.objectStorage;
      const objectStorageBlockAt = plusDays(since, blockAfterDays);
      const objectStorageDeleteAt = plusDays(since, blockAfterDays + deleteAfterBlockedDays);
      return [
        ledger(`frozen/${since}/objects`, 'delete-frozen-objects', event.data.deleteObjectsAt, {
          type: 'QueueFrozenObjects',
          at: event.data.deleteObjectsAt,
        }),
        ledger(`frozen/${since}/object-storage-block`, 'block-object-storage', objectStorageBlockAt, {
          type: 'BlockObjectStorage',
          at: objectStorageBlockAt,
        }),
        ledger(`frozen/${since}/object-storage-delete`, 'delete-object-storage', objectStorageDeleteAt, {
          type: 'DeleteObjectStorage',
          at: objectStorageDeleteAt,
        }),
      ];
    }
    case 'AutoTopUpFailed': {
      const { requestId, retryAt } = event.data;
      if (!retryAt) return [];
      return [
        ledger(`auto-top-up-retry/${requestId}`, 'auto-top-up-retry', retryAt, {
          type: 'RetryAutoTopUp',
          failedRequestId: requestId,
          at: retryAt,
        }),
      ];
    }
    case 'AccountBlocked':
      return [deadline(`delete/${eventId}`, 'delete-account', event.data.at, { kind: 'delete-account' }, 7)];
    case 'PeriodClosed': {
      // A closed account's final period (issue 14, item 5): the refund at once, the deletion a day later.
      const closedAt = event.data.closedAt;
      if (!event.data.endsEarlyAt) return [];
      return [
        deadline('closure/final-refund', 'final-refund', closedAt, { kind: 'final-refund' }, 1),
        deadline(
          'closure/delete',
          'delete-closed-account',
          plusDays(closedAt, CLOSURE_DELETION_RETRY_DAYS),
          { kind: 'delete-closed-account' },
          7,
        ),
      ];
    }
    default:
      return [];
  }
}

/**
 * The closure saga's deadlines from the account stream (issue 14, item 5): a closure request closes the final
 * period at its instant; a deferred deletion is asked again at its `retryAt`.
 */
export function closureDeadlinesFor(
  event: Extract<AccountEvent, { type: 'AccountClosureRequested' | 'ClosedAccountDeletionDeferred' }>,
): Deadline[] {
  const { accountId } = event.data;
  const at = (instant: string) => new Date(Date.parse(instant)).toISOString();
  if (event.type === 'AccountClosureRequested') {
    return [
      {
        id: `${accountId}/closure/final-close`,
        accountId,
        kind: 'close-final-period',
        dueAt: at(event.data.at),
        order: 0,
        action: { kind: 'close-final-period' },
      },
    ];
  }
  const { retryAt } = event.data;
  if (retryAt === undefined) return [];
  return [
    {
      id: `${accountId}/closure/delete/${at(retryAt)}`,
      accountId,
      kind: 'delete-closed-account',
      dueAt: at(retryAt),
      order: 7,
      action: { kind: 'delete-closed-account' },
    },
  ];
}

/**
 * The deadline a deletion sets when it keeps personal data (a person's requisites in issued documents): at
 * the latest instant it is kept until, the retention key is destroyed (EndDocumentRetention).
 */
export function retentionDeadlineFor(
  event: Extract<AccountEvent, { type: 'AccountDeleted' }>,
  eventId: string,
): Deadline[] {
  const until = (event.data.kept ?? [])
    .map((k) => k.until)
    .sort()
    .at(-1);
  if (until === undefined) return [];
  return [
    {
      id: `${event.data.accountId}/end-document-retention/${eventId}`,
      accountId: event.data.accountId,
      kind: 'end-document-retention',
      dueAt: new Date(Date.parse(until)).toISOString(),
      order: 8,
      action: { kind: 'end-document-retention' },
    },
  ];
}
