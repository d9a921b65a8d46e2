import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CommandRejectedError,
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { LedgerBook } from '../ledger-book.js';
import { LedgerHistory } from '../ledger-history.js';
import { PriceCatalogProvider } from '../price-catalog.provider.js';
import { reasonOf } from '../void-usage/void-usage.command.js';

/** Ops re-rate a usage record (issue 14): a corrected quantity and/or another price list version. */
export class RerateUsageRecord extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly usageRecordId: string,
    readonly change: { quantity?: string; catalogVersion?: string; reason: string; reference?: string },
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * Looks the record up in the account's periods (404 when none holds it) and turns a catalog version into
 * the instant it took effect (the decider rates at that instant); decisions/correct-usage.ts decides.
 */
@CommandHandler(RerateUsageRecord)
export class RerateUsageRecordHandler implements ICommandHandler<RerateUsageRecord> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(LedgerHistory) private readonly history: LedgerHistory,
    @Inject(PriceCatalogProvider) private readonly catalog: PriceCatalogProvider,
  ) {}

  async execute({ accountId, usageRecordId, change, at, meta }: RerateUsageRecord): Promise<CommandOutcome> {
    let priceAt: string | undefined;
    if (change.catalogVersion !== undefined) {
      const version = this.catalog.catalog.versions.find((v) => v.version === change.catalogVersion);
      if (!version) {
        throw new CommandRejectedError(
          'UNKNOWN_CATALOG_VERSION',
          `catalogVersion ${change.catalogVersion} is not a published price list version`,
          'catalogVersion',
        );
      }
      priceAt = new Date(Date.parse(version.effectiveFrom)).toISOString();
    }
    const record = await this.history.usageRecord(accountId, usageRecordId);
    if (!record)
      throw new NotFoundError(`Usage record ${usageRecordId} is not booked on account ${accountId}`);
    return this.ledger.decide(
      accountId,
      at,
      {
        type: 'RerateUsageRecord',
        record,
        ...(change.quantity !== undefined ? { quantity: change.quantity } : {}),
        ...(priceAt ? { priceAt } : {}),
        ...reasonOf(change),
        by: meta.actor,
        at,
      },
      meta,
    );
  }
}
