import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AutoTopUpSettings } from '../../domain/ledger/auto-top-up-state.js';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** Card auto top-up on or off, with its threshold and amount (checked against the profile's bounds). */
export class ConfigureAutoTopUp extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly settings: AutoTopUpSettings,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ConfigureAutoTopUp)
export class ConfigureAutoTopUpHandler implements ICommandHandler<ConfigureAutoTopUp> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, settings, at, meta }: ConfigureAutoTopUp): Promise<CommandOutcome> {
    return this.ledger.decide(accountId, at, { type: 'ConfigureAutoTopUp', ...settings, at }, meta);
  }
}
