import { Controller, Get, Inject, Optional, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import {
  costCsvHeader,
  costCsvLine,
  emptyCostTotals,
  groupedCosts,
  parseGroupBy,
  type CostDimension,
} from '../../domain/documents/cost-query.js';
import {
  ApiCapability,
  ApiRead,
  STRING,
  TEXT,
  dateQuery,
  objectWith,
} from '../../platform/http/api-contract.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { problem } from '../../platform/http/problem-details.js';
import { costsProjection } from '../../../projections/costs.projection.js';
import { costQuery, type CostQueryRead } from '../../../projections/queries/cost-query.query.js';
import { foldLog } from '../../../projections/queries/from-log.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import { dateRange } from '../date-range.js';

const invalid = (field: string, rule: string, message: string) =>
  problem(400, 'VALIDATION_FAILED', 'The request is invalid', message, {
    errors: [{ field, rule, message }],
  });

/**
 * The cost query (issue 15): an account's charges over any range of local days, grouped by project,
 * resource, SKU, label and day, as JSON or CSV, streamed from the costs read model row by row.
 */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class CostQueryController {
  constructor(
    private readonly accounts: AccountBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  @Get('costs')
  @RequireScopes('read')
  @ApiRead({
    summary: 'Costs grouped by project, resource, SKU, label or day',
    description:
      'Every charge from `from` to `to` (local days, inclusive, across periods), summed per group; ' +
      'JSON (one object, its rows streamed) or CSV with a header.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      dateQuery('from', 'First local date (YYYY-MM-DD)'),
      dateQuery('to', 'Last local date (YYYY-MM-DD)'),
      {
        name: 'groupBy',
        description: 'Comma-separated: project, resource, sku, label:<key>, day (default project)',
        schema: { type: 'string', example: 'project,sku' },
      },
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
        from: STRING,
        to: STRING,
        groupBy: { type: 'array', items: STRING },
        rows: { type: 'array', items: { type: 'object' } },
        totals: objectWith({ amount: STRING, fromGrants: STRING, fromBalance: STRING }),
      }),
      ...TEXT('text/csv'),
    },
  })
  async costs(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Res() response: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('groupBy') groupBy?: string,
    @Query('format') format: unknown = 'json',
  ): Promise<void> {
    const range = dateRange(from, to);
    const grouping = parseGroupBy(groupBy);
    if (!grouping.ok) throw invalid('groupBy', 'isCostDimension', grouping.message);
    if (format !== 'json' && format !== 'csv') throw invalid('format', 'isIn', 'format must be json or csv');
    await this.accounts.account(accountId); // 404 for an account that does not exist
    const query = costQuery(accountId, range.from, range.to, grouping.dimensions);
    const read = await this.readModels?.read('cost-query', costsProjection, query);
    // Not served (the read model is rebuilding, lagging or off): the same projection folded from the log.
    let fallback: ReadModelDb | undefined;
    try {
      let answer: CostQueryRead | undefined;
      if (read?.served) answer = read.value;
      else {
        fallback = await foldLog(this.store, costsProjection);
        answer = await query(fallback, (name) => name);
      }
      await this.stream(response, accountId, range, grouping.dimensions, format, answer);
    } catch (error) {
      // Once rows are out the status is sent: a failure can only cut the answer short, visibly.
      if (!response.headersSent) throw error;
      response.destroy(error as Error);
    } finally {
      await fallback?.close();
    }
  }

  /** Writes the answer as rows are read, waiting for the client to drain when its buffer is full. */
  private async stream(
    response: Response,
    accountId: string,
    range: { from: string; to: string },
    dimensions: CostDimension[],
    format: 'json' | 'csv',
    answer: CostQueryRead | undefined,
  ): Promise<void> {
    const currency = answer?.currency ?? (await this.accounts.account(accountId)).currency;
    const parts = answer?.parts ?? noParts();
    const totals = emptyCostTotals();
    const grouped = groupedCosts(parts, dimensions, totals);
    // The first group is read before anything is written: a query that fails at once is still a problem+json.
    const first = await grouped.next();
    const rows = (async function* () {
      if (!first.done) yield first.value;
      yield* grouped;
    })();
    response.status(200);
    if (format === 'csv') {
      response
        .type('text/csv; charset=utf-8')
        .setHeader(
          'content-disposition',
          `attachment; filename="${accountId}-costs-${range.from}-${range.to}.csv"`,
        );
      await write(response, costCsvHeader(dimensions));
      for await (const row of rows) await write(response, costCsvLine(row, dimensions, currency));
    } else {
      response.type('application/json; charset=utf-8');
      const head = { accountId, currency, from: range.from, to: range.to, groupBy: dimensions };
      await write(response, `${JSON.stringify(head).slice(0, -1)},"rows":[`);
      let separator = '\n';
      for await (const row of rows) {
        await write(response, `${separator}${JSON.stringify(row)}`);
        separator = ',\n';
      }
      await write(response, `\n],"totals":${JSON.stringify(totals)}}\n`);
    }
    response.end();
  }
}

async function* noParts(): AsyncIterable<never> {}

/** One chunk out; when the socket's buffer is full, wait for it to drain (or for the client to leave). */
function write(response: Response, chunk: string): Promise<void> | void {
  if (response.write(chunk)) return;
  return new Promise((resolve, reject) => {
    const drained = () => {
      response.off('close', closed);
      resolve();
    };
    const closed = () => {
      response.off('drain', drained);
      reject(new Error('The client left before the cost query was written'));
    };
    response.once('drain', drained);
    response.once('close', closed);
  });
}
