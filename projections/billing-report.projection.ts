import type { AccountEvent } from '../src/domain/account/account-events.js';
import { consumptionRow, correctionRow } from '../src/domain/documents/billing-report.js';
import { projectOf } from '../src/domain/ledger/usage-attribution.js';
import type { FundingPart } from '../src/domain/ledger/funding.js';
import type { LedgerEventOf } from '../src/domain/ledger/ledger-events.js';
import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import type { Projection } from './runner/projection.js';
import { type BatchWrites, type ReadModelDb, type SqlDialect } from './runner/read-model-db.js';
import { appliedByBatch } from './support/batch-apply.js';
import { HeldRows, perTable, readByKeys, RowWriter } from './support/row-writes.js';
import { addDecimals } from './support/decimal-sum.js';
import { ledgerStreamParts, sortablePosition } from './support/streams.js';
import { ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';

/**
 * Billing report aggregates: consumption per account, local day (the day in the account's own time zone,
 * from AccountOpened), service, SKU, unit and project, with what grants and the balance paid — the report's rows,
 * summed as the domain sums them (src/domain/documents/billing-report.ts: `consumptionRow`, the instant
 * the ledger rated the usage at). `first_position` orders rows by their first usage record, so the report
 * built from them names each service's category exactly as the one built from the ledger does.
 * `from_balance_by` sums the spending from the balance by funding source (JSON), so the report can leave
 * out, as the documents do, what channels the account's profile does not count paid for.
 */
export const billingReportProjection: Projection = {
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

  // The batch's rows are read first (see readByKeys), then every event applied without an await (an arrow:
  // `statements` is defined further down).
  ...appliedByBatch(
    (table) => statements(table),
    (sql) => new ReportBatch(sql),
  ),
};

interface AccountRow {
  account_id: string;
  time_zone: string;
  currency: string;
}

interface DailyRow {
  account_id: string;
  day: string;
  service: string;
  sku: string;
  unit: string;
  project: string;
  category: string;
  currency: string;
  records: number | string;
  quantity: string;
  amount: string;
  from_grants: string;
  from_balance: string;
  from_balance_by: string;
  first_position: string;
}

interface CorrectionRow {
  account_id: string;
  correction_id: string;
  day: string;
  line: string;
  position: string;
}

const DAILY_KEY = ['account_id', 'day', 'service', 'sku', 'unit', 'project'] as const;
const DAILY_COLUMNS = [
  ...DAILY_KEY,
  'category',
  'currency',
  'records',
  'quantity',
  'amount',
  'from_grants',
  'from_balance',
  'from_balance_by',
  'first_position',
] as const;
const CORRECTION_COLUMNS = ['account_id', 'correction_id', 'day', 'line', 'position'] as const;

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  // By key on SQLite, all of a batch's keys at once on PostgreSQL (readByKeys).
  readAccounts: {
    sqlite: `SELECT account_id, time_zone, currency FROM ${table('billing_report_accounts')} WHERE account_id = $1`,
    postgres: `SELECT account_id, time_zone, currency FROM ${table('billing_report_accounts')}
      WHERE account_id = ANY($1::text[])`,
  },
  readDaily: {
    sqlite: `SELECT ${DAILY_COLUMNS.join(', ')} FROM ${table('billing_report_daily')}
      WHERE ${DAILY_KEY.map((c, i) => `${c} = $${i + 1}`).join(' AND ')}`,
    postgres: `SELECT ${DAILY_COLUMNS.map((c) => `d.${c}`).join(', ')}
      FROM UNNEST(${DAILY_KEY.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS k(${DAILY_KEY.join(', ')})
      JOIN ${table('billing_report_daily')} AS d USING (${DAILY_KEY.join(', ')})`,
  } satisfies Record<SqlDialect, string>,
  accounts: new RowWriter({
    table: table('billing_report_accounts'),
    columns: ['account_id', 'time_zone', 'currency'],
    key: ['account_id'],
    update: [],
  }),
  // On conflict the sums move; category, currency and first_position stay those of the first record.
  dailyRows: new RowWriter({
    table: table('billing_report_daily'),
    columns: DAILY_COLUMNS,
    types: { records: 'integer' },
    key: DAILY_KEY,
    update: ['records', 'quantity', 'amount', 'from_grants', 'from_balance', 'from_balance_by'],
  }),
  corrections: new RowWriter({
    table: table('billing_report_corrections'),
    columns: CORRECTION_COLUMNS,
    key: ['account_id', 'correction_id'],
    update: [],
  }),
}));

/** One batch's rows: a day's row is read once, summed here for every record of the batch, written once. */
class ReportBatch implements BatchWrites {
  private readonly accounts: HeldRows<AccountRow>;
  private readonly daily: HeldRows<DailyRow>;
  private readonly corrections: HeldRows<CorrectionRow>;

  constructor(private readonly sql: ReturnType<typeof statements>) {
    this.accounts = new HeldRows(this.sql.accounts, (r) => [r.account_id, r.time_zone, r.currency]);
    this.daily = new HeldRows(this.sql.dailyRows, (r) => DAILY_COLUMNS.map((c) => r[c]));
    this.corrections = new HeldRows(this.sql.corrections, (r) => CORRECTION_COLUMNS.map((c) => r[c]));
  }

