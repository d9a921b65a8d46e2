import {
  ARRAY,
  ApiCapability,
  ApiRead,
  STRING,
  TEXT,
  dateQuery,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import {
  billingReport,
  billingReportCsv,
  billingReportFromRows,
  type BillingReport,
} from '../../domain/documents/index.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import type { PaymentChannel } from '../../domain/policies/policy-profile.js';
import { nextPeriod, periodById, periodOf } from '../../domain/shared/reporting-period.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { billingReportProjection } from '../../../projections/billing-report.projection.js';
import { billingReportRecord } from '../../../projections/queries/billing-report.query.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

import { dateRange } from '../date-range.js';

/** The billing report (детализация): consumption by service, resource and local day (read-only). */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class BillingReportController {
  constructor(
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  /** Детализация: consumption by service, resource and local day, as JSON or CSV. */
  @Get('billing-report')
  @RequireScopes('read')
  @ApiRead({
    summary: 'The billing report',
    description: 'Consumption per local day, service, SKU and unit; JSON or CSV.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      ...[
        dateQuery('from', 'First local date (YYYY-MM-DD)'),
        dateQuery('to', 'Last local date (YYYY-MM-DD)'),
      ],
      {
        name: 'format',
        description: 'json (default) or csv',
        schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
      },
    ],
    produces: {
      'application/json': objectWith({
        accountId: STRING,
        currency: STRING,
        timeZone: STRING,
        from: STRING,
        to: STRING,
        rows: ARRAY,
      }),
      ...TEXT('text/csv'),
    },
  })
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
    // A legal entity's report leaves out what its documents leave out: spending paid through channels
    // its profile does not count (the first provider's card top-ups, seed 000).
    const documentChannels =
      account.payerType === 'individual'
        ? undefined
        : this.ledger.contextFor(account).profile.documents.eligibleChannels;
    const report =
      (await this.fromReadModel(accountId, range, documentChannels)) ??
      (await this.fromLedger(accountId, range, documentChannels));
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

  /**
   * From the billing-report read model once it has caught up with the log; undefined when the log must
   * answer (not caught up, or an account it has not seen: the log answers 404).
   */
  private async fromReadModel(
    accountId: string,
    range: { from: string; to: string },
    documentChannels: readonly PaymentChannel[] | undefined,
  ): Promise<BillingReport | undefined> {
    const read = await this.readModels?.read(
      'billing-report',
      billingReportProjection,
      billingReportRecord(accountId, range.from, range.to),
    );
    if (!read?.served || !read.value) return undefined;
    const { timeZone, currency, rows, corrections } = read.value;
    // The ledger periods the log would read: those of `from` up to the one holding `to` at midday UTC.
    const last = periodOf(new Date(Date.parse(`${range.to}T12:00:00Z`)).toISOString(), timeZone).id;
    return billingReportFromRows(
      { accountId, currency, timeZone, ...range, ...(documentChannels ? { documentChannels } : {}) },
      rows.filter((row) => row.day.slice(0, 7) <= last),
      corrections,
    );
  }

  /** From the ResourceConsumed events of the account's ledger periods that hold the range. */
  private async fromLedger(
    accountId: string,
    range: { from: string; to: string },
    documentChannels: readonly PaymentChannel[] | undefined,
  ): Promise<BillingReport> {
    const account = await this.accounts.account(accountId);
    const consumption: Array<LedgerEventOf<'ResourceConsumed'>['data']> = [];
    const corrections: Array<LedgerEventOf<'ChargeCorrected'>['data']> = [];
    let period = periodById(range.from.slice(0, 7), account.timeZone);
    const last = periodOf(new Date(Date.parse(`${range.to}T12:00:00Z`)).toISOString(), account.timeZone).id;
    while (period.id <= last) {
      for (const event of await this.readLedger(accountId, period.id)) {
        if (event.type === 'ResourceConsumed')
          consumption.push(event.data as LedgerEventOf<'ResourceConsumed'>['data']);
        if (event.type === 'ChargeCorrected')
          corrections.push(event.data as LedgerEventOf<'ChargeCorrected'>['data']);
      }
      period = nextPeriod(period);
    }
    return billingReport({
      accountId,
      currency: account.currency,
      timeZone: account.timeZone,
      ...range,
      consumption,
      corrections,
      ...(documentChannels ? { documentChannels } : {}),
    });
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
