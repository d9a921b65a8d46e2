import Big from 'big.js';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { CommandRejectedError, type CommandMeta } from '../../platform/commands/command-outcome.js';
import { FINAL_REFUND, type FinalRefund } from './final-refund.port.js';

/** The refund id the closure asks under: one per account, so a second ask is the same refund. */
export const closureRefundId = (accountId: string) => `${accountId}-closure`;

export interface RefundRequestOutcome {
  requested: boolean;
  refundId?: string;
  /** The final period's closing balance: what the refund of 'all' gives back. */
  balance: string;
}

/**
 * The closure saga's second step (sent by the `final-refund` deadline the final close plans): with a
 * positive balance left after the final close, the whole of it is asked back (RequestRefund with 'all',
 * through the FinalRefund port); with none, nothing is asked.
 */
export class RefundRemainingBalance extends Command<RefundRequestOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RefundRemainingBalance)
export class RefundRemainingBalanceHandler implements ICommandHandler<RefundRemainingBalance> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(FINAL_REFUND) private readonly refunds: FinalRefund,
  ) {}

  async execute({ accountId, at, meta }: RefundRemainingBalance): Promise<RefundRequestOutcome> {
    const { final } = await this.ledger.closingLedger(accountId);
    if (final?.phase !== 'closed' || !final.closedEarlyAt) {
      throw new CommandRejectedError('FINAL_PERIOD_OPEN', `The final period of ${accountId} is not closed`);
    }
    const balance = new Big(final.closedCarry!.balance);
    if (balance.lte(0)) return { requested: false, balance: balance.toFixed() };
    const refundId = closureRefundId(accountId);
    await this.refunds.request(
      {
        accountId,
        refundId,
        amount: 'all',
        reason: 'account closed at the customer’s request',
        by: meta.actor,
        at,
      },
      meta,
    );
    return { requested: true, refundId, balance: balance.toFixed() };
  }
}
