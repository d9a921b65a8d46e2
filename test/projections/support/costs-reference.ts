/**
 * The costs projection as it was before its writes were batched (two statements per charge), kept
 * verbatim as the reference the batched projection must equal (batched-equivalence.test.ts).
 */
import type { AccountEvent } from '../../../src/domain/account/account-events.js';
import { correctionCostPartOf, costPartOf } from '../../../src/domain/documents/cost-query.js';
import type { LedgerEventOf } from '../../../src/domain/ledger/ledger-events.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { addDecimals } from '../../../projections/support/decimal-sum.js';
import { ledgerStreamParts } from '../../../projections/support/streams.js';
import {
  ACCOUNT_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
} from '../../../src/platform/event-store/stream-names.js';

const GRAIN = ['day', 'project', 'resource', 'sku'] as const;

/**
 * Cost rows (issue 15), what the cost query (GET /v1/accounts/:id/costs) sums: an account's charges per
 * local day (the account's time zone, the day the billing report counts a charge on), project, resource,
 * SKU and label set, with what grants and the balance paid and how many records. A charge without a
 * project is in `default`; one without a resource has `resource_id` ''. `labels` is the set as JSON (keys
 * sorted, '{}' for none): the query reads a label's value with each dialect's JSON operator. Two statements
 * per charge (read the row, write it); an account's time zone, fixed when it opens, is remembered.
 * Corrections (ChargeCorrected, issue 14) add signed amounts to the row of their record's day and
 * attribution (correctionCostPartOf); adjustments to their booking day's `default` row (version 2).
 */
export const costsReference: Projection = {
  name: 'costs',
  version: 2,
  filter: {
    streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX],
    eventTypes: ['AccountOpened', 'ResourceConsumed', 'ChargeCorrected'],
  },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('cost_accounts')} (
      account_id TEXT PRIMARY KEY, time_zone TEXT NOT NULL, currency TEXT NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('cost_daily')} (
      row_key TEXT PRIMARY KEY, account_id TEXT NOT NULL, day TEXT NOT NULL, project TEXT NOT NULL,
      resource_id TEXT NOT NULL, sku TEXT NOT NULL, labels TEXT NOT NULL, records INTEGER NOT NULL,
      amount TEXT NOT NULL, from_grants TEXT NOT NULL, from_balance TEXT NOT NULL)`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('cost_daily_by_day')} ON ${table('cost_daily')} (account_id, day)`,
    );
  },

  async apply(db, recorded, table) {
    if (recorded.type === 'AccountOpened') {
      const d = recorded.data as Extract<AccountEvent, { type: 'AccountOpened' }>['data'];
      await db.run(
        `INSERT INTO ${table('cost_accounts')} (account_id, time_zone, currency) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO NOTHING`,
        [d.accountId, d.timeZone, d.currency],
      );
      return;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return;
    const timeZone = await timeZoneOf(db, table('cost_accounts'), ledger.accountId);
    const event = recorded.data as
      LedgerEventOf<'ResourceConsumed'>['data'] | LedgerEventOf<'ChargeCorrected'>['data'];
    const part =
      recorded.type === 'ChargeCorrected'
        ? correctionCostPartOf(event as LedgerEventOf<'ChargeCorrected'>['data'], timeZone, GRAIN)
        : costPartOf(event as LedgerEventOf<'ResourceConsumed'>['data'], timeZone, GRAIN);
    const [day, project, resource, sku] = part.key;
    const labels = JSON.stringify(event.labels ?? {});
    const rowKey = JSON.stringify([ledger.accountId, day, project, resource ?? '', sku, labels]);
    const row = await db.get<{
      records: number | string;
      amount: string;
      from_grants: string;
      from_balance: string;
    }>(`SELECT records, amount, from_grants, from_balance FROM ${table('cost_daily')} WHERE row_key = $1`, [
      rowKey,
    ]);
    if (!row) {
      await db.run(
        `INSERT INTO ${table('cost_daily')} (row_key, account_id, day, project, resource_id, sku, labels, records,
           amount, from_grants, from_balance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          rowKey,
          ledger.accountId,
          day!,
          project!,
          resource ?? '',
          sku!,
          labels,
          part.records,
          part.amount,
          part.fromGrants,
          part.fromBalance,
        ],
      );
      return;
    }
    await db.run(
      `UPDATE ${table('cost_daily')} SET records = $2, amount = $3, from_grants = $4, from_balance = $5
       WHERE row_key = $1`,
      [
        rowKey,
        Number(row.records) + part.records,
        addDecimals(row.amount, part.amount),
        addDecimals(row.from_grants, part.fromGrants),
        addDecimals(row.from_balance, part.fromBalance),
      ],
    );
  },
};

/** Time zones by table and account: an account's never changes once opened, so a rebuild reads the same. */
const timeZones = new Map<string, string>();
const MAX_REMEMBERED = 50_000;

async function timeZoneOf(
  db: Parameters<Projection['apply']>[0],
  accounts: string,
  accountId: string,
): Promise<string> {
  const key = `${accounts}\u0000${accountId}`;
  const remembered = timeZones.get(key);
  if (remembered !== undefined) return remembered;
  const account = await db.get<{ time_zone: string }>(
    `SELECT time_zone FROM ${accounts} WHERE account_id = $1`,
    [accountId],
  );
  if (!account) throw new Error(`No AccountOpened seen for ${accountId} before its consumption`);
  if (timeZones.size >= MAX_REMEMBERED) timeZones.clear();
  timeZones.set(key, account.time_zone);
  return account.time_zone;
}
