import Big from 'big.js';
import {
  CREDIT_LIMIT_THRESHOLDS,
  DEFAULT_PROJECT,
  alertIdOf,
  rearmKeyOf,
  type Budget,
} from './alert-events.js';
import type { RaiseAlertCommand, RearmAlertCommand } from './alerts-decide.js';
import type { AlertsState } from './alerts-state.js';

/** An account's ledger as of one ledger event: what the alert reactor checks the thresholds against. */
export interface LedgerObservation {
  accountId: string;
  periodId: string;
  currency: string;
  /** The period's spend so far by project (`default` for records that name none). */
  spendByProject: ReadonlyMap<string, Big>;
  balance: Big;
  creditLimit: Big;
  sourceEventId: string;
  sourcePosition: string;
  at: string;
}

/** A budget's spend in the period: the whole account's, or its project's. */
export function spendInScope(budget: Pick<Budget, 'scope'>, spendByProject: ReadonlyMap<string, Big>): Big {
  if (budget.scope === 'account') return [...spendByProject.values()].reduce((a, b) => a.plus(b), new Big(0));
  return spendByProject.get(budget.scope.slice('project:'.length)) ?? new Big(0);
}

/** The percent of `limit` that `value` is, to two decimals (half-up); "0" when the limit is 0. */
export function percentOf(value: Big, limit: Big): string {
  return limit.lte(0) ? '0' : value.times(100).div(limit).round(2, Big.roundHalfUp).toFixed(2);
}

/**
 * The commands a ledger event calls for: a RaiseAlert for every threshold crossed and not yet alerted, a
 * RearmAlert for every raised balance-type alert whose value is back on the safe side. The decider
 * refuses what it has seen (the same alert id, an alert not re-armed, a stale source), so sending them
 * again — a replay — stores nothing.
 */
/**
 * Whether an account asks for no alert at all (no budget, no low-balance level, no credit-limit alerts, the
 * default): then no ledger event can raise or re-arm one, and the reactor need not fold the ledger.
 */
export const watchesNothing = (state: AlertsState): boolean =>
  state.budgets.size === 0 && !new Big(state.lowBalanceThreshold ?? '0').gt(0) && !state.creditLimitAlerts;

export function detectAlerts(
  observation: LedgerObservation,
  state: AlertsState,
): Array<RaiseAlertCommand | RearmAlertCommand> {
  const o = observation;
  const commands: Array<RaiseAlertCommand | RearmAlertCommand> = [];
  const base = {
    type: 'RaiseAlert' as const,
    accountId: o.accountId,
    currency: o.currency,
    periodId: o.periodId,
    sourceEventId: o.sourceEventId,
    sourcePosition: o.sourcePosition,
    at: o.at,
  };
  for (const budget of state.budgets.values()) {
    const spend = spendInScope(budget, o.spendByProject);
    for (const threshold of budget.thresholds) {
      if (spend.lt(new Big(budget.amount).times(threshold).div(100))) continue;
      const alert = { ...base, kind: 'budget' as const, budgetId: budget.budgetId, threshold };
      if (state.raised.has(alertIdOf(o.accountId, alert))) continue;
      commands.push({ ...alert, scope: budget.scope, value: spend.toFixed(), limit: budget.amount });
    }
  }
  const rearm = (key: string) => {
    if (state.arming.get(key)?.raised)
      commands.push({ type: 'RearmAlert', key, sourcePosition: o.sourcePosition, at: o.at });
  };
  const armed = (key: string) => !state.arming.get(key)?.raised;
  const warning = new Big(state.lowBalanceThreshold ?? '0');
  if (warning.gt(0)) {
    const key = rearmKeyOf('low-balance');
    if (o.balance.lt(warning)) {
      if (armed(key))
        commands.push({ ...base, kind: 'low-balance', value: o.balance.toFixed(), limit: warning.toFixed() });
    } else rearm(key);
  }
  if (state.creditLimitAlerts && o.creditLimit.gt(0)) {
    const used = o.balance.lt(0) ? o.balance.neg() : new Big(0);
    for (const threshold of CREDIT_LIMIT_THRESHOLDS) {
      const key = rearmKeyOf('credit-limit', threshold);
      if (used.gte(o.creditLimit.times(threshold).div(100))) {
        if (armed(key))
          commands.push({
            ...base,
            kind: 'credit-limit',
            threshold,
            value: used.toFixed(),
            limit: o.creditLimit.toFixed(),
          });
      } else rearm(key);
    }
  }
  return commands;
}

/** The project a usage record's charge counts for. */
export const projectOf = (data: { project?: unknown }): string =>
  typeof data.project === 'string' && data.project !== '' ? data.project : DEFAULT_PROJECT;

/**
 * What one event of a period's ledger stream adds to the period's spend, by project: a charge its amount;
 * a correction booked in the period (ChargeCorrected: late usage, void, re-rate, adjustment) its signed
 * amount, whichever period it corrects — a credit lowers the spend, late usage raises it. The one rule of
 * the read model, the alert reactor and the summary's log fallback.
 */
export function periodSpendOf(event: {
  type: string;
  data: unknown;
}): { project: string; amount: string } | undefined {
  if (event.type !== 'ResourceConsumed' && event.type !== 'ChargeCorrected') return undefined;
  const data = event.data as { amount: string; project?: unknown };
  return { project: projectOf(data), amount: data.amount };
}

/** Each budget with the period's spend in its scope and the percent of its amount used. */
export function budgetUsage(
  budgets: readonly Budget[],
  spendByProject: ReadonlyMap<string, Big>,
): Array<Budget & { spend: string; percentUsed: string }> {
  return budgets.map((budget) => {
    const spend = spendInScope(budget, spendByProject);
    return { ...budget, spend: spend.toFixed(), percentUsed: percentOf(spend, new Big(budget.amount)) };
  });
}
