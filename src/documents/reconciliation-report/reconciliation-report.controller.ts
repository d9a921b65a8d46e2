import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { AccountBook } from '../../accounts/account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { DocumentService } from '../document-service.js';
import { issuerDetails } from '../issuers.js';
import { accountLedgerPrefix } from '../../platform/event-store/stream-names.js';
import {
  documentEntry,
  paymentEntry,
  reconcile,
  type ReconciliationEntry,
} from '../../domain/documents/index.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import { addCalendarDays, localDate } from '../../domain/shared/reporting-period.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { accountDocuments } from '../../../projections/queries/documents.query.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

import { dateRange } from '../date-range.js';

/** The reconciliation report (акт сверки) for any date range (read-only). */
@Controller('v1/accounts/:accountId')
export class ReconciliationReportController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  /** Акт сверки for any date range: documents (debit) and eligible payments (credit), who owes whom. */
  @Get('reconciliation')
  @RequireScopes('read')
  async reconciliation(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const range = dateRange(from, to);
    const account = await this.accounts.account(accountId);
    const state = await this.accounts.state(accountId);
    const profile = this.ledger.contextFor(account).profile;
    const entries = await this.entries(accountId, account.timeZone);
    const opened = localDate(account.openedAt, account.timeZone);
    const before = entries.filter((e) => e.date < range.from);
    const base = {
      accountId,
      currency: account.currency,
      eligibleChannels: profile.documents.eligibleChannels,
    };
    const opening =
      range.from > opened && before.length > 0
        ? reconcile({
            ...base,
            from: opened,
            to: addCalendarDays(range.from, -1),
            openingBalance: '0',
            entries: before,
          }).closingBalance
        : '0.00';
    return reconcile({
      ...base,
      from: range.from,
      to: range.to,
      openingBalance: opening,
      entries: entries.filter((e) => e.date >= range.from && e.date <= range.to),
      provider: issuerDetails(account.issuer),
      customer: state.legalDetails,
    });
  }

  /**
   * Documents (from the documents read model once it has caught up with the log, else from the documents
   * stream) and the payments the ledger recorded (from the log), by date.
   */
  private async entries(accountId: string, timeZone: string): Promise<ReconciliationEntry[]> {
    const read = await this.readModels?.read(
      'reconciliation-report',
      documentsProjection,
      accountDocuments(accountId),
    );
    const issued = read?.served && read.value ? read.value : await this.documents.list(accountId);
    const documents = issued.map(documentEntry);
    const deposits = (
      await this.store.readAll({
        filter: { streamPrefixes: [accountLedgerPrefix(accountId)], eventTypes: ['FundsDeposited'] },
      })
    )
      .filter((e) => e.streamId.startsWith(accountLedgerPrefix(accountId)))
      .map((e) => paymentEntry(e.data as LedgerEventOf<'FundsDeposited'>['data'], timeZone));
    return [...documents, ...deposits].sort((a, b) => a.date.localeCompare(b.date));
  }
}
