import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import { billingReport, billingReportCsv } from '../../domain/documents/index.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import { nextPeriod, periodById, periodOf } from '../../domain/shared/reporting-period.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import { Roles } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';

import { dateRange } from '../date-range.js';

/** The billing report (детализация): consumption by service, resource and local day (read-only). */
@Controller('v1/accounts/:accountId')
export class BillingReportController {
  constructor(
    private readonly accounts: AccountBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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

  private async readLedger(accountId: string, periodId: string) {
    try {
      return await this.store.readStream(ledgerStream(accountId, periodId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}
