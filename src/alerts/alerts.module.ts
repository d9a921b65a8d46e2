import { AlertBook } from './alert-book.js';
import { EndBudgetHandler } from './end-budget/end-budget.command.js';
import { EndBudgetController } from './end-budget/end-budget.controller.js';
import { ListBudgetsController } from './list-budgets/list-budgets.controller.js';
import { SetAlertSettingsHandler } from './alert-settings/alert-settings.command.js';
import { AlertSettingsController } from './alert-settings/alert-settings.controller.js';
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
  AlertSettingsController,
];

/** Their named commands, RaiseAlert and RearmAlert sent by the reactor. */
export const ALERTS_COMMAND_HANDLERS = [
  SetBudgetHandler,
  EndBudgetHandler,
  SetAlertSettingsHandler,
  RaiseAlertHandler,
  RearmAlertHandler,
];

/** The alert book, the period ledgers the reactor folds, and the reactor (given every stored event by the event-bus feed). */
export const ALERTS_PROVIDERS = [AlertBook, PeriodLedgers, AlertReactor];
