import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { LedgerBook } from '../ledger-book.js';
import type { LedgerCommand } from '../../domain/ledger/ledger-commands.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A grant (start, promo, compensation…): money that pays for usage in its scope until it expires. */
export class IssueGrant extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    /** The amount's currency: must be the account's (the HTTP API always sends it). */
    readonly currency: string | undefined,
    readonly grant: Omit<Extract<LedgerCommand, { type: 'IssueGrant' }>, 'type'>,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(IssueGrant)
export class IssueGrantHandler implements ICommandHandler<IssueGrant> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {}

  async execute({ accountId, currency, grant, meta }: IssueGrant): Promise<CommandOutcome> {
    if (currency !== undefined) await this.accounts.accountInCurrency(accountId, currency);
    return this.ledger.decide(accountId, grant.at, { type: 'IssueGrant', ...grant }, meta);
  }
}
