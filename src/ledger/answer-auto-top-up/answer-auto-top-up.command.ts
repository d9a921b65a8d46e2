import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountOfAutoTopUpRequest, pendingAutoTopUp } from '../../domain/ledger/auto-top-up-state.js';
import { LedgerBook } from '../ledger-book.js';
import { TopUp } from '../top-up/top-up.command.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import {
  CommandRejectedError,
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';

export type AutoTopUpAnswer = { status: 'succeeded' } | { status: 'failed'; reason: string };

/**
 * The payment gateway's answer to an auto top-up request (from the callback endpoint, or at once from an
 * in-process gateway): success books a TopUp on channel `auto-top-up` with the request id as its payment
 * id; a refusal records AutoTopUpFailed (nothing deposited; the retry policy may ask again).
 */
export class AnswerAutoTopUp extends Command<CommandOutcome> {
  constructor(
    readonly requestId: string,
    readonly answer: AutoTopUpAnswer,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(AnswerAutoTopUp)
export class AnswerAutoTopUpHandler implements ICommandHandler<AnswerAutoTopUp> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async execute({ requestId, answer, meta }: AnswerAutoTopUp): Promise<CommandOutcome> {
    const accountId = accountOfAutoTopUpRequest(requestId);
    if (!accountId) throw new NotFoundError(`No auto top-up request ${requestId}`);
    const at = this.clock.now().toISOString();
    if (answer.status === 'failed') {
      const reason = answer.reason;
      return this.ledger.decide(
        accountId,
        at,
        { type: 'RecordAutoTopUpFailure', requestId, reason, at },
        meta,
      );
    }
    const state = await this.ledger.state(accountId, at);
    const pending = pendingAutoTopUp(state.autoTopUp, state.payments);
    if (pending?.requestId !== requestId) {
      // The gateway repeating its answer: the top-up is already booked.
      if (state.payments.has(requestId))
        return { status: 'duplicate', streamId: ledgerStream(accountId, state.periodId), eventTypes: [] };
      if (state.autoTopUp?.lastFailed?.requestId === requestId)
        throw new CommandRejectedError('AUTO_TOP_UP_ALREADY_FAILED', `Request ${requestId} was refused`);
      throw new CommandRejectedError(
        'AUTO_TOP_UP_NOT_PENDING',
        `No auto top-up request ${requestId} is waiting`,
      );
    }
    return this.commands.execute(
      new TopUp(
        accountId,
        { paymentId: requestId, amount: pending.amount, channel: 'auto-top-up', at },
        meta,
      ),
    );
  }
}
