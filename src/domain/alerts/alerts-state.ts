import type { AlertEvent, Budget } from './alert-events.js';

/** A balance-type alert's arming: raised until the value is back on the safe side. */
export interface Arming {
  raised: boolean;
  /** The log position of the last raise or re-arm: older sources are stale (a replay). */
  lastPosition: string;
}

export interface AlertsState {
  budgets: ReadonlyMap<string, Readonly<Budget>>;
  endedBudgets: ReadonlySet<string>;
  /** Absent or "0": no low-balance warning. */
  lowBalanceThreshold?: string;
  /** Credit-limit alerts asked for (50/80/100 % of the limit used). */
  creditLimitAlerts: boolean;
  raised: ReadonlySet<string>;
  arming: ReadonlyMap<string, Readonly<Arming>>;
}

export const initialAlertsState = (): AlertsState => ({
  budgets: new Map(),
  endedBudgets: new Set(),
  raised: new Set(),
  arming: new Map(),
  creditLimitAlerts: false,
});

export function evolveAlerts(state: AlertsState, event: AlertEvent): AlertsState {
  switch (event.type) {
    case 'BudgetSet':
      return { ...state, budgets: new Map(state.budgets).set(event.data.budgetId, event.data) };
    case 'BudgetEnded': {
      const budgets = new Map(state.budgets);
      budgets.delete(event.data.budgetId);
      return { ...state, budgets, endedBudgets: new Set(state.endedBudgets).add(event.data.budgetId) };
    }
    case 'AlertSettingsSet':
      return {
        ...state,
        lowBalanceThreshold: event.data.lowBalanceThreshold,
        creditLimitAlerts: event.data.creditLimitAlerts,
      };
    case 'AlertRaised': {
      const d = event.data;
      const raised = new Set(state.raised).add(d.alertId);
      if (d.kind === 'budget') return { ...state, raised };
      const key = d.kind === 'low-balance' ? 'low-balance' : `credit-limit:${d.threshold}`;
      return {
        ...state,
        raised,
        arming: new Map(state.arming).set(key, { raised: true, lastPosition: d.sourcePosition }),
      };
    }
    case 'AlertRearmed':
      return {
        ...state,
        arming: new Map(state.arming).set(event.data.key, {
          raised: false,
          lastPosition: event.data.sourcePosition,
        }),
      };
  }
}

/** Log positions are decimal strings of any length: compared as integers. */
export const positionAfter = (a: string, b: string): boolean => BigInt(a) > BigInt(b);
