import type Big from 'big.js';
import type { AlertEvent } from '../src/domain/alerts/alert-events.js';
import { periodSpendOf } from '../src/domain/alerts/alert-detection.js';
import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import { accountIdOfAlertsStream, ledgerStreamParts } from '../src/platform/event-store/stream-names.js';
import type { Projection } from './runner/projection.js';
import type { ReadModelDb } from './runner/read-model-db.js';
import { Decimal } from '../src/domain/shared/decimal.js';

export interface SpendRow {
  account_id: string;
  period_id: string;
  project: string;
  amount: string;
}

export const SPEND_COLUMNS = ['account_id', 'period_id', 'project', 'amount'] as const;

/** A spend row as a batch holds it: its amount a decimal, added to per charge, printed once at the flush. */
export type HeldSpend = Omit<SpendRow, 'amount'> & { amount: Big };

/** The spend rows of one batch (see HeldRows): read once per account, period and project, written once. */
export interface SpendRows {
  get(key: Omit<SpendRow, 'amount'>): Promise<HeldSpend | undefined>;
  put(row: HeldSpend): void;
}

/**
 * Budgets and the period's spend by project (issue 15), kept by the account-status projection beside
 * `account_summary`: `account_budgets` (the active and ended budgets of each account), and
 * `account_period_spend` (per account, period and project, the sum of the period's charges and corrections
 * booked in it, signed (periodSpendOf) — what budgets
 * measure and the summary's forecast extrapolates).
 */
export const accountBudgetsTable: Pick<Projection, 'setup'> & {
  apply(
    db: ReadModelDb,
    spend: SpendRows,
    recorded: RecordedEvent,
    table: (name: string) => string,
  ): Promise<void>;
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

  async apply(db, spend, recorded, table) {
    const spent = periodSpendOf(recorded);
    if (spent) {
      const ledger = ledgerStreamParts(recorded.streamId);
      if (!ledger) return;
      const key = { account_id: ledger.accountId, period_id: ledger.periodId, project: spent.project };
      const row = await spend.get(key);
      spend.put({ ...key, amount: (row?.amount ?? new Decimal('0')).plus(spent.amount) });
      return;
    }
    const accountId = accountIdOfAlertsStream(recorded.streamId);
    if (!accountId) return;
    // Budgets change rarely (a few events per account): written as they come, not held by the batch.
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
