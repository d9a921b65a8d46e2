import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LegalDetails } from '../../domain/account/account-events.js';
import { decideAddLegalDetails } from '../../domain/account/change-contract.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { AccountBook } from '../account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A legal entity's requisites (name, INN/KPP or BIN, address), needed for its closing documents. */
export class AddLegalDetails extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly legalDetails: LegalDetails,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(AddLegalDetails)
export class AddLegalDetailsHandler implements ICommandHandler<AddLegalDetails> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
  ) {}

  async execute({ accountId, legalDetails, at, meta }: AddLegalDetails): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    return this.accounts.decide(
      accountId,
      (state) => decideAddLegalDetails({ accountId, legalDetails, at }, state, { profiles: this.profiles }),
      meta,
      at,
    );
  }
}
