import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideOpenAccount, type OpenAccountCommand } from '../../domain/account/open-account.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { periodOf } from '../../domain/shared/reporting-period.js';
import { AccountBook } from '../account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A new billing account: payer, region, contract, scheme and policy profile; its first period opens with it. */
export class OpenAccount extends Command<CommandOutcome> {
  constructor(
    readonly account: OpenAccountCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
  ) {}

  async execute({ account: command, meta }: OpenAccount): Promise<CommandOutcome> {
    const outcome = await this.accounts.decide(
      command.accountId,
      (state) => decideOpenAccount(command, state, { profiles: this.profiles }),
      meta,
      command.at,
    );
    const account = await this.accounts.account(command.accountId);
    await this.ledger.ensurePeriodOpen(account, periodOf(account.openedAt, account.timeZone));
    return outcome;
  }
}
