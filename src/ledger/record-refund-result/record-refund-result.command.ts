import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LedgerCommandOf } from '../../domain/ledger/ledger-commands.js';
import { LedgerBook } from '../ledger-book.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

export type RefundResult = LedgerCommandOf<'RecordRefundResult'>['result'];

/**
 * The payment gateway's answer to a refund: for one part (`paymentId`), or for every part still waiting.
 * Completed parts are done; a failed part's money is back on the balance as it was taken.
 */
export class RecordRefundResult extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly refundId: string,
    readonly result: RefundResult,
    readonly paymentId: string | undefined,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RecordRefundResult)
export class RecordRefundResultHandler implements ICommandHandler<RecordRefundResult> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ accountId, refundId, result, paymentId, meta }: RecordRefundResult): Promise<CommandOutcome> {
    const at = this.clock.now().toISOString();
    return this.ledger.decide(
      accountId,
      at,
      { type: 'RecordRefundResult', refundId, ...(paymentId === undefined ? {} : { paymentId }), result, at },
      meta,
    );
  }
}
