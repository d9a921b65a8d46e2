import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** Grants whose expiry has passed at `at` lose what is left of them (a grant's expiry deadline sends it too). */
export class ExpireGrants extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ExpireGrants)
export class ExpireGrantsHandler implements ICommandHandler<ExpireGrants> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, at, meta }: ExpireGrants): Promise<CommandOutcome> {
    return this.ledger.decide(accountId, at, { type: 'ExpireGrants', at }, meta);
  }
}
