/**
 * The billing-report projection as it was before its writes were batched (three statements per usage
 * record), kept verbatim as the reference the batched projection must equal (batched-equivalence.test.ts).
 */
import type { AccountEvent } from '../../../src/domain/account/account-events.js';
import { consumptionRow, correctionRow } from '../../../src/domain/documents/billing-report.js';
import { projectOf } from '../../../src/domain/ledger/usage-attribution.js';
import type { FundingPart } from '../../../src/domain/ledger/funding.js';
import type { LedgerEventOf } from '../../../src/domain/ledger/ledger-events.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { addDecimals } from '../../../projections/support/decimal-sum.js';
import { ledgerStreamParts, sortablePosition } from '../../../projections/support/streams.js';
import {
  ACCOUNT_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
} from '../../../src/platform/event-store/stream-names.js';

/**
 * Billing report aggregates: consumption per account, local day (the day in the account's own time zone,
 * from AccountOpened), service, SKU, unit and project, with what grants and the balance paid — the report's rows,
 * summed as the domain sums them (src/domain/documents/billing-report.ts: `consumptionRow`, the instant
 * the ledger rated the usage at). `first_position` orders rows by their first usage record, so the report
 * built from them names each service's category exactly as the one built from the ledger does.
 * `from_balance_by` sums the spending from the balance by funding source (JSON), so the report can leave
 * out, as the documents do, what channels the account's profile does not count paid for.
 */
export const billingReportReference: Projection = {
  name: 'billing-report',
  // v2: the unit in the key, the first usage record's position, the day and amounts from the domain.
  // v3: from_balance_by, the spending from the balance by funding source.
  // v4: billing_report_corrections, the corrections booked (issue 14), one row each.
  // v5: the project in the key (issue 15): the report's per-project totals.
  version: 5,
  filter: {
    streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX],
    eventTypes: ['AccountOpened', 'ResourceConsumed', 'ChargeCorrected'],
  },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('billing_report_accounts')} (
      account_id TEXT PRIMARY KEY, time_zone TEXT NOT NULL, currency TEXT NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('billing_report_daily')} (
      account_id TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL, sku TEXT NOT NULL, unit TEXT NOT NULL,
      category TEXT NOT NULL, currency TEXT NOT NULL, records INTEGER NOT NULL, quantity TEXT NOT NULL,
      amount TEXT NOT NULL, from_grants TEXT NOT NULL, from_balance TEXT NOT NULL, from_balance_by TEXT NOT NULL,
      first_position TEXT NOT NULL, project TEXT NOT NULL,
      PRIMARY KEY (account_id, day, service, sku, unit, project))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('billing_report_corrections')} (
      account_id TEXT NOT NULL, correction_id TEXT NOT NULL, day TEXT NOT NULL, line TEXT NOT NULL,
      position TEXT NOT NULL, PRIMARY KEY (account_id, correction_id))`);
  },

  async apply(db, recorded, table) {
    if (recorded.type === 'AccountOpened') {
      const d = recorded.data as Extract<AccountEvent, { type: 'AccountOpened' }>['data'];
      await db.run(
        `INSERT INTO ${table('billing_report_accounts')} (account_id, time_zone, currency) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO NOTHING`,
        [d.accountId, d.timeZone, d.currency],
      );
      return;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return;
    const account = await db.get<{ time_zone: string; currency: string }>(
      `SELECT time_zone, currency FROM ${table('billing_report_accounts')} WHERE account_id = $1`,
      [ledger.accountId],
    );
    if (!account) throw new Error(`No AccountOpened seen for ${ledger.accountId} before its consumption`);
    if (recorded.type === 'ChargeCorrected') {
      // The report's correction line, as the domain makes it from the event (JSON: it is only listed).
      const line = correctionRow(
        recorded.data as LedgerEventOf<'ChargeCorrected'>['data'],
        account.time_zone,
      );
      await db.run(
        `INSERT INTO ${table('billing_report_corrections')} (account_id, correction_id, day, line, position)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, correction_id) DO NOTHING`,
        [ledger.accountId, line.correctionId, line.day, JSON.stringify(line), sortablePosition(recorded)],
      );
      return;
    }
    const c = consumptionRow(recorded.data as LedgerEventOf<'ResourceConsumed'>['data'], account.time_zone);
    const key = [ledger.accountId, c.day, c.service, c.sku, c.unit, projectOf(c)];
    const row = await db.get<{
      records: number | string;
      quantity: string;
      amount: string;
      from_grants: string;
      from_balance: string;
      from_balance_by: string;
    }>(
      `SELECT records, quantity, amount, from_grants, from_balance, from_balance_by FROM ${table('billing_report_daily')}
       WHERE account_id = $1 AND day = $2 AND service = $3 AND sku = $4 AND unit = $5 AND project = $6`,
      key,
    );
    await db.run(
      `INSERT INTO ${table('billing_report_daily')} (account_id, day, service, sku, unit, project, category, currency,
         records, quantity, amount, from_grants, from_balance, from_balance_by, first_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (account_id, day, service, sku, unit, project) DO UPDATE SET records = excluded.records,
         quantity = excluded.quantity, amount = excluded.amount, from_grants = excluded.from_grants,
         from_balance = excluded.from_balance, from_balance_by = excluded.from_balance_by`,
      [
        ...key,
        c.category,
        account.currency,
        Number(row?.records ?? 0) + 1,
        addDecimals(row?.quantity, c.quantity),
        addDecimals(row?.amount, c.amount),
        addDecimals(row?.from_grants, c.fromGrants),
        addDecimals(row?.from_balance, c.fromBalance),
        JSON.stringify(
          sumBySource(row ? (JSON.parse(row.from_balance_by) as FundingPart[]) : [], c.fromBalanceBy),
        ),
        sortablePosition(recorded),
      ],
    );
  },
};

/** Parts summed by source, in the order each source first appeared. */
function sumBySource(sums: readonly FundingPart[], parts: readonly FundingPart[] = []): FundingPart[] {
  const bySource = new Map(sums.map((p) => [p.source, p.amount]));
  for (const part of parts) bySource.set(part.source, addDecimals(bySource.get(part.source), part.amount));
  return [...bySource].map(([source, amount]) => ({ source, amount }));
}
