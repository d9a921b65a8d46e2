import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * A legal entity asks for a bill to top up its balance (rules §8): numbered and rendered by the document
 * issuer; paying it (PayBill naming it) credits the balance.
 */
export class RequestTopUpBill extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly bill: {
      billId: string;
      amount: string;
      /** The amount's currency: must be the account's (the HTTP API always sends it). */
      currency?: string;
      at: string;
    },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RequestTopUpBill)
export class RequestTopUpBillHandler implements ICommandHandler<RequestTopUpBill> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {}

  async execute({ accountId, bill, meta }: RequestTopUpBill): Promise<CommandOutcome> {
    if (bill.currency !== undefined) await this.accounts.accountInCurrency(accountId, bill.currency);
    const { billId, amount, at } = bill;
    return this.ledger.decide(accountId, at, { type: 'RequestTopUpBill', billId, amount, at }, meta);
  }
}
