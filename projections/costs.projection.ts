import type { AccountEvent } from '../src/domain/account/account-events.js';
import { correctionCostPartOf, costPartOf, type CostPart } from '../src/domain/documents/cost-query.js';
import type { LedgerEventOf } from '../src/domain/ledger/ledger-events.js';
import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import type { Projection } from './runner/projection.js';
import { type BatchWrites, type ReadModelDb, type SqlDialect } from './runner/read-model-db.js';
import { appliedByBatch } from './support/batch-apply.js';
import { HeldRows, perTable, readByKeys, RowWriter } from './support/row-writes.js';
import { addDecimals } from './support/decimal-sum.js';
import { ledgerStreamParts } from './support/streams.js';
import { ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';

const GRAIN = ['day', 'project', 'resource', 'sku'] as const;

/**
 * Cost rows (issue 15), what the cost query (GET /v1/accounts/:id/costs) sums: an account's charges per
 * local day (the account's time zone, the day the billing report counts a charge on), project, resource,
 * SKU and label set, with what grants and the balance paid and how many records. A charge without a
 * project is in `default`; one without a resource has `resource_id` ''. `labels` is the set as JSON (keys
 * sorted, '{}' for none): the query reads a label's value with each dialect's JSON operator. A row is read
 * once per batch and written once at its end; an account's time zone, fixed when it opens, is remembered.
 * Corrections (ChargeCorrected, issue 14) add signed amounts to the row of their record's day and
 * attribution (correctionCostPartOf); adjustments to their booking day's `default` row (version 2).
 */
export const costsProjection: Projection = {
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

  // The batch's rows are read first (see readByKeys), then every event applied without an await (an arrow:
  // `statements` is defined further down).
  ...appliedByBatch(
    (table) => statements(table),
    (sql) => new CostsBatch(sql),
  ),
};

interface CostRow {
  row_key: string;
  account_id: string;
  day: string;
  project: string;
  resource_id: string;
  sku: string;
  labels: string;
  records: number | string;
  amount: string;
  from_grants: string;
  from_balance: string;
}

const COST_COLUMNS = [
  'row_key',
  'account_id',
  'day',
  'project',
  'resource_id',
  'sku',
  'labels',
  'records',
  'amount',
  'from_grants',
  'from_balance',
] as const;

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  accountsTable: table('cost_accounts'),
  // By key on SQLite, all of a batch's keys at once on PostgreSQL (readByKeys).
  readTimeZones: {
    sqlite: `SELECT account_id, time_zone FROM ${table('cost_accounts')} WHERE account_id = $1`,
    postgres: `SELECT account_id, time_zone FROM ${table('cost_accounts')} WHERE account_id = ANY($1::text[])`,
  } satisfies Record<SqlDialect, string>,
  readCosts: {
    sqlite: `SELECT ${COST_COLUMNS.join(', ')} FROM ${table('cost_daily')} WHERE row_key = $1`,
    postgres: `SELECT ${COST_COLUMNS.join(', ')} FROM ${table('cost_daily')} WHERE row_key = ANY($1::text[])`,
  } satisfies Record<SqlDialect, string>,
  accounts: new RowWriter({
    table: table('cost_accounts'),
    columns: ['account_id', 'time_zone', 'currency'],
    key: ['account_id'],
    update: [],
  }),
  costs: new RowWriter({
    table: table('cost_daily'),
    columns: COST_COLUMNS,
    types: { records: 'integer' },
    key: ['row_key'],
    update: ['records', 'amount', 'from_grants', 'from_balance'],
  }),
}));

/** One batch's rows: a cost row read once, summed here for every charge of the batch, written once. */
class CostsBatch implements BatchWrites {
  /** Accounts opened in this batch, not yet in the table. */
  private readonly opened = new Map<string, { time_zone: string; currency: string }>();
  private readonly costs: HeldRows<CostRow>;

  constructor(private readonly sql: ReturnType<typeof statements>) {
    this.costs = new HeldRows(sql.costs, (r) => COST_COLUMNS.map((c) => r[c]));
  }

  /** Time zones of the batch's accounts, remembered or read from the table (null: not there). */
  private readonly tableTimeZones = new Map<string, string | null>();

