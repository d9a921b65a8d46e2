import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { AlertBook } from '../alert-book.js';

/** Ends a budget (an event, never an edit): it alerts no more; its id is not reused. */
export class EndBudget extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly budgetId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(EndBudget)
export class EndBudgetHandler implements ICommandHandler<EndBudget> {
  constructor(@Inject(AlertBook) private readonly alerts: AlertBook) {}

  async execute({ accountId, budgetId, at, meta }: EndBudget): Promise<CommandOutcome> {
    const state = await this.alerts.current(accountId);
    if (!state.budgets.has(budgetId) && !state.endedBudgets.has(budgetId))
      throw new NotFoundError(`Budget ${budgetId} of account ${accountId} does not exist`);
    return this.alerts.decide(accountId, { type: 'EndBudget', budgetId, at }, meta, at);
  }
}
