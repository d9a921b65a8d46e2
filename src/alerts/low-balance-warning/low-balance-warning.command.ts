import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountBook } from '../../accounts/account-book.js';
import { AlertBook } from '../alert-book.js';

/** The account's low-balance warning level: an alert when the balance falls below it, once per crossing. */
export class SetLowBalanceWarning extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly threshold: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(SetLowBalanceWarning)
export class SetLowBalanceWarningHandler implements ICommandHandler<SetLowBalanceWarning> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(AlertBook) private readonly alerts: AlertBook,
  ) {}

  async execute({ accountId, threshold, at, meta }: SetLowBalanceWarning): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    return this.alerts.decide(accountId, { type: 'SetLowBalanceWarning', threshold, at }, meta, at);
  }
}
