import Big from 'big.js';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideClosedAccountDeletion } from '../../domain/account/close-account.js';
import { owedBy } from '../../domain/ledger/decisions/close-account.js';
import { carriedState } from '../../domain/ledger/ledger-state.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountBook } from '../account-book.js';
import { FINAL_REFUND, type FinalRefund } from './final-refund.port.js';
import { closureRefundId } from './refund-remaining-balance.command.js';

/**
 * The closure saga's last step (sent by the `delete-closed-account` deadline a day after the final close,
 * and again a day after each deferral): once the final period is closed (its documents issued — the
 * scheduler fires deadlines only after the document issuer has caught up), nothing is owed and the refund
 * is completed or not needed, the account's personal data is deleted per retention exactly as the
 * deletion deadline does (AccountDeleted, what was erased and what is kept); otherwise
 * ClosedAccountDeletionDeferred says why and plans the next try.
 */
export class DeleteClosedAccount extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(DeleteClosedAccount)
export class DeleteClosedAccountHandler implements ICommandHandler<DeleteClosedAccount> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(FINAL_REFUND) private readonly refunds: FinalRefund,
  ) {}

  async execute({ accountId, at, meta }: DeleteClosedAccount): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    const { final, latest } = await this.ledger.closingLedger(accountId);
    const finalPeriodClosed = final?.phase === 'closed' && final.closedEarlyAt !== undefined;
    const owed = latest
      ? owedBy(latest.phase === 'closed' ? latest.closedCarry! : carriedState(latest))
      : new Big(0);
    const leftOver = finalPeriodClosed ? new Big(final.closedCarry!.balance) : new Big(0);
    const refund = leftOver.gt(0) ? await this.refunds.status(accountId, closureRefundId(accountId)) : 'none';
    // The retention key is not the account key: deletion keeps it, and states until when and why.
    const kept = this.accounts.retention(accountId);
    const retention = kept && !kept.destroyedAt ? kept : undefined;
    const outcome = await this.accounts.decide(
      accountId,
      (state) =>
        decideClosedAccountDeletion(
          {
            accountId,
            at,
            finalPeriodClosed,
            owed: owed.toFixed(),
            refund,
            ...(retention ? { retention } : {}),
          },
          state,
        ),
      meta,
      at,
    );
    if (outcome.eventTypes.includes('AccountDeleted')) this.accounts.shred(accountId, at);
    return outcome;
  }
}
