/**
 * The account-status projection as it was before its writes were batched (its `account_summary` restored
 * from JSON, folded and serialised again on every ledger event; one statement per row change), kept
 * verbatim — with account-summary.ts, account-list.ts and account-budgets.ts of that time — as the
 * reference the batched projection must equal (account-status-batched.test.ts).
 */
import type { AccountEvent, AccountFacts } from '../../../src/domain/account/account-events.js';
import type { AlertEvent } from '../../../src/domain/alerts/alert-events.js';
import { periodSpendOf } from '../../../src/domain/alerts/alert-detection.js';
import type { LedgerEvent, LedgerEventOf } from '../../../src/domain/ledger/ledger-events.js';
import {
  carriedState,
  evolveLedger,
  initialLedgerState,
  type LedgerState,
} from '../../../src/domain/ledger/ledger-state.js';
import { Decimal } from '../../../src/domain/shared/decimal.js';
import { localDate } from '../../../src/domain/shared/reporting-period.js';
import type { RecordedEvent } from '../../../src/platform/event-store/event-store.port.js';
import {
  ACCOUNT_STREAM_PREFIX,
  ALERTS_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
  accountIdOfAlertsStream,
  ledgerStreamParts,
} from '../../../src/platform/event-store/stream-names.js';
import { refundsTable } from '../../../projections/refunds.projection.js';
import type { Projection } from '../../../projections/runner/projection.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import { addDecimals } from '../../../projections/support/decimal-sum.js';
import { sortablePosition } from '../../../projections/support/streams.js';

// ---- projections/account-summary.ts

/** A period's state as a PeriodOpened would carry it in: what the summary is a pure function of. */
export type LedgerSnapshot = LedgerEventOf<'PeriodOpened'>['data'];

/** Stands for an effective time that cannot be read: such a state is never served as "now". */
export const UNREADABLE_TIME = '9999-12-31T23:59:59.999Z';

/**
 * The account summary now (GET /v1/accounts/:id), kept by the account-status projection in its
 * `account_summary` table: per account, its facts from the account stream and the state of its latest
 * reporting period, folded with the domain's own `evolveLedger` — the same state the summary reads by
 * replaying that period's stream, so status, `why` and `nextDeadlines` come out the same. The state is kept
 * as the PeriodOpened that would reopen it (grants kept even when used up, in their order), and with it the
 * latest effective time folded in: a summary as of an earlier instant (an event dated ahead) is answered
 * from the log.
 */
