import Big from 'big.js';
import { reject, type DecisionOf } from '../shared/decision.js';
import {
  ALERT_CHANNELS,
  DEFAULT_BUDGET_THRESHOLDS,
  alertIdOf,
  rearmKeyOf,
  type AlertChannel,
  type AlertEvent,
  type BudgetScope,
  type RaisedAlert,
} from './alert-events.js';
import { positionAfter, type AlertsState } from './alerts-state.js';

export type AlertDecision = DecisionOf<AlertEvent>;

export const BUDGET_SCOPE_PATTERN = /^(account|project:[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/;
export const BUDGET_SCOPE_RULE = 'scope must be "account" or "project:<id>" (letters, digits, _ . -)';
export const THRESHOLDS_RULE = 'thresholds must be 1 to 10 distinct whole percents from 1 to 1000';
export const CHANNELS_RULE = 'channels must be a non-empty list of distinct "webhook" and "email"';

export interface SetBudgetCommand {
  type: 'SetBudget';
  accountId: string;
  budgetId: string;
  scope: string;
  amount: string;
  currency: string;
  thresholds?: number[];
  channels?: AlertChannel[];
  at: string;
}

export interface EndBudgetCommand {
  type: 'EndBudget';
  budgetId: string;
  at: string;
}

export interface SetAlertSettingsCommand {
  type: 'SetAlertSettings';
  lowBalanceThreshold: string;
  creditLimitAlerts: boolean;
  at: string;
}

/** What the alert reactor saw cross; the decider refuses it when already raised, not armed or stale. */
export type RaiseAlertCommand = { type: 'RaiseAlert'; accountId: string } & Omit<
  RaisedAlert,
  'alertId' | 'channels'
>;

export interface RearmAlertCommand {
  type: 'RearmAlert';
  key: string;
  sourcePosition: string;
  at: string;
}

export type AlertCommand =
  SetBudgetCommand | EndBudgetCommand | SetAlertSettingsCommand | RaiseAlertCommand | RearmAlertCommand;

export function decideAlerts(command: AlertCommand, state: AlertsState): AlertDecision {
  switch (command.type) {
    case 'SetBudget':
      return decideSetBudget(command, state);
    case 'EndBudget':
      return decideEndBudget(command, state);
    case 'SetAlertSettings':
      return decideAlertSettings(command, state);
    case 'RaiseAlert':
      return decideRaiseAlert(command, state);
    case 'RearmAlert':
      return decideRearmAlert(command, state);
  }
}

function decideSetBudget(command: SetBudgetCommand, state: AlertsState): AlertDecision {
  if (!BUDGET_SCOPE_PATTERN.test(command.scope)) return reject('BUDGET_INVALID', BUDGET_SCOPE_RULE, 'scope');
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(command.amount) || new Big(command.amount).lte(0))
    return reject('BUDGET_INVALID', 'amount must be a decimal greater than 0', 'amount');
  const thresholds = [...(command.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)].sort((a, b) => a - b);
  if (
    thresholds.length < 1 ||
    thresholds.length > 10 ||
    new Set(thresholds).size !== thresholds.length ||
    !thresholds.every((t) => Number.isInteger(t) && t >= 1 && t <= 1000)
  )
    return reject('BUDGET_INVALID', THRESHOLDS_RULE, 'thresholds');
  const channels = command.channels ?? [...ALERT_CHANNELS];
  if (
    channels.length === 0 ||
    new Set(channels).size !== channels.length ||
    !channels.every((c) => ALERT_CHANNELS.includes(c))
  )
    return reject('BUDGET_INVALID', CHANNELS_RULE, 'channels');
  const budget = {
    budgetId: command.budgetId,
    scope: command.scope as BudgetScope,
    amount: new Big(command.amount).toFixed(),
    currency: command.currency,
    thresholds,
    channels: ALERT_CHANNELS.filter((c) => channels.includes(c)),
    at: command.at,
  };
  if (state.endedBudgets.has(command.budgetId))
    return reject('BUDGET_ENDED', `Budget ${command.budgetId} was ended; choose another id`, 'budgetId');
  const existing = state.budgets.get(command.budgetId);
  if (existing) {
    // The same budget again is a retry; a different one under the same id is not an edit: end it first.
    const same =
      existing.scope === budget.scope &&
      new Big(existing.amount).eq(budget.amount) &&
      existing.thresholds.join() === budget.thresholds.join() &&
      existing.channels.join() === budget.channels.join();
    if (same) return { ok: true, events: [], duplicate: true };
    return reject(
      'BUDGET_EXISTS',
      `Budget ${command.budgetId} exists with other terms; end it and set a new one`,
      'budgetId',
    );
  }
  return { ok: true, events: [{ type: 'BudgetSet', data: budget }] };
}

function decideEndBudget(command: EndBudgetCommand, state: AlertsState): AlertDecision {
  if (state.endedBudgets.has(command.budgetId)) return { ok: true, events: [], duplicate: true };
  if (!state.budgets.has(command.budgetId))
    return reject('BUDGET_NOT_FOUND', `Budget ${command.budgetId} does not exist`, 'budgetId');
  return {
    ok: true,
    events: [{ type: 'BudgetEnded', data: { budgetId: command.budgetId, at: command.at } }],
  };
}

function decideAlertSettings(command: SetAlertSettingsCommand, state: AlertsState): AlertDecision {
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(command.lowBalanceThreshold))
    return reject(
      'ALERT_SETTINGS_INVALID',
      'lowBalanceThreshold must be a non-negative decimal',
      'lowBalanceThreshold',
    );
  const lowBalanceThreshold = new Big(command.lowBalanceThreshold).toFixed();
  if (
    new Big(state.lowBalanceThreshold ?? '0').eq(lowBalanceThreshold) &&
    state.creditLimitAlerts === command.creditLimitAlerts
  )
    return { ok: true, events: [], duplicate: true };
  return {
    ok: true,
    events: [
      {
        type: 'AlertSettingsSet',
        data: { lowBalanceThreshold, creditLimitAlerts: command.creditLimitAlerts, at: command.at },
      },
    ],
  };
}

