import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideChangePaymentMethod,
  type ChangePaymentMethodCommand,
} from '../../domain/account/change-payment-method.js';
import { AccountBook } from '../account-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** Bank transfer or card: a bank-transfer payer gets the bills of seed 004. */
export class ChangePaymentMethod extends Command<CommandOutcome> {
  constructor(
    readonly change: ChangePaymentMethodCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangePaymentMethod)
export class ChangePaymentMethodHandler implements ICommandHandler<ChangePaymentMethod> {
  constructor(@Inject(AccountBook) private readonly accounts: AccountBook) {}

  async execute({ change, meta }: ChangePaymentMethod): Promise<CommandOutcome> {
    await this.accounts.account(change.accountId);
    return this.accounts.decide(
      change.accountId,
      (state) => decideChangePaymentMethod(change, state),
      meta,
      change.at,
    );
  }
}