  /**
   * The events in log order: their accounts read first, then the rows of their charges' keys (on
   * PostgreSQL one statement each), then each event applied to the held rows.
   */
  async apply(db: ReadModelDb, events: readonly RecordedEvent[]): Promise<void> {
    await this.accounts.load(
      events.map(accountIdOf).filter((id) => id !== undefined),
      async (ids) =>
        (
          await readByKeys<AccountRow>(
            db,
            this.sql.readAccounts,
            ids.map((id) => [id]),
          )
        ).map((row) => [row.account_id, row] as const),
    );
    const charges: Charge[] = [];
    for (const recorded of events) {
      const charge = this.prepare(recorded);
      if (charge) charges.push(charge);
    }
    const keyValues = new Map(charges.map((c) => [c.key, c.keyValues]));
    await this.daily.load(keyValues.keys(), async (missing) => {
      const keys = missing.map((key) => keyValues.get(key)!);
      const rows = await readByKeys<DailyRow>(db, this.sql.readDaily, keys);
      return rows.map((row) => [DAILY_KEY.map((c) => row[c]).join('\u0000'), row] as const);
    });
    for (const charge of charges) this.addCharge(charge);
  }

  /** Applies an opening or a correction; for a charge, what `addCharge` needs once its row is held. */
  private prepare(recorded: RecordedEvent): Charge | undefined {
    if (recorded.type === 'AccountOpened') {
      const d = recorded.data as Extract<AccountEvent, { type: 'AccountOpened' }>['data'];
      // ON CONFLICT DO NOTHING: an account opened twice keeps its first row.
      if (this.accounts.held(d.accountId)) return undefined;
      this.accounts.put(d.accountId, {
        account_id: d.accountId,
        time_zone: d.timeZone,
        currency: d.currency,
      });
      return undefined;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return undefined;
    const account = this.accounts.held(ledger.accountId);
    if (!account) throw new Error(`No AccountOpened seen for ${ledger.accountId} before its consumption`);
    if (recorded.type === 'ChargeCorrected') {
      // The report's correction line, as the domain makes it from the event (JSON: it is only listed).
      const line = correctionRow(
        recorded.data as LedgerEventOf<'ChargeCorrected'>['data'],
        account.time_zone,
      );
      this.corrections.add(`${ledger.accountId}\u0000${line.correctionId}`, {
        account_id: ledger.accountId,
        correction_id: line.correctionId,
        day: line.day,
        line: JSON.stringify(line),
        position: sortablePosition(recorded),
      });
      return undefined;
    }
    const c = consumptionRow(recorded.data as LedgerEventOf<'ResourceConsumed'>['data'], account.time_zone);
    const keyValues = [ledger.accountId, c.day, c.service, c.sku, c.unit, projectOf(c)] as const;
    return { recorded, account, c, keyValues, key: keyValues.join('\u0000') };
  }

  private addCharge({ recorded, account, c, keyValues, key }: Charge): void {
    const row = this.daily.held(key);
    const [account_id, day, service, sku, unit, project] = keyValues;
    this.daily.put(key, {
      account_id,
      day,
      service,
      sku,
      unit,
      project,
      category: row?.category ?? c.category,
      currency: row?.currency ?? account.currency,
      records: Number(row?.records ?? 0) + 1,
      // A first record's amounts as the domain printed them (plain decimals, the same text a sum with zero
      // prints): most rows of a month hold one record, so this skips four big.js additions each.
      quantity: row ? addDecimals(row.quantity, c.quantity) : c.quantity,
      amount: row ? addDecimals(row.amount, c.amount) : c.amount,
      from_grants: row ? addDecimals(row.from_grants, c.fromGrants) : c.fromGrants,
      from_balance: row ? addDecimals(row.from_balance, c.fromBalance) : c.fromBalance,
      from_balance_by: JSON.stringify(
        sumBySource(row ? (JSON.parse(row.from_balance_by) as FundingPart[]) : [], c.fromBalanceBy),
      ),
      first_position: row?.first_position ?? sortablePosition(recorded),
    });
  }

  async flush(db: ReadModelDb): Promise<void> {
    await this.accounts.flush(db);
    await this.daily.flush(db);
    await this.corrections.flush(db);
  }
}

/** A charge of the batch, its row key and account found. */
interface Charge {
  recorded: RecordedEvent;
  account: AccountRow;
  c: ReturnType<typeof consumptionRow>;
  keyValues: readonly [string, string, string, string, string, string];
  key: string;
}

/** The account an opening or a ledger event is about. */
function accountIdOf(recorded: RecordedEvent): string | undefined {
  if (recorded.type === 'AccountOpened')
    return (recorded.data as Extract<AccountEvent, { type: 'AccountOpened' }>['data']).accountId;
  return ledgerStreamParts(recorded.streamId)?.accountId;
}

/** Parts summed by source, in the order each source first appeared. */
function sumBySource(sums: readonly FundingPart[], parts: readonly FundingPart[] = []): FundingPart[] {
  const bySource = new Map(sums.map((p) => [p.source, p.amount]));
  for (const part of parts) bySource.set(part.source, addDecimals(bySource.get(part.source), part.amount));
  return [...bySource].map(([source, amount]) => ({ source, amount }));
}
