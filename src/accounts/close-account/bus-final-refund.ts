import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import Big from 'big.js';
import { refundable, refundStatus } from '../../domain/ledger/refund-state.js';
import { RequestRefund } from '../../ledger/request-refund/request-refund.command.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { CommandRejectedError, type CommandMeta } from '../../platform/commands/command-outcome.js';
import type { FinalRefund, FinalRefundRequest, FinalRefundStatus } from './final-refund.port.js';

/**
 * The closure saga's refund step on the refunds use case: RequestRefund with 'all' on the command bus.
 * The final period's stream ends at the closure instant, so nothing can be booked in the rest of its month:
 * a request then is refused PERIOD_CLOSED and is asked again by the daily deletion check once the next
 * period has begun (the ledger opens it for a closed account while money is left to return).
 */
@Injectable()
export class BusFinalRefund implements FinalRefund {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async request(refund: FinalRefundRequest, meta: CommandMeta): Promise<void> {
    const { accountId, refundId, reason, by, at } = refund;
    try {
      await this.commands.execute(new RequestRefund(accountId, refundId, 'all', reason, by, at, meta));
    } catch (error) {
      // The rest of the closure month has no open period: asked again after it (status below).
      if (error instanceof CommandRejectedError && error.code === 'PERIOD_CLOSED') return;
      throw error;
    }
  }

  async status(accountId: string, refundId: string): Promise<FinalRefundStatus> {
    const { final, latest } = await this.ledger.closingLedger(accountId);
    if (!final || !latest) return 'pending';
    // Once asked, the step is done when no refund is in flight and nothing refundable is left — whichever
    // refund returned the money: the closure's own, or one ops made after it failed (its record then stays
    // 'failed'). What stays — service credits ('internal'), grants — is forfeited at the deletion, as grants
    // are at closure.
    const asked = latest.refunds.has(refundId) || latest.settledRefundIds.includes(refundId);
    if (asked) {
      const inFlight = [...latest.refunds.values()].some((record) => refundStatus(record) === 'requested');
      return !inFlight && refundable(latest.unspentDeposits).eq(0) ? 'completed' : 'pending';
    }
    // Not asked yet (the closure month had no open period): ask now, once the month after it has begun.
    const now = this.clock.now().toISOString();
    if (Date.parse(now) >= Date.parse(final.endsAt) && new Big(final.closedCarry?.balance ?? '0').gt(0)) {
      await this.request(
        {
          accountId,
          refundId,
          amount: 'all',
          reason: 'account closed at the customer’s request',
          by: 'billing-engine',
          at: now,
        },
        { commandId: `refund/${accountId}/${refundId}`, actor: 'billing-engine' },
      );
    }
    return 'pending';
  }
}
