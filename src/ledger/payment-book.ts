import { Inject, Injectable } from '@nestjs/common';
import type { LedgerCommand } from '../domain/ledger/ledger-commands.js';
import {
  bookingTime,
  decideClaimPayment,
  evolvePaymentClaim,
  initialPaymentClaimState,
  type PaymentClaimState,
  type PaymentClaimed,
} from '../domain/payments/payment-claim.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import type { CommandMeta, CommandOutcome } from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { paymentStream } from '../platform/event-store/stream-names.js';
import { LedgerBook } from './ledger-book.js';

export type PaymentCommand = Extract<LedgerCommand, { type: 'TopUp' | 'PayBill' }>;

/**
 * Top-ups and bill payments carry the payment system's id, which must take effect once, forever — even
 * when a retry arrives in a later period. The first arrival claims `payment-<id>` and records the period it
 * is booked in; a retry is decided in that same period, where the ledger recognises it. A payment dated in
 * a period already closed is booked in the current period.
 */
@Injectable()
export class PaymentBook {
  private readonly claims: AggregateStreams<PaymentClaimState, PaymentClaimed>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {
    this.claims = new AggregateStreams(store, clock, initialPaymentClaimState, evolvePaymentClaim, 20_000);
  }

  async book(accountId: string, command: PaymentCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    const bookedAt = bookingTime(command.at, await this.ledger.isClosed(accountId, command.at), now);
    const stream = paymentStream(command.paymentId);
    await this.claims.decide(
      stream,
      (state) =>
        decideClaimPayment(
          { paymentId: command.paymentId, accountId, amount: command.amount, bookedAt },
          state,
        ),
      meta,
      now,
    );
    // A retry is booked where the first arrival was, so the ledger recognises the payment id there.
    const claim = (await this.claims.load(stream)).state!;
    return this.ledger.decide(accountId, claim.bookedAt, command, meta);
  }
}
