import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideChangeContract, type ChangeContractCommand } from '../../domain/account/change-contract.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { AccountBook } from '../account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { UpgradeFromTrial } from '../../ledger/upgrade-from-trial/upgrade-from-trial.command.js';

/** The account's contract, payment scheme and policy profile change (after opening). */
export class ChangeContract extends Command<CommandOutcome> {
  constructor(
    readonly change: ChangeContractCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeContract)
export class ChangeContractHandler implements ICommandHandler<ChangeContract> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async execute({ change, meta }: ChangeContract): Promise<CommandOutcome> {
    const before = await this.accounts.account(change.accountId);
    const outcome = await this.accounts.decide(
      change.accountId,
      (state) => decideChangeContract(change, state, this.profiles),
      meta,
      change.at,
    );
    const after = await this.accounts.account(change.accountId);
    const wasTrial = this.profiles.get(before.profileId, before.profileVersion).trial?.enabled;
    if (wasTrial && !this.profiles.get(after.profileId, after.profileVersion).trial?.enabled) {
      // Upgrading ends a trial suspension in the ledger (a separate, idempotent step).
      await this.commands.execute(
        new UpgradeFromTrial(change.accountId, change.at, {
          ...meta,
          commandId: `${meta.commandId}/upgrade`,
        }),
      );
    }
    return outcome;
  }
}
