import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideChangeOwnerEmail } from '../../domain/account/owner-email.js';
import { AccountBook } from '../../accounts/account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** The account owner's e-mail, where issued documents are delivered (sealed in the account stream). */
export class ChangeOwnerEmail extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly ownerEmail: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeOwnerEmail)
export class ChangeOwnerEmailHandler implements ICommandHandler<ChangeOwnerEmail> {
  constructor(@Inject(AccountBook) private readonly accounts: AccountBook) {}

  async execute({ accountId, ownerEmail, at, meta }: ChangeOwnerEmail): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    return this.accounts.decide(
      accountId,
      (state) => decideChangeOwnerEmail({ accountId, ownerEmail, at }, state),
      meta,
      at,
    );
  }
}
