import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PaymentChannel } from '../../domain/policies/policy-profile.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { PaymentBook } from '../payment-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A payment against a bill: full, partial or over; any excess stays on the personal account. */
export class PayBill extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly billId: string,
    readonly payment: {
      paymentId: string;
      amount: string;
      /** The amount's currency: must be the account's (the HTTP API always sends it). */
      currency?: string;
      channel: PaymentChannel;
      at: string;
    },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(PayBill)
export class PayBillHandler implements ICommandHandler<PayBill> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(PaymentBook) private readonly payments: PaymentBook,
  ) {}

  async execute({ accountId, billId, payment, meta }: PayBill): Promise<CommandOutcome> {
    if (payment.currency !== undefined) await this.accounts.accountInCurrency(accountId, payment.currency);
    const { paymentId, amount, channel, at } = payment;
    return this.payments.book(accountId, { type: 'PayBill', billId, paymentId, amount, channel, at }, meta);
  }
}
