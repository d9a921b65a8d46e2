import { AlertBook } from './alert-book.js';
import { EndBudgetHandler } from './end-budget/end-budget.command.js';
import { EndBudgetController } from './end-budget/end-budget.controller.js';
import { ListBudgetsController } from './list-budgets/list-budgets.controller.js';
import { SetLowBalanceWarningHandler } from './low-balance-warning/low-balance-warning.command.js';
import { LowBalanceWarningController } from './low-balance-warning/low-balance-warning.controller.js';
import { PeriodLedgers } from './period-ledger.js';
import { AlertReactor } from './raise-alert/alert-reactor.js';
import { RaiseAlertHandler, RearmAlertHandler } from './raise-alert/raise-alert.command.js';
import { SetBudgetHandler } from './set-budget/set-budget.command.js';
import { SetBudgetController } from './set-budget/set-budget.controller.js';

/** Budgets and alerts' HTTP routes (issue 15, item 4; the composition root adds them to CONTROLLERS). */
export const ALERTS_CONTROLLERS = [
  SetBudgetController,
  ListBudgetsController,
  EndBudgetController,
  LowBalanceWarningController,
];

/** Their named commands, RaiseAlert and RearmAlert sent by the reactor. */
export const ALERTS_COMMAND_HANDLERS = [
  SetBudgetHandler,
  EndBudgetHandler,
  SetLowBalanceWarningHandler,
  RaiseAlertHandler,
  RearmAlertHandler,
];

/** The alert book, the period ledgers the reactor folds, and the reactor (an event-bus handler). */
export const ALERTS_PROVIDERS = [AlertBook, PeriodLedgers, AlertReactor];
