import { refundsTable } from './refunds.projection.js';
import type { AccountEvent } from '../src/domain/account/account-events.js';
import type { LedgerEvent } from '../src/domain/ledger/ledger-events.js';
import { accountBudgetsTable } from './account-budgets.js';
import { accountListTable } from './account-list.js';
import { accountSummaryTable } from './account-summary.js';
import type { Projection } from './runner/projection.js';
import { ledgerStreamParts, sortablePosition } from './support/streams.js';
import {
  ACCOUNT_STREAM_PREFIX,
  ALERTS_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
} from '../src/platform/event-store/stream-names.js';

interface StatusChange {
  status: string;
  since: string;
  reason: string;
}

/** What each event means for the account's status, and why; undefined when the status does not change. */
function statusChange(event: LedgerEvent | AccountEvent): StatusChange | undefined {
  switch (event.type) {
    case 'AccountOpened':
      return { status: 'active', since: event.data.openedAt, reason: 'account opened' };
    case 'AccountFrozen':
      return { status: 'frozen', since: event.data.at, reason: `balance ${event.data.balance} below zero` };
    case 'AccountUnfrozen':
      return { status: 'active', since: event.data.at, reason: 'balance positive again' };
    case 'PaymentRequired':
      return {
        status: 'payment-required',
        since: event.data.at,
        reason: `funds exhausted; suspension at ${event.data.suspendAt} unless paid`,
      };
    case 'PaymentRequirementCleared':
      return { status: 'active', since: event.data.at, reason: 'funds available again' };
    case 'AccountSuspended':
      return {
        status: 'suspended',
        since: event.data.at,
        reason: `${event.data.reason}: debt ${event.data.debt}; deletion at ${event.data.deleteAt}`,
      };
    case 'AccountRestored':
      return { status: 'active', since: event.data.at, reason: 'debt paid' };
    case 'AccountBlocked':
      return { status: 'blocked', since: event.data.at, reason: `suspended since ${event.data.suspendedAt}` };
    case 'AccountDeleted':
      return { status: 'deleted', since: event.data.at, reason: event.data.reason };
    // Closing at the customer's request (issue 14, item 5): closing until the final period is closed.
    case 'AccountClosureRequested':
      return {
        status: 'closing',
        since: event.data.at,
        reason: `closure requested${event.data.reason ? `: ${event.data.reason}` : ''}`,
      };
    case 'PeriodClosed':
      return event.data.endsEarlyAt
        ? {
            status: 'closed',
            since: event.data.closedAt,
            reason: `final period ${event.data.periodId} closed early at ${event.data.endsEarlyAt}`,
          }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Each account's status now and every change of it, with the reason, in log order; and `account_summary`,
 * what the account summary (GET /v1/accounts/:id) shows now: status with its reason and why, balances,
 * grants, bills and next deadlines (./account-summary.ts).
 */
export const accountStatusProjection: Projection = {
  name: 'account-status',
  // v2: the account_summary table; v3: its payment_method (the second provider's statuses need it);
  // v4: the account_list table (GET /v1/accounts); v5: account_budgets and account_period_spend (issue 15);
  // v6: account_summary's state keeps the unspent deposits one by one and the refunds (the summary's
  // `refundable`), and the refunds and refund_parts tables (issue 14).
  // v7: closing an account (issue 14, item 5): statuses closing and closed; account_summary's closure columns.
  // v8: account_period_spend counts the corrections booked in the period (signed, issue 15).
  version: 8,
  filter: { streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX, ALERTS_STREAM_PREFIX] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_status')} (
      account_id TEXT PRIMARY KEY, status TEXT NOT NULL, since TEXT NOT NULL, reason TEXT NOT NULL, position TEXT NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_status_history')} (
      account_id TEXT NOT NULL, position TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL,
      reason TEXT NOT NULL, event_type TEXT NOT NULL, PRIMARY KEY (account_id, position))`);
    await accountSummaryTable.setup(db, table);
    await accountListTable.setup(db, table);
    await accountBudgetsTable.setup(db, table);
    await refundsTable.setup(db, table);
  },

  async apply(db, recorded, table) {
    await accountBudgetsTable.apply(db, recorded, table);
    const summarised = await accountSummaryTable.apply(db, recorded, table);
    await refundsTable.apply(db, recorded, table);
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    if (summarised)
      await accountListTable.balanceChanged(db, table, summarised.accountId, summarised.balance);
    if (event.type === 'AccountOpened') await accountListTable.opened(db, table, event.data);
    if (event.type === 'ContractChanged')
      await accountListTable.profileChanged(db, table, event.data.accountId, event.data.profileId);
    const change = statusChange(event);
    if (!change) return;
    const accountId =
      event.type === 'AccountOpened' ||
      event.type === 'AccountDeleted' ||
      event.type === 'AccountClosureRequested'
        ? event.data.accountId
        : ledgerStreamParts(recorded.streamId)?.accountId;
    if (!accountId) return;
    await db.run(
      `INSERT INTO ${table('account_status')} (account_id, status, since, reason, position) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, since = excluded.since,
         reason = excluded.reason, position = excluded.position`,
      [accountId, change.status, change.since, change.reason, recorded.position.toString()],
    );
    await db.run(
      `INSERT INTO ${table('account_status_history')} (account_id, position, status, since, reason, event_type)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [accountId, sortablePosition(recorded), change.status, change.since, change.reason, recorded.type],
    );
    await accountListTable.statusChanged(db, table, accountId, change.status, change.since);
  },
};
