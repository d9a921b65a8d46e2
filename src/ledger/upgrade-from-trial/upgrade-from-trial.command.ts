import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** The account moved from a trial to a paid profile: a trial suspension ends (sent by ChangeContract). */
export class UpgradeFromTrial extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(UpgradeFromTrial)
export class UpgradeFromTrialHandler implements ICommandHandler<UpgradeFromTrial> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, at, meta }: UpgradeFromTrial): Promise<CommandOutcome> {
    return this.ledger.decide(accountId, at, { type: 'UpgradeFromTrial', at }, meta);
  }
}
