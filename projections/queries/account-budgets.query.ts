import Big from 'big.js';
import type { AlertChannel, Budget, BudgetScope } from '../../src/domain/alerts/alert-events.js';
import type { ReadModelQuery } from './read-models.js';

export interface AccountBudgetsRecord {
  /** The account's latest period (null before its first). */
  periodId: string | null;
  /** That period's spend by project. */
  spendByProject: Map<string, Big>;
  /** The active budgets, oldest first. */
  budgets: Budget[];
}

/** One account's budgets and its latest period's spend; undefined for an account the read model has not seen. */
export const accountBudgetsRecord =
  (accountId: string): ReadModelQuery<AccountBudgetsRecord | undefined> =>
  async (db, table) => {
    const account = await db.get<{ period_id: string | null }>(
      `SELECT period_id FROM ${table('account_summary')} WHERE account_id = $1`,
      [accountId],
    );
    if (!account) return undefined;
    const spend = account.period_id
      ? await db.all<{ project: string; amount: string }>(
          `SELECT project, amount FROM ${table('account_period_spend')} WHERE account_id = $1 AND period_id = $2`,
          [accountId, account.period_id],
        )
      : [];
    const budgets = await db.all<{
      budget_id: string;
      scope: string;
      amount: string;
      currency: string;
      thresholds: string;
      channels: string;
      set_at: string;
    }>(
      `SELECT budget_id, scope, amount, currency, thresholds, channels, set_at FROM ${table('account_budgets')}
       WHERE account_id = $1 AND ended_at IS NULL ORDER BY set_at, budget_id`,
      [accountId],
    );
    return {
      periodId: account.period_id,
      spendByProject: new Map(spend.map((s) => [s.project, new Big(s.amount)])),
      budgets: budgets.map((b) => ({
        budgetId: b.budget_id,
        scope: b.scope as BudgetScope,
        amount: b.amount,
        currency: b.currency,
        thresholds: JSON.parse(b.thresholds) as number[],
        channels: JSON.parse(b.channels) as AlertChannel[],
        at: b.set_at,
      })),
    };
  };
