import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { LedgerBook } from '../ledger-book.js';
import { LedgerHistory } from '../ledger-history.js';

/** Ops void a usage record (issue 14): what it charges is given back, in the open period. */
export class VoidUsageRecord extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly usageRecordId: string,
    readonly why: { reason: string; reference?: string },
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Looks the record up in the account's periods (404 when none holds it); decisions/correct-usage.ts decides. */
@CommandHandler(VoidUsageRecord)
export class VoidUsageRecordHandler implements ICommandHandler<VoidUsageRecord> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(LedgerHistory) private readonly history: LedgerHistory,
  ) {}

  async execute({ accountId, usageRecordId, why, at, meta }: VoidUsageRecord): Promise<CommandOutcome> {
    const record = await this.history.usageRecord(accountId, usageRecordId);
    if (!record)
      throw new NotFoundError(`Usage record ${usageRecordId} is not booked on account ${accountId}`);
    return this.ledger.decide(
      accountId,
      at,
      { type: 'VoidUsageRecord', record, ...reasonOf(why), by: meta.actor, at },
      meta,
    );
  }
}

export const reasonOf = (why: { reason: string; reference?: string }) => ({
  reason: why.reason,
  ...(why.reference ? { reference: why.reference } : {}),
});
