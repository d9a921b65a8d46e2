import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PaymentChannel } from '../../domain/policies/policy-profile.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { PaymentBook } from '../payment-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** Money arrived on the account's personal balance (bank transfer, card, auto top-up). */
export class TopUp extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly payment: {
      paymentId: string;
      amount: string;
      /** The amount's currency: must be the account's (the HTTP API always sends it). */
      currency?: string;
      channel: PaymentChannel;
      /** When the money arrived. */
      at: string;
    },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(TopUp)
export class TopUpHandler implements ICommandHandler<TopUp> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(PaymentBook) private readonly payments: PaymentBook,
  ) {}

  async execute({ accountId, payment, meta }: TopUp): Promise<CommandOutcome> {
    if (payment.currency !== undefined) await this.accounts.accountInCurrency(accountId, payment.currency);
    const { paymentId, amount, channel, at } = payment;
    return this.payments.book(accountId, { type: 'TopUp', paymentId, amount, channel, at }, meta);
  }
}
