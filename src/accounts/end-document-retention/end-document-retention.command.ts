import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideEndDocumentRetention } from '../../domain/account/delete-account.js';
import { AccountBook } from '../account-book.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';

/** What ending a deleted account's document retention did. */
export interface EndDocumentRetentionOutcome {
  status: 'destroyed' | 'nothing-to-do';
  reason: string;
}

/**
 * A deleted account's retention period is over: destroy its retention key, so that the payer's name and
 * address in its issued documents read as erased ("[удалено]") while the documents stay. Sent by the
 * deadline AccountDeleted plans at the retain-until instant (or by an operator); a retry destroys nothing
 * twice.
 */
export class EndDocumentRetention extends Command<EndDocumentRetentionOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
  ) {
    super();
  }
}

@CommandHandler(EndDocumentRetention)
export class EndDocumentRetentionHandler implements ICommandHandler<EndDocumentRetention> {
  constructor(@Inject(AccountBook) private readonly accounts: AccountBook) {}

  async execute({ accountId, at }: EndDocumentRetention): Promise<EndDocumentRetentionOutcome> {
    await this.accounts.account(accountId);
    const state = await this.accounts.state(accountId);
    const retention = this.accounts.retention(accountId);
    const decision = decideEndDocumentRetention(
      { accountId, at, ...(retention ? { retention } : {}) },
      state,
    );
    if (!decision.ok) throw new CommandRejectedError(decision.code, decision.message);
    if (!decision.destroy) return { status: 'nothing-to-do', reason: decision.reason };
    this.accounts.endRetention(accountId, at);
    return { status: 'destroyed', reason: decision.reason };
  }
}