function decideRaiseAlert(command: RaiseAlertCommand, state: AlertsState): AlertDecision {
  const { type: _type, accountId, ...alert } = command;
  const alertId = alertIdOf(accountId, alert);
  if (state.raised.has(alertId))
    return reject('ALERT_ALREADY_RAISED', `Alert ${alertId} was already raised`, 'alertId');
  let channels: AlertChannel[] = [...ALERT_CHANNELS];
  if (alert.kind === 'budget') {
    const budget = state.budgets.get(alert.budgetId ?? '');
    if (!budget) return reject('BUDGET_NOT_FOUND', `Budget ${alert.budgetId} is not active`, 'budgetId');
    channels = budget.channels;
  } else {
    const arming = state.arming.get(rearmKeyOf(alert.kind, alert.threshold));
    if (arming?.raised)
      return reject('ALERT_NOT_ARMED', `${alertId}: the alert is raised until the value recovers`);
    if (arming && !positionAfter(alert.sourcePosition, arming.lastPosition))
      return reject('ALERT_STALE', `${alertId}: an older crossing than the last one seen`);
  }
  return { ok: true, events: [{ type: 'AlertRaised', data: { alertId, ...alert, channels } }] };
}

function decideRearmAlert(command: RearmAlertCommand, state: AlertsState): AlertDecision {
  const arming = state.arming.get(command.key);
  // Not raised, or a replay of an older recovery: nothing to re-arm.
  if (!arming?.raised || !positionAfter(command.sourcePosition, arming.lastPosition))
    return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      {
        type: 'AlertRearmed',
        data: { key: command.key, sourcePosition: command.sourcePosition, at: command.at },
      },
    ],
  };
}
