import { ApiCapability, ApiRead, DECIMAL, STRING, objectWith } from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { accountStatusProjection } from '../../../projections/account-status.projection.js';
import { accountListPage } from '../../../projections/queries/account-list.query.js';
import { queryFromLog } from '../../../projections/queries/from-log.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { accountListRequest, encodeCursor, type RawQuery } from './account-list-request.js';

@ApiCapability('Accounts', 400)
@Controller('v1/accounts')
export class ListAccountsController {
  constructor(
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * The accounts, filtered (status, profile, region, payer type, debt, since when in the status, id prefix),
   * in account id order, a page at a time: `nextCursor` continues after the page's last account with the same
   * filters (keyset pagination, so accounts opened meanwhile neither repeat nor push others out). Served from
   * the account-status read model once it has caught up with the log; when it cannot be, the log is folded by
   * the same projection code (slower, counted as a fallback). Read-only.
   */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: 'List accounts',
    description:
      'Accounts in account id order, filtered, a page at a time; `nextCursor` continues with the same filters.',
    query: [
      {
        name: 'status',
        description: 'Current status; repeat or comma-separate for several',
        schema: { type: 'string', example: 'active' },
      },
      {
        name: 'profile',
        description: 'Policy profile id',
        schema: { type: 'string', example: 'yc-legal-credit' },
      },
      { name: 'region', description: 'Region', schema: { type: 'string', example: 'ru-moscow' } },
      {
        name: 'payerType',
        description: 'Payer type',
        schema: { type: 'string', enum: ['individual', 'sole-proprietor', 'legal-entity'] },
      },
      {
        name: 'hasDebt',
        description: 'Only accounts with (true) or without (false) debt',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
      {
        name: 'statusSince',
        description: 'In the current status since this instant or later (ISO-8601 with an offset)',
        schema: { type: 'string', format: 'date-time' },
      },
      {
        name: 'statusBefore',
        description: 'Entered the current status before this instant',
        schema: { type: 'string', format: 'date-time' },
      },
      { name: 'q', description: 'Account id prefix', schema: { type: 'string', example: 'rom' } },
      {
        name: 'limit',
        description: 'Page size, 1–500 (default 50)',
        schema: { type: 'string', pattern: '^\\d+$', example: '50' },
      },
      { name: 'cursor', description: 'The previous page’s nextCursor', schema: { type: 'string' } },
    ],
    response: objectWith({
      accounts: {
        type: 'array',
        items: objectWith({
          accountId: STRING,
          status: STRING,
          statusSince: { type: 'string', format: 'date-time' },
          profileId: STRING,
          region: STRING,
          payerType: STRING,
          currency: STRING,
          balance: DECIMAL,
          debt: DECIMAL,
          openedAt: { type: 'string', format: 'date-time' },
        }),
      },
      nextCursor: { type: 'string', nullable: true },
    }),
  })
  async list(@Query() query: RawQuery) {
    const request = accountListRequest(query, (id) => this.profiles.list().some((p) => p.id === id));
    const page = accountListPage(request.filters, request.after, request.limit);
    const read = await this.readModels.read('account-list', accountStatusProjection, page);
    const { rows, more } = read.served
      ? read.value
      : await queryFromLog(this.store, accountStatusProjection, page);
    const last = rows.at(-1);
    return {
      accounts: rows,
      nextCursor: more && last ? encodeCursor(last.accountId, request.filters) : null,
    };
  }
}
