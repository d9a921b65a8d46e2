import Big from 'big.js';
import type { AccountStatus, SuspensionReason } from './ledger-events.js';
import type { LedgerState } from './ledger-state.js';

/** Why an account is in its status, for people (`why`) and for programs (`reason`). */
export interface StatusExplanation {
  value: AccountStatus;
  since: string;
  reason: 'balance-below-zero' | SuspensionReason | 'debt-unpaid' | null;
  why: string | null;
}

export type UpcomingDeadline =
  | { kind: 'period-close'; dueAt: string; periodId: string }
  | { kind: 'bill-due'; dueDate: string; billId: string; unpaid: string }
  | { kind: 'suspend'; dueAt: string }
  | { kind: 'delete-frozen-objects'; dueAt: string }
  | { kind: 'delete-account'; dueAt: string };

/** A pure reading of the ledger state: the same answer now and for any past time the state is rebuilt at. */
export function explainStatus(state: LedgerState): StatusExplanation {
  const base = { value: state.status, since: state.statusSince };
  const { freeze, suspension } = state;
  switch (state.status) {
    case 'active':
      return { ...base, reason: null, why: null };
    case 'frozen':
      return {
        ...base,
        reason: 'balance-below-zero',
        why:
          'The personal balance went below zero: no new resources, running ones stopped; a top-up that makes ' +
          'it positive unfreezes the account' +
          (freeze && !freeze.objectsQueued
            ? `. Frozen objects are queued for deletion at ${freeze.deleteObjectsAt} otherwise.`
            : '. Frozen objects are queued for deletion.'),
      };
    case 'payment-required':
      return {
        ...base,
        reason: suspension?.reason ?? 'funds-exhausted',
        why: `Grants and funds are exhausted: top up before ${suspension?.suspendAt ?? 'the notice date'} or the account is suspended.`,
      };
    case 'suspended': {
      const because =
        suspension?.reason === 'bill-overdue'
          ? 'a bill was not paid by its due date'
          : suspension?.reason === 'trial-ended'
            ? 'the trial ended (its grant was used up or expired)'
            : 'the funds were exhausted and not topped up';
      return {
        ...base,
        reason: suspension?.reason ?? 'funds-exhausted',
        why:
          `Suspended because ${because}; only storage is charged. ` +
          (suspension?.reason === 'trial-ended'
            ? 'Upgrading to a paid version restores it'
            : 'Paying the debt in full restores it') +
          (suspension?.deleteAt
            ? `; otherwise the account and its data are deleted at ${suspension.deleteAt}.`
            : '.'),
      };
    }
    case 'blocked':
    case 'deleted':
      return {
        ...base,
        reason: 'debt-unpaid',
        why: `The debt was not paid in time: the account is ${state.status} and its data deleted.`,
      };
  }
}

const sortKey = (d: UpcomingDeadline) => ('dueAt' in d ? d.dueAt : d.dueDate);

/** What happens next to the account unless something changes it, earliest first. */
export function nextDeadlines(state: LedgerState): UpcomingDeadline[] {
  if (state.status === 'blocked' || state.status === 'deleted') return [];
  const deadlines: UpcomingDeadline[] = [
    { kind: 'period-close', dueAt: state.endsAt, periodId: state.periodId },
  ];
  for (const bill of state.openBills.values()) {
    const unpaid = new Big(bill.amount).minus(bill.paid);
    if (unpaid.gt(0))
      deadlines.push({
        kind: 'bill-due',
        dueDate: bill.dueDate,
        billId: bill.billId,
        unpaid: unpaid.toFixed(),
      });
  }
  if (state.freeze && !state.freeze.objectsQueued)
    deadlines.push({ kind: 'delete-frozen-objects', dueAt: state.freeze.deleteObjectsAt });
  if (state.status === 'payment-required' && state.suspension?.suspendAt)
    deadlines.push({ kind: 'suspend', dueAt: state.suspension.suspendAt });
  if (state.status === 'suspended' && state.suspension?.deleteAt)
    deadlines.push({ kind: 'delete-account', dueAt: state.suspension.deleteAt });
  return deadlines.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}
