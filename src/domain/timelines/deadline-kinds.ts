import type { UpcomingDeadline } from '../ledger/account-outlook.js';

/**
 * The deadlines vocabulary: what happens to an account at a point in time unless something changes it.
 * One set of words for the timeline planner (every timer it plans has a kind), the deadlines read model and
 * the account summary's `nextDeadlines`.
 */
export type DeadlineKind =
  /** The reporting period ends: it is closed and its documents are issued. */
  | 'period-close'
  /** A bill falls due: unpaid after that day, it is overdue. */
  | 'bill-due'
  /** A grant expires: what is left of it is lost. */
  | 'grant-expiry'
  /** The customer is warned, days ahead, that the account will be suspended unless it pays. */
  | 'suspension-notice'
  /** The account is suspended unless it has paid (funds exhausted, or a bill overdue). */
  | 'suspend'
  /** A late-payment penalty is charged for a day the debt stayed unpaid. */
  | 'penalty'
  /** A frozen account's objects are queued for deletion unless the balance is positive again. */
  | 'delete-frozen-objects'
  /** A frozen account's object storage is blocked (no reads either). */
  | 'block-object-storage'
  /** A frozen account's object storage is deleted. */
  | 'delete-object-storage'
  /** A suspended account still in debt is blocked and its data deleted. */
  | 'delete-account'
  /** A card auto top-up the gateway refused is asked again (the profile's retry policy). */
  | 'auto-top-up-retry'
  /** A deleted account's documents have been kept as long as the law requires: their personal data is erased. */
  | 'end-document-retention'
  /** A closing account's final period closes early, at the closure instant (issue 14, item 5). */
  | 'close-final-period'
  /** After the final close, what is left on the balance is asked back (a refund of 'all'). */
  | 'final-refund'
  /** A closed account is deleted per retention once nothing is owed either way (else asked again). */
  | 'delete-closed-account';

const EVERY_KIND: Record<DeadlineKind, true> = {
  'period-close': true,
  'bill-due': true,
  'grant-expiry': true,
  'suspension-notice': true,
  suspend: true,
  penalty: true,
  'delete-frozen-objects': true,
  'block-object-storage': true,
  'delete-object-storage': true,
  'delete-account': true,
  'auto-top-up-retry': true,
  'end-document-retention': true,
  'close-final-period': true,
  'final-refund': true,
  'delete-closed-account': true,
};

/** Every kind, for checks at run time (e.g. of rows read back from a table). */
export const DEADLINE_KINDS = Object.keys(EVERY_KIND) as readonly DeadlineKind[];

export const isDeadlineKind = (value: unknown): value is DeadlineKind =>
  typeof value === 'string' && Object.hasOwn(EVERY_KIND, value);

/**
 * The summary's `nextDeadlines` (src/domain/ledger/account-outlook.ts) speak this vocabulary too. The ledger
 * cannot import it (the timelines sit above the ledger), so the check runs this way: a kind the summary
 * lists that is not a DeadlineKind fails to compile here.
 */
type _SummaryKindsAreDeadlineKinds = AssertSubset<UpcomingDeadline['kind'], DeadlineKind>;
type AssertSubset<T extends U, U> = T;