  /**
   * The events in log order: the time zones not remembered read first, then the cost rows of their
   * charges (on PostgreSQL one statement each), then each charge added to the held rows.
   */
  async apply(db: ReadModelDb, events: readonly RecordedEvent[]): Promise<void> {
    const unknown = new Set<string>();
    for (const recorded of events) {
      const accountId = ledgerStreamParts(recorded.streamId)?.accountId;
      if (accountId === undefined || this.tableTimeZones.has(accountId)) continue;
      // Held for the batch: the remembered ones may be forgotten (MAX_REMEMBERED) before it is applied.
      const remembered = this.remembered(accountId);
      if (remembered !== undefined) this.tableTimeZones.set(accountId, remembered);
      else unknown.add(accountId);
    }
    if (unknown.size > 0) {
      const rows = await readByKeys<{ account_id: string; time_zone: string }>(
        db,
        this.sql.readTimeZones,
        [...unknown].map((id) => [id]),
      );
      for (const id of unknown) this.tableTimeZones.set(id, null);
      for (const row of rows) this.tableTimeZones.set(row.account_id, row.time_zone);
    }
    const charges: Charge[] = [];
    for (const recorded of events) {
      const charge = this.prepare(recorded);
      if (charge) charges.push(charge);
    }
    await this.costs.load(
      charges.map((c) => c.rowKey),
      async (missing) =>
        (
          await readByKeys<CostRow>(
            db,
            this.sql.readCosts,
            missing.map((key) => [key]),
          )
        ).map((row) => [row.row_key, row] as const),
    );
    for (const charge of charges) this.addCharge(charge);
  }

  /** Notes an opening; for a charge, its cost part and row key. */
  private prepare(recorded: RecordedEvent): Charge | undefined {
    if (recorded.type === 'AccountOpened') {
      const d = recorded.data as Extract<AccountEvent, { type: 'AccountOpened' }>['data'];
      // ON CONFLICT DO NOTHING at the flush keeps a row already there; in the batch the first stays.
      if (!this.opened.has(d.accountId)) {
        this.opened.set(d.accountId, { time_zone: d.timeZone, currency: d.currency });
      }
      return undefined;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return undefined;
    const timeZone = this.timeZoneOf(ledger.accountId);
    const event = recorded.data as
      LedgerEventOf<'ResourceConsumed'>['data'] | LedgerEventOf<'ChargeCorrected'>['data'];
    const part =
      recorded.type === 'ChargeCorrected'
        ? correctionCostPartOf(event as LedgerEventOf<'ChargeCorrected'>['data'], timeZone, GRAIN)
        : costPartOf(event as LedgerEventOf<'ResourceConsumed'>['data'], timeZone, GRAIN);
    const [day, project, resource, sku] = part.key;
    const labels = JSON.stringify(event.labels ?? {});
    const rowKey = JSON.stringify([ledger.accountId, day, project, resource ?? '', sku, labels]);
    return { accountId: ledger.accountId, part, labels, rowKey };
  }

  private addCharge({ accountId, part, labels, rowKey }: Charge): void {
    const row = this.costs.held(rowKey);
    const [day, project, resource, sku] = part.key;
    this.costs.put(
      rowKey,
      row
        ? {
            ...row,
            records: Number(row.records) + part.records,
            amount: addDecimals(row.amount, part.amount),
            from_grants: addDecimals(row.from_grants, part.fromGrants),
            from_balance: addDecimals(row.from_balance, part.fromBalance),
          }
        : {
            row_key: rowKey,
            account_id: accountId,
            day: day!,
            project: project!,
            resource_id: resource ?? '',
            sku: sku!,
            labels,
            records: part.records,
            amount: part.amount,
            from_grants: part.fromGrants,
            from_balance: part.fromBalance,
          },
    );
  }

  private remembered(accountId: string): string | undefined {
    return timeZones.get(`${this.sql.accountsTable}\u0000${accountId}`);
  }

  /** The table's row first (an account opened twice keeps its first), then one opened in this batch. */
  private timeZoneOf(accountId: string): string {
    const remembered = this.remembered(accountId);
    if (remembered !== undefined) return remembered;
    const timeZone = this.tableTimeZones.get(accountId) ?? this.opened.get(accountId)?.time_zone;
    if (timeZone === undefined)
      throw new Error(`No AccountOpened seen for ${accountId} before its consumption`);
    if (timeZones.size >= MAX_REMEMBERED) timeZones.clear();
    timeZones.set(`${this.sql.accountsTable}\u0000${accountId}`, timeZone);
    return timeZone;
  }

  async flush(db: ReadModelDb): Promise<void> {
    await this.sql.accounts.write(
      db,
      [...this.opened].map(([accountId, a]) => [accountId, a.time_zone, a.currency]),
    );
    await this.costs.flush(db);
  }
}

/** A charge of the batch: what it adds and to which row. */
interface Charge {
  accountId: string;
  part: CostPart;
  labels: string;
  rowKey: string;
}

/** Time zones by table and account: an account's never changes once opened, so a rebuild reads the same. */
const timeZones = new Map<string, string>();
const MAX_REMEMBERED = 50_000;
