import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** How far below zero the account may spend before a bill is issued (credit-limit profiles only). */
export class SetCreditLimit extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly creditLimit: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(SetCreditLimit)
export class SetCreditLimitHandler implements ICommandHandler<SetCreditLimit> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, creditLimit, at, meta }: SetCreditLimit): Promise<CommandOutcome> {
    return this.ledger.decide(accountId, at, { type: 'SetCreditLimit', creditLimit, at }, meta);
  }
}
