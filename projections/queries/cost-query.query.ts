import type { Currency } from '../../src/domain/account/account-events.js';
import { labelOf, type CostDimension, type CostPart } from '../../src/domain/documents/cost-query.js';
import type { ReadModelDb, SqlValue } from '../runner/read-model-db.js';
import type { ReadModelQuery } from './read-models.js';

export interface CostQueryRead {
  timeZone: string;
  currency: Currency;
  /** The costs read model's rows in range, ordered by the dimensions' values: read as they are iterated. */
  parts: AsyncIterable<CostPart>;
}

const COLUMNS: Record<Exclude<CostDimension, `label:${string}`>, string> = {
  project: 'r.project',
  resource: 'r.resource_id',
  sku: 'r.sku',
  day: 'r.day',
};

/**
 * An account's cost rows from `from` to `to` (local days, inclusive), ordered by `dimensions` so that
 * rows of one group come together; undefined for an account the read model has not seen. The rows are
 * read from a cursor while the caller iterates `parts`: nothing of the range is held.
 */
export const costQuery =
  (
    accountId: string,
    from: string,
    to: string,
    dimensions: readonly CostDimension[],
  ): ReadModelQuery<CostQueryRead | undefined> =>
  async (db, table) => {
    const account = await db.get<{ time_zone: string; currency: Currency }>(
      `SELECT time_zone, currency FROM ${table('cost_accounts')} WHERE account_id = $1`,
      [accountId],
    );
    if (!account) return undefined;
    const params: SqlValue[] = [accountId, from, to];
    const groups = dimensions.map((dimension) => {
      const label = labelOf(dimension);
      if (label === undefined) return COLUMNS[dimension as keyof typeof COLUMNS];
      // A label's value out of the row's label set ('' never is one — values have 1–63 characters — so it
      // stands for "not labelled"), with each dialect's own JSON operator.
      if (db.dialect === 'postgres') {
        params.push(label);
        return `COALESCE(r.labels::jsonb ->> $${params.length}::text, '')`;
      }
      params.push(`$."${label}"`);
      return `COALESCE(json_extract(r.labels, $${params.length}), '')`;
    });
    const sql = `SELECT ${groups.map((expression, index) => `${expression} AS g${index}`).join(', ')},
        r.amount, r.from_grants, r.from_balance, r.records
      FROM ${table('cost_daily')} r
      WHERE r.account_id = $1 AND r.day >= $2 AND r.day <= $3
      ORDER BY ${groups.map((_, index) => `g${index}`).join(', ')}`;
    return {
      timeZone: account.time_zone,
      currency: account.currency,
      parts: partsOf(db, sql, params, dimensions),
    };
  };

async function* partsOf(
  db: ReadModelDb,
  sql: string,
  params: SqlValue[],
  dimensions: readonly CostDimension[],
): AsyncIterable<CostPart> {
  for await (const row of db.iterate<Record<string, string | number>>(sql, params)) {
    yield {
      // '' is no resource and no label value: null in the answer.
      key: dimensions.map((_, index) => (row[`g${index}`] === '' ? null : String(row[`g${index}`]))),
      amount: String(row.amount),
      fromGrants: String(row.from_grants),
      fromBalance: String(row.from_balance),
      records: Number(row.records),
    };
  }
}
