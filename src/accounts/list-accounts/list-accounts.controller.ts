import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { accountStatusProjection } from '../../../projections/account-status.projection.js';
import { accountListPage } from '../../../projections/queries/account-list.query.js';
import { queryFromLog } from '../../../projections/queries/from-log.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { accountListRequest, encodeCursor, type RawQuery } from './account-list-request.js';

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
  async list(
    @Query() query: RawQuery,
    // Named so that the OpenAPI document lists each filter.
    @Query('status') _status?: string,
    @Query('profile') _profile?: string,
    @Query('region') _region?: string,
    @Query('payerType') _payerType?: string,
    @Query('hasDebt') _hasDebt?: string,
    @Query('statusSince') _statusSince?: string,
    @Query('statusBefore') _statusBefore?: string,
    @Query('q') _q?: string,
    @Query('limit') _limit?: string,
    @Query('cursor') _cursor?: string,
  ) {
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
