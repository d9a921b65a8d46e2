import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../books/account-book.js';
import { LedgerBook } from '../books/ledger-book.js';
import { renderDocumentPdf } from './document-pdf.js';
import { DocumentService } from './document-service.js';
import { issuerDetails } from './issuers.js';
import { NotFoundError } from '../platform/commands/command-outcome.js';
import { accountLedgerPrefix, ledgerStream } from '../platform/event-store/stream-names.js';
import {
  billingReport,
  billingReportCsv,
  documentEntry,
  paymentEntry,
  reconcile,
  type ReconciliationEntry,
} from '../domain/documents/index.js';
import type { LedgerEventOf } from '../domain/ledger/ledger-events.js';
import {
  addCalendarDays,
  localDate,
  nextPeriod,
  periodById,
  periodOf,
} from '../domain/shared/reporting-period.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../platform/event-store/errors.js';
import { Roles } from '../platform/http/auth/roles.js';
import { problem } from '../platform/http/problem-details.js';
import { AccountIdPipe } from '../platform/http/account-id.pipe.js';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateRange(from?: string, to?: string): { from: string; to: string } {
  const bad = (field: string) =>
    problem(400, 'VALIDATION_FAILED', 'The request is invalid', `${field} must be a date YYYY-MM-DD`, {
      errors: [{ field, rule: 'isDate', message: `${field} must be a date YYYY-MM-DD` }],
    });
  if (!from || !LOCAL_DATE.test(from) || Number.isNaN(Date.parse(from))) throw bad('from');
  if (!to || !LOCAL_DATE.test(to) || Number.isNaN(Date.parse(to))) throw bad('to');
  if (from > to) {
    throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'from must not be after to', {
      errors: [{ field: 'from', rule: 'range', message: 'from must not be after to' }],
    });
  }
  return { from, to };
}

/** Documents as JSON and PDF, the reconciliation report and the billing report (read-only). */
@Controller('v1/accounts/:accountId')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('documents')
  @Roles('service', 'ops', 'auditor')
  async list(@Param('accountId', AccountIdPipe) accountId: string) {
    await this.accounts.account(accountId);
    const documents = await this.documents.list(accountId);
    return documents.map((d) => ({
      number: d.number,
      kind: d.kind,
      date: d.date,
      periodId: d.periodId,
      totals: d.totals,
    }));
  }

  @Get('documents/:number')
  @Roles('service', 'ops', 'auditor')
  async get(@Param('accountId', AccountIdPipe) accountId: string, @Param('number') number: string) {
    return this.find(accountId, number);
  }

  @Get('documents/:number/pdf')
  @Roles('service', 'ops', 'auditor')
  async pdf(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('number') number: string,
    @Res() response: Response,
  ) {
    const document = await this.find(accountId, number);
    const pdf = await renderDocumentPdf(document);
    response
      .type('application/pdf')
      .setHeader('content-disposition', `inline; filename="${document.number}.pdf"`);
    response.send(pdf);
  }

  /** Акт сверки for any date range: documents (debit) and eligible payments (credit), who owes whom. */
  @Get('reconciliation')
  @Roles('service', 'ops', 'auditor')
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

  /** Детализация: consumption by service, resource and local day, as JSON or CSV. */
  @Get('billing-report')
  @Roles('service', 'ops', 'auditor')
  async billingReport(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Res() response: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('format') format = 'json',
  ) {
    const range = dateRange(from, to);
    if (format !== 'json' && format !== 'csv') {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'format must be json or csv', {
        errors: [{ field: 'format', rule: 'isIn', message: 'format must be json or csv' }],
      });
    }
    const account = await this.accounts.account(accountId);
    const consumption: Array<LedgerEventOf<'ResourceConsumed'>['data']> = [];
    let period = periodById(range.from.slice(0, 7), account.timeZone);
    const last = periodOf(new Date(Date.parse(`${range.to}T12:00:00Z`)).toISOString(), account.timeZone).id;
    while (period.id <= last) {
      for (const event of await this.readLedger(accountId, period.id)) {
        if (event.type === 'ResourceConsumed')
          consumption.push(event.data as LedgerEventOf<'ResourceConsumed'>['data']);
      }
      period = nextPeriod(period);
    }
    const report = billingReport({
      accountId,
      currency: account.currency,
      timeZone: account.timeZone,
      ...range,
      consumption,
    });
    if (format === 'csv') {
      response
        .type('text/csv; charset=utf-8')
        .setHeader(
          'content-disposition',
          `attachment; filename="${accountId}-${range.from}-${range.to}.csv"`,
        );
      response.send(billingReportCsv(report, { totalsRow: true }));
    } else response.json(report);
  }

  private async find(accountId: string, number: string) {
    await this.accounts.account(accountId);
    const document = (await this.documents.list(accountId)).find((d) => d.number === number);
    if (!document) throw new NotFoundError(`Account ${accountId} has no document ${number}`);
    return document;
  }

  private async readLedger(accountId: string, periodId: string) {
    try {
      return await this.store.readStream(ledgerStream(accountId, periodId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async entries(accountId: string, timeZone: string): Promise<ReconciliationEntry[]> {
    const documents = (await this.documents.list(accountId)).map(documentEntry);
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
