import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { adjustmentCorrectionId } from '../../domain/ledger/decisions/adjust.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { LedgerBook } from '../ledger-book.js';
import { LedgerHistory } from '../ledger-history.js';
import { PriceCatalogProvider } from '../price-catalog.provider.js';

export interface Adjustment {
  adjustmentId: string;
  direction: 'credit' | 'debit';
  amount: string;
  period: string;
  service: string;
  sku?: string;
  reason: string;
  reference?: string;
}

/** Ops credit or debit an amount for a period (issue 14), booked in the open period. */
export class Adjust extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly adjustment: Adjustment,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * Checks the service (and SKU) against the price list and the period against the account's first one, and
 * recognises an adjustment id booked in an earlier period; the ledger decides the rest (decisions/adjust.ts).
 */
@CommandHandler(Adjust)
export class AdjustHandler implements ICommandHandler<Adjust> {
  constructor(
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(LedgerHistory) private readonly history: LedgerHistory,
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(PriceCatalogProvider) private readonly catalog: PriceCatalogProvider,
  ) {}

  async execute({ accountId, adjustment, at, meta }: Adjust): Promise<CommandOutcome> {
    const skus = this.catalog.catalog.versions.flatMap((v) => v.skus);
    const ofService = skus.filter((s) => s.service === adjustment.service);
    if (ofService.length === 0) {
      throw new CommandRejectedError(
        'UNKNOWN_SERVICE',
        `service ${adjustment.service} is not in the price list`,
        'service',
      );
    }
    if (adjustment.sku && !ofService.some((s) => s.sku === adjustment.sku)) {
      throw new CommandRejectedError(
        'UNKNOWN_SKU',
        `sku ${adjustment.sku} is not a SKU of ${adjustment.service}`,
        'sku',
      );
    }
    const account = await this.accounts.account(accountId);
    if (adjustment.period < account.openingPeriodId) {
      throw new CommandRejectedError(
        'PERIOD_BEFORE_ACCOUNT',
        `period ${adjustment.period} is before the account's first period ${account.openingPeriodId}`,
        'period',
      );
    }
    const correctionId = adjustmentCorrectionId(adjustment.adjustmentId);
    if (await this.history.adjustmentBooked(accountId, adjustment.period, correctionId)) {
      return { status: 'duplicate', streamId: ledgerStream(accountId, adjustment.period), eventTypes: [] };
    }
    const { sku, reference, ...rest } = adjustment;
    return this.ledger.decide(
      accountId,
      at,
      {
        type: 'Adjust',
        ...rest,
        ...(sku ? { sku } : {}),
        ...(reference ? { reference } : {}),
        category: ofService[0]!.category,
        by: meta.actor,
        at,
      },
      meta,
    );
  }
}