export const accountSummaryTable: Pick<Projection, 'setup'> & {
  /** Applies the event; when it changes the latest period's balance (or opens a period), the balance now. */
  apply(
    db: ReadModelDb,
    recorded: RecordedEvent,
    table: (name: string) => string,
  ): Promise<{ accountId: string; balance: string } | undefined>;
} = {
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_summary')} (
      account_id TEXT PRIMARY KEY, currency TEXT NOT NULL, payer_type TEXT NOT NULL, profile_id TEXT NOT NULL,
      profile_version INTEGER NOT NULL, opened_at TEXT NOT NULL, period_id TEXT, ledger TEXT,
      latest_effective_at TEXT, position TEXT NOT NULL, payment_method TEXT, closure_requested_at TEXT,
      closed_at TEXT, final_day TEXT, opened_day TEXT, deleted_at TEXT)`);
  },

  async apply(db, recorded, table) {
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    const position = recorded.position.toString();
    if (event.type === 'AccountOpened') {
      const d = event.data;
      await db.run(
        `INSERT INTO ${table('account_summary')} (account_id, currency, payer_type, profile_id, profile_version,
           opened_at, period_id, ledger, latest_effective_at, position, payment_method, opened_day)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7, $8, $9) ON CONFLICT (account_id) DO NOTHING`,
        [
          d.accountId,
          d.currency,
          d.payerType,
          d.profileId,
          d.profileVersion,
          d.openedAt,
          position,
          d.paymentMethod ?? null,
          localDate(d.openedAt, d.timeZone),
        ],
      );
      return undefined;
    }
    if (event.type === 'PaymentMethodChanged') {
      await db.run(
        `UPDATE ${table('account_summary')} SET payment_method = $2, position = $3 WHERE account_id = $1`,
        [event.data.accountId, event.data.paymentMethod, position],
      );
      return undefined;
    }
    if (event.type === 'ContractChanged') {
      await db.run(
        `UPDATE ${table('account_summary')} SET profile_id = $2, profile_version = $3, position = $4
         WHERE account_id = $1`,
        [event.data.accountId, event.data.profileId, event.data.profileVersion, position],
      );
      return undefined;
    }
    if (event.type === 'AccountClosureRequested') {
      await db.run(
        `UPDATE ${table('account_summary')} SET closure_requested_at = $2, position = $3 WHERE account_id = $1`,
        [event.data.accountId, event.data.at, position],
      );
      return undefined;
    }
    if (event.type === 'AccountDeleted') {
      await db.run(`UPDATE ${table('account_summary')} SET deleted_at = $2 WHERE account_id = $1`, [
        event.data.accountId,
        event.data.at,
      ]);
      return undefined;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return undefined;
    if (event.type === 'PeriodClosed' && event.data.endsEarlyAt) {
      // The final period's close (its state is not kept: a snapshot reopens a period): when it ended.
      await db.run(
        `UPDATE ${table('account_summary')} SET closed_at = $2, final_day = $3 WHERE account_id = $1`,
        [ledger.accountId, event.data.endsEarlyAt, event.data.finalDay ?? null],
      );
    }
    const row = await db.get<{
      period_id: string | null;
      ledger: string | null;
      latest_effective_at: string;
    }>(
      `SELECT period_id, ledger, latest_effective_at FROM ${table('account_summary')} WHERE account_id = $1`,
      [ledger.accountId],
    );
    // An account never opened has no summary (the log answers 404); the summary reads the latest period
    // only, so an earlier one changes nothing it shows.
    if (!row || (row.period_id !== null && ledger.periodId < row.period_id)) return undefined;
    // Replaying a period's stream starts from the initial state (its PeriodOpened carries the rest in).
    const samePeriod = row.period_id === ledger.periodId && row.ledger !== null;
    const before = samePeriod
      ? restoreLedgerState(JSON.parse(row.ledger!) as LedgerSnapshot)
      : initialLedgerState();
    const state = evolveLedger(before, event as LedgerEvent);
    const latest = samePeriod
      ? later(row.latest_effective_at, effectiveTime(recorded))
      : effectiveTime(recorded);
    await db.run(
      `UPDATE ${table('account_summary')} SET period_id = $2, ledger = $3, latest_effective_at = $4, position = $5
       WHERE account_id = $1`,
      [ledger.accountId, ledger.periodId, JSON.stringify(snapshotOf(state)), latest, position],
    );
    // A new period restates the balance; within one, only a change of it is news.
    if (samePeriod && state.balance.eq(before.balance)) return undefined;
    return { accountId: ledger.accountId, balance: state.balance.toFixed() };
  },
};

/** The ledger state a snapshot stands for: the domain's own fold of the PeriodOpened that carries it. */
export function restoreLedgerState(snapshot: LedgerSnapshot): LedgerState {
  return evolveLedger(initialLedgerState(), { type: 'PeriodOpened', data: snapshot });
}

/**
 * Everything of a state that its restoration gives back: unlike the state a period carries into the next
 * (`carriedState`), used-up grants stay, in their order, so the restored state is the same state.
 */
function snapshotOf(state: LedgerState): LedgerSnapshot {
  const carried = carriedState(state, { keepUsedUpGrants: true });
  return {
    accountId: state.accountId,
    periodId: state.periodId,
    startsAt: state.startsAt,
    endsAt: state.endsAt,
    lastDay: state.lastDay,
    currency: state.currency,
    profileId: state.profileId,
    profileVersion: state.profileVersion,
    carried,
  };
}

/** The event's effective time as a canonical instant (the summary compares it with "now"). */
function effectiveTime(recorded: RecordedEvent): string {
  const ms = Date.parse(String(recorded.metadata.effectiveAt));
  return Number.isNaN(ms) ? UNREADABLE_TIME : new Date(ms).toISOString();
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

// ---- projections/account-list.ts

type Table = (name: string) => string;

/** Instants are stored canonical (UTC, milliseconds) so that text order is time order in both databases. */
export const canonicalInstant = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

/**
 * The account list (GET /v1/accounts), kept by the account-status projection in its `account_list` table:
 * one row per opened account with what a person filtering accounts needs — status and since when, profile,
 * region, payer type, currency, balance and debt (the latest period's, as the account summary shows them).
 * Debt is the part of the balance below zero, as in the summary; `has_debt` makes "debt > 0" a plain
 * filter, the amounts staying decimal strings.
 */
export const accountListTable = {
  async setup(db: ReadModelDb, table: Table): Promise<void> {
    // Account ids compare byte-wise in both databases (PostgreSQL's default collation may not), so the
    // keyset pagination's `account_id > cursor` and ORDER BY agree with each other and across dialects.
    const bytewise = db.dialect === 'postgres' ? ' COLLATE "C"' : '';
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_list')} (
      account_id TEXT${bytewise} PRIMARY KEY, status TEXT NOT NULL, status_since TEXT NOT NULL,
      profile_id TEXT NOT NULL, region TEXT NOT NULL, payer_type TEXT NOT NULL, currency TEXT NOT NULL,
      balance TEXT NOT NULL, debt TEXT NOT NULL, has_debt INTEGER NOT NULL, opened_at TEXT NOT NULL)`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('account_list_by_status')} ON ${table('account_list')} (status, account_id)`,
    );
  },

  async opened(db: ReadModelDb, table: Table, d: AccountFacts): Promise<void> {
    const openedAt = canonicalInstant(d.openedAt);
    await db.run(
      `INSERT INTO ${table('account_list')} (account_id, status, status_since, profile_id, region, payer_type,
         currency, balance, debt, has_debt, opened_at)
       VALUES ($1, 'active', $2, $3, $4, $5, $6, '0', '0', 0, $2) ON CONFLICT (account_id) DO NOTHING`,
      [d.accountId, openedAt, d.profileId, d.region, d.payerType, d.currency],
    );
  },

  async profileChanged(db: ReadModelDb, table: Table, accountId: string, profileId: string) {
    await db.run(`UPDATE ${table('account_list')} SET profile_id = $2 WHERE account_id = $1`, [
      accountId,
      profileId,
    ]);
  },

  async statusChanged(db: ReadModelDb, table: Table, accountId: string, status: string, since: string) {
    await db.run(`UPDATE ${table('account_list')} SET status = $2, status_since = $3 WHERE account_id = $1`, [
      accountId,
      status,
      canonicalInstant(since),
    ]);
  },

  async balanceChanged(db: ReadModelDb, table: Table, accountId: string, balance: string) {
    const value = new Decimal(balance);
    const debt = value.lt('0') ? value.neg() : new Decimal('0');
    await db.run(
      `UPDATE ${table('account_list')} SET balance = $2, debt = $3, has_debt = $4 WHERE account_id = $1`,
      [accountId, value.toFixed(), debt.toFixed(), debt.gt('0') ? 1 : 0],
    );
  },
};

// ---- projections/account-budgets.ts

/**
 * Budgets and the period's spend by project (issue 15), kept by the account-status projection beside
 * `account_summary`: `account_budgets` (the active and ended budgets of each account), and
 * `account_period_spend` (per account, period and project, the sum of the period's charges and corrections
 * booked in it, signed (periodSpendOf) — what budgets
 * measure and the summary's forecast extrapolates).
 */
export const accountBudgetsTable: Pick<Projection, 'setup'> & {
  apply(db: ReadModelDb, recorded: RecordedEvent, table: (name: string) => string): Promise<void>;
} = {
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_budgets')} (
      account_id TEXT NOT NULL, budget_id TEXT NOT NULL, scope TEXT NOT NULL, amount TEXT NOT NULL,
      currency TEXT NOT NULL, thresholds TEXT NOT NULL, channels TEXT NOT NULL, set_at TEXT NOT NULL,
      ended_at TEXT, PRIMARY KEY (account_id, budget_id))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_period_spend')} (
      account_id TEXT NOT NULL, period_id TEXT NOT NULL, project TEXT NOT NULL, amount TEXT NOT NULL,
      PRIMARY KEY (account_id, period_id, project))`);
  },

  async apply(db, recorded, table) {
    const spent = periodSpendOf(recorded);
    if (spent) {
      const ledger = ledgerStreamParts(recorded.streamId);
      if (!ledger) return;
      const { project } = spent;
      const row = await db.get<{ amount: string }>(
        `SELECT amount FROM ${table('account_period_spend')} WHERE account_id = $1 AND period_id = $2 AND project = $3`,
        [ledger.accountId, ledger.periodId, project],
      );
      await db.run(
        `INSERT INTO ${table('account_period_spend')} (account_id, period_id, project, amount) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, period_id, project) DO UPDATE SET amount = excluded.amount`,
        [ledger.accountId, ledger.periodId, project, addDecimals(row?.amount, spent.amount)],
      );
      return;
    }
    const accountId = accountIdOfAlertsStream(recorded.streamId);
    if (!accountId) return;
    const event = { type: recorded.type, data: recorded.data } as AlertEvent;
    if (event.type === 'BudgetSet') {
      const b = event.data;
      await db.run(
        `INSERT INTO ${table('account_budgets')} (account_id, budget_id, scope, amount, currency, thresholds,
           channels, set_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)
         ON CONFLICT (account_id, budget_id) DO NOTHING`,
        [
          accountId,
          b.budgetId,
          b.scope,
          b.amount,
          b.currency,
          JSON.stringify(b.thresholds),
          JSON.stringify(b.channels),
          b.at,
        ],
      );
    } else if (event.type === 'BudgetEnded') {
      await db.run(
        `UPDATE ${table('account_budgets')} SET ended_at = $3 WHERE account_id = $1 AND budget_id = $2`,
        [accountId, event.data.budgetId, event.data.at],
      );
    }
  },
};

// ---- projections/account-status.projection.ts

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
export const accountStatusReference: Projection = {
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
