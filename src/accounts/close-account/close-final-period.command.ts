import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../../ledger/ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * The closure saga's first step (sent by the `close-final-period` deadline at the closure instant): the
 * period containing the closure instant closes early there — its PeriodClosed records `endsEarlyAt` and
 * `finalDay`, grants left are lost, the bill is dated the closure day — and the document issuer issues the
 * final documents for the partial period. Idempotent.
 */
export class CloseFinalPeriod extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CloseFinalPeriod)
export class CloseFinalPeriodHandler implements ICommandHandler<CloseFinalPeriod> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, meta }: CloseFinalPeriod): Promise<CommandOutcome> {
    return this.ledger.closeFinalPeriod(accountId, meta);
  }
}
