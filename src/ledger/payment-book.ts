import { Inject, Injectable } from '@nestjs/common';
import type { LedgerCommand } from '../domain/ledger/ledger-commands.js';
import {
  bookingTime,
  decideClaimPayment,
  decideReleaseClaim,
  evolvePaymentClaim,
  initialPaymentClaimState,
  type PaymentClaimEvent,
  type PaymentClaimState,
} from '../domain/payments/payment-claim.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import {
  CommandRejectedError,
  ConcurrencyConflictError,
  type CommandMeta,
  type CommandOutcome,
} from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { paymentStream } from '../platform/event-store/stream-names.js';
import { LedgerBook } from './ledger-book.js';

export type PaymentCommand = Extract<LedgerCommand, { type: 'TopUp' | 'PayBill' }>;

/**
 * Top-ups and bill payments carry the payment system's id, which must take effect once, forever — even
 * when a retry arrives in a later period. The id is claimed in `payment-<id>` with the instant it is booked
 * at; a retry is decided at that instant, in the same period, where the ledger recognises the payment id.
 *
 * Decide first, claim second: the ledger decides the payment, and only an accepted payment claims its id,
 * just before its events are appended (one decision per ledger stream at a time). A refused payment stores
 * nothing and leaves the id free for the corrected retry. Should the ledger refuse on a retry after a
 * conflict with another instance — the claim already taken — the claim is released.
 */
@Injectable()
export class PaymentBook {
  private readonly claims: AggregateStreams<PaymentClaimState, PaymentClaimEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {
    this.claims = new AggregateStreams(store, clock, initialPaymentClaimState, evolvePaymentClaim, 20_000);
  }

  async book(accountId: string, command: PaymentCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    const stream = paymentStream(command.paymentId);
    const claimed = (await this.claims.load(stream)).state;
    const bookedAt = claimed
      ? claimed.bookedAt
      : bookingTime(command.at, await this.ledger.isClosed(accountId, command.at), now);
    const claim = { paymentId: command.paymentId, accountId, amount: command.amount, bookedAt };
    // Another account or amount under a claimed id is refused before the ledger is asked.
    const refusal = decideClaimPayment(claim, claimed);
    if (!refusal.ok) throw new CommandRejectedError(refusal.code, refusal.message, refusal.field);
    let claimTaken = false;
    const takeClaim = async () => {
      await this.claims.decide(stream, (state) => decideClaimPayment(claim, state), meta, now);
      claimTaken = true;
    };
    try {
      return await this.ledger.decide(accountId, bookedAt, command, meta, takeClaim);
    } catch (error) {
      // Refused, or given up after conflicts with other writers: either way no payment was booked.
      if (
        claimTaken &&
        (error instanceof CommandRejectedError || error instanceof ConcurrencyConflictError)
      ) {
        await this.claims.decide(
          stream,
          (state) =>
            decideReleaseClaim(
              {
                paymentId: command.paymentId,
                accountId,
                reason: error instanceof CommandRejectedError ? error.code : 'CONCURRENT_MODIFICATION',
                at: now,
              },
              state,
            ),
          { ...meta, commandId: `${meta.commandId}/release-claim` },
          now,
        );
      }
      throw error;
    }
  }
}
