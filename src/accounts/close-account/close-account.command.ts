import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideCloseAccount, type CloseAccountCommand } from '../../domain/account/close-account.js';
import { AccountBook } from '../account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * The customer asks to close the account (issue 14, item 5): records AccountClosureRequested. From its
 * instant the ledger refuses new usage and top-ups beyond a debt; the closure saga (timelines) closes the
 * final period, asks for the refund and then deletes the account per retention.
 */
export class CloseAccount extends Command<CommandOutcome> {
  constructor(
    readonly closure: CloseAccountCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CloseAccount)
export class CloseAccountHandler implements ICommandHandler<CloseAccount> {
  constructor(@Inject(AccountBook) private readonly accounts: AccountBook) {}

  async execute({ closure, meta }: CloseAccount): Promise<CommandOutcome> {
    await this.accounts.account(closure.accountId);
    return this.accounts.decide(
      closure.accountId,
      (state) => decideCloseAccount(closure, state),
      meta,
      closure.at,
    );
  }
}
