import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../ledger-book.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * Ops refund unspent paid money (`'all'` = everything refundable) to the payments it came by, oldest
 * first (business-rules.md#refunds). `refundId` makes it once; `by` is who asked, `at` defaults to now.
 * Account closure sends it with `'all'`.
 */
export class RequestRefund extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly refundId: string,
    readonly amount: string | 'all',
    readonly reason: string,
    readonly by: string,
    readonly at?: string,
    // Without meta (a saga, account closure): the command id follows from the refund id, so a redelivery is
    // the same command.
    readonly meta: CommandMeta = { commandId: `refund/${accountId}/${refundId}`, actor: by },
  ) {
    super();
  }
}

@CommandHandler(RequestRefund)
export class RequestRefundHandler implements ICommandHandler<RequestRefund> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ accountId, refundId, amount, reason, by, at, meta }: RequestRefund): Promise<CommandOutcome> {
    const when = at ?? this.clock.now().toISOString();
    return this.ledger.decide(
      accountId,
      when,
      { type: 'RequestRefund', refundId, amount, reason, by, at: when },
      meta,
    );
  }
}
