import {
  ApiCapability,
  ApiRead,
  BINARY,
  STRING,
  dateQuery,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { DocumentService } from '../document-service.js';
import { renderReconciliation } from '../forms/reconciliation-form.js';
import { issuerDetails } from '../issuers.js';
import { accountLedgerPrefix } from '../../platform/event-store/stream-names.js';
import {
  documentEntry,
  paymentEntry,
  reconcile,
  vatJurisdictionOf,
  type ReconciliationEntry,
} from '../../domain/documents/index.js';
import { refundEntries, type RefundEvent } from '../../domain/documents/reconciliation.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import { addCalendarDays, localDate } from '../../domain/shared/reporting-period.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { accountDocuments } from '../../../projections/queries/documents.query.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

import { dateRange } from '../date-range.js';

/** The reconciliation report (акт сверки) for any date range, as JSON and as the PDF form (read-only). */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class ReconciliationReportController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  /**
   * Акт сверки for any date range: documents and completed refunds (debit), eligible payments (credit), who
   * owes whom.
   */
  @Get('reconciliation')
  @RequireScopes('read')
  @ApiRead({
    summary: 'The reconciliation report',
    description:
      'Documents, payments and completed refunds between the dates, with opening and closing balances.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      dateQuery('from', 'First local date (YYYY-MM-DD)'),
      dateQuery('to', 'Last local date (YYYY-MM-DD)'),
    ],
    response: objectWith({ accountId: STRING, currency: STRING, from: STRING, to: STRING }),
  })
  async reconciliation(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    return (await this.report(accountId, from, to)).report;
  }

  /** The same report as the form both parties sign (PDF): the same numbers, rendered, never recomputed. */
  @Get('reconciliation.pdf')
  @RequireScopes('read')
  @ApiRead({
    summary: 'The reconciliation report as PDF',
    description: 'The form both parties sign.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      dateQuery('from', 'First local date (YYYY-MM-DD)'),
      dateQuery('to', 'Last local date (YYYY-MM-DD)'),
    ],
    produces: BINARY('application/pdf'),
  })
  async reconciliationPdf(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Res() response: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const { report, account, entries } = await this.report(accountId, from, to);
    const issuer = issuerDetails(account.issuer);
    const pdf = await renderReconciliation(report, {
      jurisdiction: vatJurisdictionOf(account),
      entries,
      ...(account.agreement ? { agreement: { ...account.agreement } } : {}),
      ...(issuer.signatories ? { signatories: issuer.signatories } : {}),
    });
    response
      .type('application/pdf')
      .setHeader(
        'content-disposition',
        `inline; filename="reconciliation-${accountId}-${report.from}-${report.to}.pdf"`,
      );
    response.send(pdf);
  }

  /**
   * The one computation both routes answer: the opening balance from everything before the range, then the
   * range's documents and payments; also the account and the range's entries, for the form.
   */
  private async report(accountId: string, from?: string, to?: string) {
    const range = dateRange(from, to);
    const account = await this.accounts.account(accountId);
    const state = await this.accounts.state(accountId);
    const profile = this.ledger.contextFor(account).profile;
    const all = await this.entries(accountId, account.timeZone);
    const opened = localDate(account.openedAt, account.timeZone);
    const before = all.filter((e) => e.date < range.from);
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
    const entries = all.filter((e) => e.date >= range.from && e.date <= range.to);
    const report = reconcile({
      ...base,
      from: range.from,
      to: range.to,
      openingBalance: opening,
      entries,
      provider: issuerDetails(account.issuer),
      customer: state.legalDetails,
    });
    return { report, account, entries };
  }

  /**
   * Documents (from the documents read model once it has caught up with the log, else from the documents
   * stream), the payments and the completed refunds the ledger recorded (from the log), by date.
   */
  private async entries(accountId: string, timeZone: string): Promise<ReconciliationEntry[]> {
    const read = await this.readModels?.read(
      'reconciliation-report',
      documentsProjection,
      accountDocuments(accountId),
    );
    const issued = read?.served && read.value ? read.value : await this.documents.list(accountId);
    const documents = issued.map(documentEntry);
    const ledger = (
      await this.store.readAll({
        filter: {
          streamPrefixes: [accountLedgerPrefix(accountId)],
          eventTypes: ['FundsDeposited', 'RefundRequested', 'RefundCompleted'],
        },
      })
    ).filter((e) => e.streamId.startsWith(accountLedgerPrefix(accountId)));
    const deposits = ledger
      .filter((e) => e.type === 'FundsDeposited')
      .map((e) => paymentEntry(e.data as LedgerEventOf<'FundsDeposited'>['data'], timeZone));
    const refunds = refundEntries(
      ledger
        .filter((e) => e.type === 'RefundRequested' || e.type === 'RefundCompleted')
        .map((e) => ({ type: e.type, data: e.data }) as RefundEvent),
      timeZone,
    );
    return [...documents, ...deposits, ...refunds].sort((a, b) => a.date.localeCompare(b.date));
  }
}
