import type { SqlValue } from '../runner/read-model-db.js';
import type { ReadModelQuery } from './read-models.js';

/** The filters of GET /v1/accounts, already validated; every one optional. */
export interface AccountListFilters {
  statuses?: string[];
  profileId?: string;
  region?: string;
  payerType?: string;
  hasDebt?: boolean;
  /** Entered the current status at or after this canonical instant. */
  statusSince?: string;
  /** Entered the current status before this canonical instant. */
  statusBefore?: string;
  /** Account id prefix (case-sensitive). */
  idPrefix?: string;
}

export interface AccountListRow {
  accountId: string;
  status: string;
  statusSince: string;
  profileId: string;
  region: string;
  payerType: string;
  currency: string;
  balance: string;
  debt: string;
  openedAt: string;
}

interface Row {
  account_id: string;
  status: string;
  status_since: string;
  profile_id: string;
  region: string;
  payer_type: string;
  currency: string;
  balance: string;
  debt: string;
  opened_at: string;
}

/**
 * One page of the account list, in account id order: the accounts matching `filters` with an id after
 * `after` (keyset pagination: stable while accounts are opened between pages), at most `limit` of them, and
 * whether more follow.
 */
export const accountListPage =
  (
    filters: AccountListFilters,
    after: string | undefined,
    limit: number,
  ): ReadModelQuery<{ rows: AccountListRow[]; more: boolean }> =>
  async (db, table) => {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const param = (value: SqlValue) => (params.push(value), `$${params.length}`);
    if (filters.statuses?.length) where.push(`status IN (${filters.statuses.map(param).join(', ')})`);
    if (filters.profileId !== undefined) where.push(`profile_id = ${param(filters.profileId)}`);
    if (filters.region !== undefined) where.push(`region = ${param(filters.region)}`);
    if (filters.payerType !== undefined) where.push(`payer_type = ${param(filters.payerType)}`);
    if (filters.hasDebt !== undefined) where.push(`has_debt = ${param(filters.hasDebt ? 1 : 0)}`);
    if (filters.statusSince !== undefined) where.push(`status_since >= ${param(filters.statusSince)}`);
    if (filters.statusBefore !== undefined) where.push(`status_since < ${param(filters.statusBefore)}`);
    if (filters.idPrefix !== undefined)
      where.push(`substr(account_id, 1, ${param(filters.idPrefix.length)}) = ${param(filters.idPrefix)}`);
    if (after !== undefined) where.push(`account_id > ${param(after)}`);
    const rows = await db.all<Row>(
      `SELECT account_id, status, status_since, profile_id, region, payer_type, currency, balance, debt, opened_at
       FROM ${table('account_list')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY account_id LIMIT ${param(limit + 1)}`,
      params,
    );
    return {
      more: rows.length > limit,
      rows: rows.slice(0, limit).map((r) => ({
        accountId: r.account_id,
        status: r.status,
        statusSince: r.status_since,
        profileId: r.profile_id,
        region: r.region,
        payerType: r.payer_type,
        currency: r.currency,
        balance: r.balance,
        debt: r.debt,
        openedAt: r.opened_at,
      })),
    };
  };
