/**
 * Budgets and alerts (issue 15, item 4): one stream per account, `alerts-<accountId>`. A budget is set and
 * ended (never edited); each crossing of a threshold is one `AlertRaised`, which the delivery outbox sends
 * by webhook and e-mail. Balance-type alerts (low balance, credit limit used) re-arm with `AlertRearmed`
 * once the value is back on the safe side, so the next crossing alerts again.
 */
export type AlertChannel = 'webhook' | 'email';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['webhook', 'email'];
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [50, 80, 100];
/** Credit-limit accounts are warned at these percents of the limit used (not configurable). */
export const CREDIT_LIMIT_THRESHOLDS: readonly number[] = [50, 80, 100];
/** The project of a usage record that names none. */
export const DEFAULT_PROJECT = 'default';

export type AlertKind = 'budget' | 'low-balance' | 'credit-limit';

/** `account`: all the account's spend; `project:<id>`: the spend of usage records naming that project. */
export type BudgetScope = 'account' | `project:${string}`;

export interface Budget {
  budgetId: string;
  scope: BudgetScope;
  /** Monthly, in the account's currency. */
  amount: string;
  currency: string;
  /** Percents of `amount`, ascending. */
  thresholds: number[];
  channels: AlertChannel[];
  at: string;
}

export interface RaisedAlert {
  /** Deterministic (see alertIdOf): re-processing the same crossing gives the same id. */
  alertId: string;
  kind: AlertKind;
  /** Budgets and credit limit: the percent crossed. Absent for low balance. */
  threshold?: number;
  /** What crossed: the period's spend (budget), the balance (low balance), the credit used (credit limit). */
  value: string;
  /** What it is measured against: the budget's amount, the warning level, the credit limit. */
  limit: string;
  currency: string;
  /** The reporting period of the ledger event that crossed. */
  periodId: string;
  channels: AlertChannel[];
  budgetId?: string;
  scope?: BudgetScope;
  /** The ledger event that crossed, and its position in the log (a replay older than the last one is stale). */
  sourceEventId: string;
  sourcePosition: string;
  at: string;
}

export type AlertEvent =
  | { type: 'BudgetSet'; data: Budget }
  | { type: 'BudgetEnded'; data: { budgetId: string; at: string } }
  | { type: 'AlertSettingsSet'; data: AlertSettings & { at: string } }
  | { type: 'AlertRaised'; data: RaisedAlert }
  | { type: 'AlertRearmed'; data: { key: string; sourcePosition: string; at: string } };

/**
 * The account's balance-type alerts, on request (a deploy does not start warning every account): the
 * low-balance warning level ("0": none) and the credit-limit alerts at 50/80/100 % used.
 */
export interface AlertSettings {
  lowBalanceThreshold: string;
  creditLimitAlerts: boolean;
}

export type AlertEventType = AlertEvent['type'];
export type AlertEventOf<T extends AlertEventType> = Extract<AlertEvent, { type: T }>;

/** The re-arming key of a balance-type alert: `low-balance`, `credit-limit:80`. */
export const rearmKeyOf = (kind: 'low-balance' | 'credit-limit', threshold?: number): string =>
  kind === 'low-balance' ? 'low-balance' : `credit-limit:${threshold}`;

/**
 * The alert's id: a budget alert is once per budget, threshold and period; a balance-type alert once per
 * crossing, named by the ledger event that crossed.
 */
export function alertIdOf(
  accountId: string,
  alert: Pick<RaisedAlert, 'kind' | 'budgetId' | 'threshold' | 'periodId' | 'sourceEventId'>,
): string {
  switch (alert.kind) {
    case 'budget':
      return `${accountId}/budget/${alert.budgetId}/${alert.threshold}/${alert.periodId}`;
    case 'low-balance':
      return `${accountId}/low-balance/${alert.sourceEventId}`;
    case 'credit-limit':
      return `${accountId}/credit-limit/${alert.threshold}/${alert.sourceEventId}`;
  }
}

/** Oldest first, then by id: the read model's ORDER BY set_at, budget_id (binary string order). */
export const budgetOrder = (a: Budget, b: Budget): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.budgetId < b.budgetId ? -1 : a.budgetId > b.budgetId ? 1 : 0;
