import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideDeleteAccount } from '../../domain/account/delete-account.js';
import { AccountBook } from '../account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * Deletes the account's personal data irreversibly (its key is destroyed) and records what was erased, and
 * what the law makes us keep (a person's requisites in issued documents, under the retention key) until when
 * and why; amounts, dates and document numbers stay in the history for auditors. Sent by the deletion deadline.
 */
export class DeleteAccount extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(DeleteAccount)
export class DeleteAccountHandler implements ICommandHandler<DeleteAccount> {
  constructor(@Inject(AccountBook) private readonly accounts: AccountBook) {}

  async execute({ accountId, at, meta }: DeleteAccount): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    // The retention key is not the account key: deletion keeps it, and states until when and why.
    const kept = this.accounts.retention(accountId);
    const retention = kept && !kept.destroyedAt ? kept : undefined;
    const outcome = await this.accounts.decide(
      accountId,
      (state) => decideDeleteAccount({ accountId, at, ...(retention ? { retention } : {}) }, state),
      meta,
      at,
    );
    this.accounts.shred(accountId, at);
    return outcome;
  }
}
