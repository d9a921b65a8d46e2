import type { Currency } from '../../src/domain/account/account-events.js';
import type { BillingReportCorrection, ConsumptionRow } from '../../src/domain/documents/index.js';
import type { FundingPart } from '../../src/domain/ledger/funding.js';
import { DEFAULT_PROJECT } from '../../src/domain/ledger/usage-attribution.js';
import type { ReadModelQuery } from './read-models.js';

export interface BillingReportRecord {
  timeZone: string;
  currency: Currency;
  /** Summed per local day, service, SKU, unit and project, in the order of each row's first usage record. */
  rows: ConsumptionRow[];
  /** The corrections booked from `from` to `to` (issue 14), in booking order. */
  corrections: BillingReportCorrection[];
}

interface DailyRow {
  day: string;
  service: string;
  category: string;
  sku: string;
  unit: string;
  quantity: string;
  amount: string;
  from_grants: string;
  from_balance: string;
  from_balance_by: string;
  records: number | string;
  project: string;
}

/**
 * An account's consumption per local day from `from` to `to` (inclusive) out of the billing-report read
 * model; undefined for an account it has not seen.
 */
export const billingReportRecord =
  (accountId: string, from: string, to: string): ReadModelQuery<BillingReportRecord | undefined> =>
  async (db, table) => {
    const account = await db.get<{ time_zone: string; currency: Currency }>(
      `SELECT time_zone, currency FROM ${table('billing_report_accounts')} WHERE account_id = $1`,
      [accountId],
    );
    if (!account) return undefined;
    const rows = await db.all<DailyRow & { first_position: string }>(
      `SELECT day, service, category, sku, unit, quantity, amount, from_grants, from_balance, from_balance_by, records, project, first_position
       FROM ${table('billing_report_daily')} WHERE account_id = $1 AND day >= $2 AND day <= $3`,
      [accountId, from, to],
    );
    const corrections = await db.all<{ line: string; position: string }>(
      `SELECT line, position FROM ${table('billing_report_corrections')} WHERE account_id = $1 AND day >= $2 AND day <= $3`,
      [accountId, from, to],
    );
    return {
      timeZone: account.time_zone,
      currency: account.currency,
      corrections: corrections
        .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
        .map((c) => JSON.parse(c.line) as BillingReportCorrection),
      rows: rows
        .sort((a, b) =>
          a.first_position < b.first_position ? -1 : a.first_position > b.first_position ? 1 : 0,
        )
        .map((r) => ({
          day: r.day,
          service: r.service,
          category: r.category,
          sku: r.sku,
          usageRecordId: null,
          unit: r.unit,
          quantity: r.quantity,
          amount: r.amount,
          fromGrants: r.from_grants,
          fromBalance: r.from_balance,
          fromBalanceBy: JSON.parse(r.from_balance_by) as FundingPart[],
          records: Number(r.records),
          // `default` is the absence of a project, as in the events.
          ...(r.project !== DEFAULT_PROJECT ? { project: r.project } : {}),
        })),
    };
  };
