import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AlertChannel } from '../../domain/alerts/alert-events.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountBook } from '../../accounts/account-book.js';
import { AlertBook } from '../alert-book.js';

/** A monthly budget on the account's or a project's spend, in the account's currency. */
export class SetBudget extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly budget: {
      budgetId: string;
      scope: string;
      amount: string;
      thresholds?: number[];
      channels?: AlertChannel[];
    },
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(SetBudget)
export class SetBudgetHandler implements ICommandHandler<SetBudget> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(AlertBook) private readonly alerts: AlertBook,
  ) {}

  async execute({ accountId, budget, at, meta }: SetBudget): Promise<CommandOutcome> {
    // 404 for an unknown account; the budget is in its currency.
    const account = await this.accounts.account(accountId);
    return this.alerts.decide(
      accountId,
      { type: 'SetBudget', accountId, ...budget, currency: account.currency, at },
      meta,
      at,
    );
  }
}
