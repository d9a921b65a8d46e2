import { refundsTable } from './refunds.projection.js';
import type { AccountEvent } from '../src/domain/account/account-events.js';
import type { LedgerEvent } from '../src/domain/ledger/ledger-events.js';
import { accountBudgetsTable, SPEND_COLUMNS, type HeldSpend, type SpendRows } from './account-budgets.js';
import { Decimal } from '../src/domain/shared/decimal.js';
import { accountListTable, LIST_COLUMNS, type ListRow, type ListRows } from './account-list.js';
import {
  accountSummaryTable,
  SUMMARY_COLUMNS,
  type HeldSummary,
  type SummaryRows,
} from './account-summary.js';
import type { Projection } from './runner/projection.js';
import { withBatch, type BatchWrites, type ReadModelDb } from './runner/read-model-db.js';
import { HeldRows, perTable, RowWriter } from './support/row-writes.js';
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
    // Keyed by the build's statements: one batch state per build in a transaction.
    const sql = statements(table);
    await withBatch(
      db,
      sql,
      () => new AccountStatusBatch(db, sql),
      async (batch) => {
        await accountBudgetsTable.apply(db, batch.spend, recorded, table);
        const summarised = await accountSummaryTable.apply(batch.summaries, recorded);
        await refundsTable.apply(db, recorded, table);
        const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
        if (summarised)
          await accountListTable.balanceChanged(batch.list, summarised.accountId, summarised.balance);
        if (event.type === 'AccountOpened') await accountListTable.opened(batch.list, event.data);
        if (event.type === 'ContractChanged')
          await accountListTable.profileChanged(batch.list, event.data.accountId, event.data.profileId);
        const change = statusChange(event);
        if (!change) return;
        const accountId =
          event.type === 'AccountOpened' ||
          event.type === 'AccountDeleted' ||
          event.type === 'AccountClosureRequested'
            ? event.data.accountId
            : ledgerStreamParts(recorded.streamId)?.accountId;
        if (!accountId) return;
        const row = { account_id: accountId, ...change };
        batch.status.put(accountId, { ...row, position: recorded.position.toString() });
        const position = sortablePosition(recorded);
        batch.history.add(`${accountId}\u0000${position}`, { ...row, position, event_type: recorded.type });
        await accountListTable.statusChanged(batch.list, accountId, change.status, change.since);
      },
    );
  },
};

interface StatusRow {
  account_id: string;
  status: string;
  since: string;
  reason: string;
  position: string;
}

type HistoryRow = StatusRow & { event_type: string };

const STATUS_COLUMNS = ['account_id', 'status', 'since', 'reason', 'position'] as const;
const HISTORY_COLUMNS = ['account_id', 'position', 'status', 'since', 'reason', 'event_type'] as const;

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  summary: `SELECT ${SUMMARY_COLUMNS.join(', ')} FROM ${table('account_summary')} WHERE account_id = $1`,
  list: `SELECT ${LIST_COLUMNS.join(', ')} FROM ${table('account_list')} WHERE account_id = $1`,
  spend: `SELECT amount FROM ${table('account_period_spend')} WHERE account_id = $1 AND period_id = $2 AND project = $3`,
  summaries: new RowWriter({
    table: table('account_summary'),
    columns: SUMMARY_COLUMNS,
    types: { profile_version: 'integer' },
    key: ['account_id'],
    update: SUMMARY_COLUMNS.slice(1),
  }),
  lists: new RowWriter({
    table: table('account_list'),
    columns: LIST_COLUMNS,
    types: { has_debt: 'integer' },
    key: ['account_id'],
    update: LIST_COLUMNS.slice(1),
  }),
  statuses: new RowWriter({
    table: table('account_status'),
    columns: STATUS_COLUMNS,
    key: ['account_id'],
    update: STATUS_COLUMNS.slice(1),
  }),
  history: new RowWriter({
    table: table('account_status_history'),
    columns: HISTORY_COLUMNS,
    key: ['account_id', 'position'],
    update: [],
  }),
  spends: new RowWriter({
    table: table('account_period_spend'),
    columns: SPEND_COLUMNS,
    key: ['account_id', 'period_id', 'project'],
    update: ['amount'],
  }),
}));

/**
 * The rows of one batch: each summary, list and spend row read once, changed here, written once at the end
 * (a summary's ledger state folded in memory and serialised once). Within the batch these, not the tables,
 * are the truth. Budgets and refunds, a few events per account, are written as they come.
 */
class AccountStatusBatch implements BatchWrites {
  private readonly heldSummaries: HeldRows<HeldSummary>;
  private readonly heldList: HeldRows<ListRow>;
  private readonly heldSpend: HeldRows<HeldSpend>;
  readonly status: HeldRows<StatusRow>;
  readonly history: HeldRows<HistoryRow>;
  readonly summaries: SummaryRows;
  readonly list: ListRows;
  readonly spend: SpendRows;

  constructor(db: ReadModelDb, sql: ReturnType<typeof statements>) {
    this.heldSummaries = new HeldRows(sql.summaries, accountSummaryTable.values);
    this.heldList = new HeldRows(sql.lists, (row) => LIST_COLUMNS.map((c) => row[c]));
    this.heldSpend = new HeldRows(sql.spends, (row) => [
      row.account_id,
      row.period_id,
      row.project,
      row.amount.toFixed(),
    ]);
    this.status = new HeldRows(sql.statuses, (row) => STATUS_COLUMNS.map((c) => row[c]));
    this.history = new HeldRows(sql.history, (row) => HISTORY_COLUMNS.map((c) => row[c]));
    this.summaries = {
      get: (accountId) =>
        this.heldSummaries.get(accountId, async () => {
          const row = await db.get<HeldSummary['row']>(sql.summary, [accountId]);
          return row && { row: { ...row, profile_version: Number(row.profile_version) } };
        }),
      put: (held) => this.heldSummaries.put(held.row.account_id, held),
    };
    this.list = {
      get: (accountId) =>
        this.heldList.get(accountId, async () => {
          const row = await db.get<ListRow>(sql.list, [accountId]);
          return row && { ...row, has_debt: Number(row.has_debt) };
        }),
      put: (row) => this.heldList.put(row.account_id, row),
    };
    this.spend = {
      get: (key) => {
        const id = `${key.account_id}\u0000${key.period_id}\u0000${key.project}`;
        return this.heldSpend.get(id, async () => {
          const row = await db.get<{ amount: string }>(sql.spend, [
            key.account_id,
            key.period_id,
            key.project,
          ]);
          return row && { ...key, amount: new Decimal(row.amount) };
        });
      },
      put: (row) => this.heldSpend.put(`${row.account_id}\u0000${row.period_id}\u0000${row.project}`, row),
    };
  }

  async flush(db: ReadModelDb): Promise<void> {
    await this.heldSummaries.flush(db);
    await this.heldList.flush(db);
    await this.status.flush(db);
    await this.history.flush(db);
    await this.heldSpend.flush(db);
  }
}
