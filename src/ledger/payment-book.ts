import { Inject, Injectable } from '@nestjs/common';
import type { LedgerCommand } from '../domain/ledger/ledger-commands.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { deterministicEventId } from '../platform/event-store/event-ids.js';
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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {}

  async book(accountId: string, command: PaymentCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const bookedAt = (await this.ledger.isClosed(accountId, command.at))
      ? this.clock.now().toISOString()
      : command.at;
    const claimStream = paymentStream(command.paymentId);
    await this.store.append(
      claimStream,
      [
        {
          id: deterministicEventId(`${claimStream}/claim`),
          type: 'PaymentClaimed',
          data: { paymentId: command.paymentId, accountId, amount: command.amount, bookedAt },
          metadata: {
            commandId: meta.commandId,
            actor: meta.actor,
            recordedAt: this.clock.now().toISOString(),
          },
        },
      ],
      'any',
    );
    const [claim] = await this.store.readStream(claimStream, { maxCount: 1 });
    const claimed = claim!.data as { accountId: string; amount: string; bookedAt: string };
    if (claimed.accountId !== accountId || claimed.amount !== command.amount) {
      throw new CommandRejectedError(
        'PAYMENT_ID_REUSED',
        `Payment ${command.paymentId} was already registered with another account or amount`,
        'paymentId',
      );
    }
    return this.ledger.decide(accountId, claimed.bookedAt, command, meta);
  }
}
