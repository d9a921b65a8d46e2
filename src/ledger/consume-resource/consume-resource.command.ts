import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { usageInstant } from '../../domain/ledger/ledger-decide.js';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A usage record: a quantity of a SKU used in a time window, rated and charged in the window's period. */
export class ConsumeResource extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly usage: {
      usageRecordId: string;
      sku: string;
      quantity: string;
      windowStart: string;
      windowEnd: string;
      /** Issue 15: the project (absent: `default`), the resource, the labels. */
      project?: string;
      resourceId?: string;
      labels?: Readonly<Record<string, string>>;
    },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ConsumeResource)
export class ConsumeResourceHandler implements ICommandHandler<ConsumeResource> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, usage, meta }: ConsumeResource): Promise<CommandOutcome> {
    return this.ledger.decide(
      accountId,
      usageInstant(usage.windowStart, usage.windowEnd),
      { type: 'ConsumeResource', ...usage },
      meta,
    );
  }
}
