import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { LedgerBook } from '../ledger-book.js';
import { nextPeriod, periodById } from '../../domain/shared/reporting-period.js';

export interface PeriodCloseOutcome {
  accountId: string;
  closedPeriod: string;
  openPeriod: string;
  carried: boolean;
}

/**
 * Closes a reporting period that has ended (idempotently) and opens the next one with its carry-over — sent
 * by the close endpoint and by each period's close deadline at its end.
 */
export class ClosePeriod extends Command<PeriodCloseOutcome> {
  constructor(
    readonly accountId: string,
    readonly periodId: string,
  ) {
    super();
  }
}

@CommandHandler(ClosePeriod)
export class ClosePeriodHandler implements ICommandHandler<ClosePeriod> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {}

  async execute({ accountId, periodId }: ClosePeriod): Promise<PeriodCloseOutcome> {
    const account = await this.accounts.account(accountId);
    const period = periodById(periodId, account.timeZone);
    const state = await this.ledger.state(accountId, nextPeriod(period).startsAt);
    return {
      accountId,
      closedPeriod: period.id,
      openPeriod: state.periodId,
      carried: state.phase === 'open',
    };
  }
}
