import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { usageInstant } from '../../domain/ledger/ledger-decide.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { LedgerBook } from '../ledger-book.js';
import { LedgerHistory } from '../ledger-history.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/** A usage record: a quantity of a SKU used in a time window, rated and charged in the window's period. */
export class ConsumeResource extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly usage: {
      usageRecordId: string;
      sku: string;
      quantity: string;
      windowStart: string;
      windowEnd: string;
      /** Issue 15: the project (absent: `default`), the resource, the labels. */
      project?: string;
      resourceId?: string;
      labels?: Readonly<Record<string, string>>;
    },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * Charged in the period its usage instant falls in; when that period is closed already, booked as late
 * usage (issue 14) in the period open now, naming the closed one — unless it was booked before, on time or
 * late (a duplicate), or the profile's late window has passed (LATE_USAGE_WINDOW_PASSED).
 */
@CommandHandler(ConsumeResource)
export class ConsumeResourceHandler implements ICommandHandler<ConsumeResource> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(LedgerHistory) private readonly history: LedgerHistory,
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, usage, meta }: ConsumeResource): Promise<CommandOutcome> {
    const usageAt = usageInstant(usage.windowStart, usage.windowEnd);
    // Looked up once: the late-usage check and the decision both read the account's facts.
    const account = await this.accounts.account(accountId);
    const late = await this.history.lateUsage(account, usage, usageAt);
    if (late && 'duplicateIn' in late)
      return { status: 'duplicate', streamId: late.duplicateIn, eventTypes: [] };
    if (late) {
      const at = this.clock.now().toISOString();
      const command = {
        type: 'BookLateUsage' as const,
        ...usage,
        closedPeriod: late.closedPeriod,
        by: meta.actor,
        at,
      };
      return this.ledger.decideFor(account, at, command, meta);
    }
    return this.ledger.decideFor(account, usageAt, { type: 'ConsumeResource', ...usage }, meta);
  }
}
