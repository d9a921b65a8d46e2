import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import type {
  CarriedState,
  GrantSnapshot,
  LedgerEvent,
  OpenBill,
} from '../src/domain/ledger/ledger-events.js';
import type { AccountEvent } from '../src/domain/account/account-events.js';
import type { Projection } from './runner/projection.js';
import { withBatch, type BatchWrites, type ReadModelDb, type SqlValue } from './runner/read-model-db.js';
import { perTable, RowWriter } from './support/row-writes.js';
import { addDecimals, subtractDecimals } from './support/decimal-sum.js';
import { effectiveAt, ledgerStreamParts, sortablePosition } from './support/streams.js';
import { ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';

/**
 * Account balances now: personal balance, grants by expiry, credit limit and debt (unpaid bills plus a
 * negative balance), with a row per balance change so a balance "as of" any effective time is answered
 * without replaying the log. The ledger events carry balanceAfter, so balances are not recomputed here.
 */
export const accountBalancesProjection: Projection = {
  name: 'account-balances',
  // v3: refunds move the balance (RefundRequested, RefundFailed).
  version: 3,
  filter: { streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('balance_accounts')} (
      account_id TEXT PRIMARY KEY, currency TEXT NOT NULL, profile_id TEXT NOT NULL, payer_type TEXT NOT NULL,
      period_id TEXT, balance TEXT NOT NULL, credit_limit TEXT NOT NULL, grants_remaining TEXT NOT NULL,
      bills_unpaid TEXT NOT NULL, debt TEXT NOT NULL, position TEXT NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('balance_history')} (
      account_id TEXT NOT NULL, position TEXT NOT NULL, effective_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
      balance TEXT NOT NULL, event_type TEXT NOT NULL, PRIMARY KEY (account_id, position))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('balance_grants')} (
      account_id TEXT NOT NULL, grant_id TEXT NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL,
      remaining TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL, state TEXT NOT NULL,
      PRIMARY KEY (account_id, grant_id))`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('balance_grants_expiry')} ON ${table('balance_grants')} (account_id, state, expires_at)`,
    );
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('balance_bills')} (
      account_id TEXT NOT NULL, bill_id TEXT NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL, paid TEXT NOT NULL,
      issued_on TEXT NOT NULL, due_date TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (account_id, bill_id))`);
  },

  async apply(db, recorded, table) {
    if (HANDLED.has(recorded.type)) await applyHandled(db, [recorded], table);
  },

  async applyBatch(db, events, table) {
    const handled = events.filter((event) => HANDLED.has(event.type));
    if (handled.length > 0) await applyHandled(db, handled, table);
  },
};

/**
 * The rows the events touch are read in at most three statements (accounts, their grants, their bills:
 * one round trip each on PostgreSQL, not one per account), then every event is applied to them without
 * awaiting anything.
 */
async function applyHandled(
  db: ReadModelDb,
  handled: RecordedEvent[],
  table: (name: string) => string,
): Promise<void> {
  // Keyed by the build's statements: one batch state per build in a transaction.
  const sql = statements(table);
  await withBatch(
    db,
    sql,
    () => new BalancesBatch(sql),
    async (batch) => {
      const accounts = handled.map(accountOf);
      await batch.load(db, handled, accounts);
      for (let i = 0; i < handled.length; i++) applyEvent(batch, handled[i]!, accounts[i]);
    },
  );
}

/**
 * One event's changes to the rows the batch holds (loaded beforehand: see BalancesBatch.load); `accountId`
 * is accountOf(recorded).
 */
function applyEvent(batch: BalancesBatch, recorded: RecordedEvent, accountId: string | undefined): void {
  // Narrowed by its type like the union it is; no copy per event.
  const event = recorded as unknown as LedgerEvent | AccountEvent;
  if (event.type === 'AccountOpened') {
    const d = event.data;
    // ON CONFLICT DO NOTHING: an account opened twice keeps its first row.
    if (batch.account(d.accountId) !== undefined) return;
    batch.putAccount({
      account_id: d.accountId,
      currency: d.currency,
      profile_id: d.profileId,
      payer_type: d.payerType,
      period_id: null,
      balance: '0',
      credit_limit: '0',
      grants_remaining: '0',
      bills_unpaid: '0',
      debt: '0',
      position: recorded.position.toString(),
    });
    return;
  }
  if (event.type === 'ContractChanged') {
    // The contract moves no money: the row keeps the position of its last balance change.
    const row = batch.account(event.data.accountId);
    if (row) {
      row.profile_id = event.data.profileId;
      batch.changedAccount(row);
    }
    return;
  }
  // A ledger event: its account is its stream's (none outside a ledger stream).
  if (accountId === undefined) return;
  const account = new AccountRows(batch, accountId, recorded);
  switch (event.type) {
    case 'PeriodOpened':
      account.carry(event.data.carried);
      account.update((row) => {
        row.period_id = event.data.periodId;
        row.credit_limit = event.data.carried.creditLimit;
      });
      // The carried bills changed: the debt is summed from them again.
      return account.balanceChanged(event.data.carried.balance, 'bills-changed');
    case 'FundsDeposited':
    case 'PenaltyAccrued':
    case 'CommitmentShortfallCharged':
    case 'RefundRequested':
    case 'RefundFailed':
      return account.balanceChanged(event.data.balanceAfter);
    case 'ResourceConsumed':
      // The hot path: no grant rows unless the charge drew grants; bills are not read at all.
      if (event.data.fromGrants.length === 0) return account.balanceChanged(event.data.balanceAfter);
      for (const used of event.data.fromGrants) account.useGrant(used.grantId, used.amount);
      account.balanceChanged(event.data.balanceAfter);
      return account.refreshGrants();
    case 'ChargeCorrected':
      // Issue 14: a part > 0 draws a grant; < 0 gives back to it, unless the event says it was lost. The
      // balance comes from the event, as for a charge.
      for (const part of event.data.fromGrants) {
        const lost = event.data.grantsLost?.some((g) => g.grantId === part.grantId) ?? false;
        if (!(part.amount.startsWith('-') && lost)) account.useGrant(part.grantId, part.amount);
      }
      account.balanceChanged(event.data.balanceAfter);
      return account.refreshGrants();
    case 'CreditLimitSet':
      return account.update((row) => {
        row.credit_limit = event.data.creditLimit;
      });
    case 'GrantIssued':
      account.upsertGrant(event.data);
      return account.refreshGrants();
    case 'GrantExpired': {
      const grant = batch.grants(accountId).get(event.data.grantId);
      if (grant) {
        grant.remaining = '0';
        grant.state = 'expired';
        batch.changedGrant(grant);
      }
      return account.refreshGrants();
    }
    case 'BillIssued':
      account.upsertBill(event.data);
      return account.refreshDebt();
    case 'BillPaymentApplied': {
      const bill = batch.bills(accountId).get(event.data.billId);
      if (!bill) throw new Error(`Payment applied to bill ${event.data.billId}, which was never issued`);
      bill.paid = addDecimals(bill.paid, event.data.amount);
      bill.state = event.data.fullyPaid ? 'paid' : 'open';
      batch.changedBill(bill);
      return account.refreshDebt();
    }
    default:
      return;
  }
}

/** The account whose rows a handled event touches, or undefined when it touches none. */
function accountOf(recorded: RecordedEvent): string | undefined {
  if (recorded.type === 'AccountOpened' || recorded.type === 'ContractChanged') {
    return (recorded.data as { accountId: string }).accountId;
  }
  return ledgerStreamParts(recorded.streamId)?.accountId;
}

/** Whether applying the event reads the account's grants (a charge only when it drew some). */
function readsGrants(recorded: RecordedEvent): boolean {
  switch (recorded.type) {
    case 'PeriodOpened':
    case 'ChargeCorrected':
    case 'GrantIssued':
    case 'GrantExpired':
      return true;
    case 'ResourceConsumed':
      return (recorded.data as { fromGrants: unknown[] }).fromGrants.length > 0;
    default:
      return false;
  }
}

/** Whether applying the event reads the account's bills. */
const readsBills = (recorded: RecordedEvent): boolean =>
  recorded.type === 'PeriodOpened' ||
  recorded.type === 'BillIssued' ||
  recorded.type === 'BillPaymentApplied';

/** The event types that write: the others (most of a ledger) skip the batch entirely. */
const HANDLED = new Set<string>([
  'AccountOpened',
  'ContractChanged',
  'PeriodOpened',
  'FundsDeposited',
  'PenaltyAccrued',
  'CommitmentShortfallCharged',
  'RefundRequested',
  'RefundFailed',
  'ResourceConsumed',
  'ChargeCorrected',
  'CreditLimitSet',
  'GrantIssued',
  'GrantExpired',
  'BillIssued',
  'BillPaymentApplied',
]);

interface AccountRow {
  account_id: string;
  currency: string;
  profile_id: string;
  payer_type: string;
  period_id: string | null;
  balance: string;
  credit_limit: string;
  grants_remaining: string;
  bills_unpaid: string;
  debt: string;
  position: string;
}

interface GrantRow {
  account_id: string;
  grant_id: string;
  kind: string;
  amount: string;
  remaining: string;
  issued_at: string;
  expires_at: string;
  state: string;
}

interface BillRow {
  account_id: string;
  bill_id: string;
  kind: string;
  amount: string;
  paid: string;
  issued_on: string;
  due_date: string;
  state: string;
}

type HistoryRow = [string, string, string, string, string, string];

const ACCOUNT_COLUMNS = [
  'account_id',
  'currency',
  'profile_id',
  'payer_type',
  'period_id',
  'balance',
  'credit_limit',
  'grants_remaining',
  'bills_unpaid',
  'debt',
  'position',
] as const;
const GRANT_COLUMNS = [
  'account_id',
  'grant_id',
  'kind',
  'amount',
  'remaining',
  'issued_at',
  'expires_at',
  'state',
] as const;
const BILL_COLUMNS = [
  'account_id',
  'bill_id',
  'kind',
  'amount',
  'paid',
  'issued_on',
  'due_date',
  'state',
] as const;

/**
 * The keys of a batch travel as one parameter: a text array on PostgreSQL, a JSON array on SQLite (where
 * `json_each` unpacks it), so each lookup is one statement whatever the number of accounts.
 */
const inKeys = (dialect: ReadModelDb['dialect']) =>
  dialect === 'postgres' ? 'account_id = ANY($1::text[])' : 'account_id IN (SELECT value FROM json_each($1))';

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  accounts: (dialect: ReadModelDb['dialect']) =>
    `SELECT ${ACCOUNT_COLUMNS.join(', ')} FROM ${table('balance_accounts')} WHERE ${inKeys(dialect)}`,
  grants: (dialect: ReadModelDb['dialect']) =>
    `SELECT ${GRANT_COLUMNS.join(', ')} FROM ${table('balance_grants')} WHERE ${inKeys(dialect)}`,
  bills: (dialect: ReadModelDb['dialect']) =>
    `SELECT ${BILL_COLUMNS.join(', ')} FROM ${table('balance_bills')} WHERE ${inKeys(dialect)}`,
  accountRows: new RowWriter({
    table: table('balance_accounts'),
    columns: ACCOUNT_COLUMNS,
    key: ['account_id'],
    update: ACCOUNT_COLUMNS.slice(1),
  }),
  history: new RowWriter({
    table: table('balance_history'),
    columns: ['account_id', 'position', 'effective_at', 'recorded_at', 'balance', 'event_type'],
    key: ['account_id', 'position'],
    update: [],
  }),
  grantRows: new RowWriter({
    table: table('balance_grants'),
    columns: GRANT_COLUMNS,
    key: ['account_id', 'grant_id'],
    update: GRANT_COLUMNS.slice(2),
  }),
  billRows: new RowWriter({
    table: table('balance_bills'),
    columns: BILL_COLUMNS,
    key: ['account_id', 'bill_id'],
    update: BILL_COLUMNS.slice(2),
  }),
}));

/** The keys of a lookup as its one parameter (see inKeys). */
function keysParam(db: ReadModelDb, keys: string[]): SqlValue {
  // An array is a parameter value of its own on PostgreSQL; the port's type names scalars only.
  return db.dialect === 'postgres' ? (keys as unknown as SqlValue) : JSON.stringify(keys);
}

/**
 * The rows one batch touches: read from the tables once (load, before the events that need them), then
 * kept and changed here in place, and written once at the end (the latest row per key). Within the batch
 * these maps, not the tables, are the truth.
 */
class BalancesBatch implements BatchWrites {
  /** null: no row (an account whose AccountOpened this build never saw). */
  private readonly accounts = new Map<string, AccountRow | null>();
  private readonly grantsOf = new Map<string, Map<string, GrantRow>>();
  private readonly billsOf = new Map<string, Map<string, BillRow>>();
  private readonly changedAccounts = new Set<AccountRow>();
  private readonly changedGrants = new Set<GrantRow>();
  private readonly changedBills = new Set<BillRow>();
  /** By sortable position: an event changes one account's balance at most once. */
  private readonly history = new Map<string, HistoryRow>();

  constructor(private readonly sql: ReturnType<typeof statements>) {}

  /** Reads the rows of `events`' accounts this batch does not hold yet: at most three statements. */
  async load(
    db: ReadModelDb,
    events: readonly RecordedEvent[],
    accountIds: readonly (string | undefined)[],
  ): Promise<void> {
    const accounts = new Set<string>();
    const grants = new Set<string>();
    const bills = new Set<string>();
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const accountId = accountIds[i];
      if (accountId === undefined) continue;
      if (!this.accounts.has(accountId)) accounts.add(accountId);
      if (!this.grantsOf.has(accountId) && readsGrants(event)) grants.add(accountId);
      if (!this.billsOf.has(accountId) && readsBills(event)) bills.add(accountId);
    }
    if (accounts.size > 0) {
      for (const id of accounts) this.accounts.set(id, null);
      const rows = await db.all<AccountRow>(this.sql.accounts(db.dialect), [keysParam(db, [...accounts])]);
      for (const row of rows) this.accounts.set(row.account_id, row);
    }
    if (grants.size > 0) {
      for (const id of grants) this.grantsOf.set(id, new Map());
      const rows = await db.all<GrantRow>(this.sql.grants(db.dialect), [keysParam(db, [...grants])]);
      for (const row of rows) this.grantsOf.get(row.account_id)!.set(row.grant_id, row);
    }
    if (bills.size > 0) {
      for (const id of bills) this.billsOf.set(id, new Map());
      const rows = await db.all<BillRow>(this.sql.bills(db.dialect), [keysParam(db, [...bills])]);
      for (const row of rows) this.billsOf.get(row.account_id)!.set(row.bill_id, row);
    }
  }

  account(accountId: string): AccountRow | undefined {
    const row = this.accounts.get(accountId);
    if (row === undefined) throw new Error(`Account ${accountId} was not loaded for this batch`);
    return row ?? undefined;
  }

  putAccount(row: AccountRow): void {
    this.accounts.set(row.account_id, row);
    this.changedAccounts.add(row);
  }

  /** A held row was changed in place. */
  changedAccount(row: AccountRow): void {
    this.changedAccounts.add(row);
  }

  grants(accountId: string): Map<string, GrantRow> {
    const grants = this.grantsOf.get(accountId);
    if (!grants) throw new Error(`Grants of ${accountId} were not loaded for this batch`);
    return grants;
  }

  putGrant(grant: GrantRow): void {
    this.grants(grant.account_id).set(grant.grant_id, grant);
    this.changedGrants.add(grant);
  }

  changedGrant(grant: GrantRow): void {
    this.changedGrants.add(grant);
  }

  bills(accountId: string): Map<string, BillRow> {
    const bills = this.billsOf.get(accountId);
    if (!bills) throw new Error(`Bills of ${accountId} were not loaded for this batch`);
    return bills;
  }

  putBill(bill: BillRow): void {
    this.bills(bill.account_id).set(bill.bill_id, bill);
    this.changedBills.add(bill);
  }

  changedBill(bill: BillRow): void {
    this.changedBills.add(bill);
  }

  /** INSERT … ON CONFLICT DO NOTHING: the first row for a key stays. */
  addHistory(row: HistoryRow): void {
    if (!this.history.has(row[1])) this.history.set(row[1], row);
  }

  async flush(db: ReadModelDb): Promise<void> {
    await this.sql.accountRows.write(
      db,
      [...this.changedAccounts].map((a) => ACCOUNT_COLUMNS.map((c) => a[c])),
    );
    await this.sql.history.write(db, [...this.history.values()]);
    await this.sql.grantRows.write(
      db,
      [...this.changedGrants].map((g) => GRANT_COLUMNS.map((c) => g[c])),
    );
    await this.sql.billRows.write(
      db,
      [...this.changedBills].map((b) => BILL_COLUMNS.map((c) => b[c])),
    );
  }
}

/** The changes of one account for one event, made in the batch. */
class AccountRows {
  private positionText?: string;

  constructor(
    private readonly batch: BalancesBatch,
    private readonly accountId: string,
    private readonly recorded: RecordedEvent,
  ) {}

  /** Like the UPDATE it stands for, it changes nothing when the account has no row. */
  update(change: (row: AccountRow) => void): void {
    const row = this.batch.account(this.accountId);
    if (!row) return;
    change(row);
    row.position = this.positionText ??= this.recorded.position.toString();
    this.batch.changedAccount(row);
  }

  /**
   * The new balance, its history row and the debt. The debt is computed from the row's `bills_unpaid`
   * (kept equal to the open bills' sum by every event that changes a bill) unless the event changed bills.
   */
  balanceChanged(balance: string, bills?: 'bills-changed'): void {
    this.batch.addHistory([
      this.accountId,
      sortablePosition(this.recorded),
      effectiveAt(this.recorded),
      String(this.recorded.metadata.recordedAt ?? ''),
      balance,
      this.recorded.type,
    ]);
    if (bills === 'bills-changed') {
      this.update((row) => {
        row.balance = balance;
      });
      return this.refreshDebt();
    }
    this.update((row) => {
      row.balance = balance;
      setDebt(row, row.bills_unpaid);
    });
  }

  /** A new period restates grants and open bills as they were carried over. */
  carry(carried: CarriedState): void {
    for (const grant of carried.grants) this.upsertGrant(grant);
    for (const bill of carried.openBills) this.upsertBill(bill);
    this.refreshGrants();
  }

  /** A grant already known keeps its state and takes the new remaining (ON CONFLICT … SET remaining). */
  upsertGrant(grant: GrantSnapshot): void {
    const known = this.batch.grants(this.accountId).get(grant.grantId);
    if (known) {
      known.remaining = grant.remaining;
      return this.batch.changedGrant(known);
    }
    this.batch.putGrant({
      account_id: this.accountId,
      grant_id: grant.grantId,
      kind: grant.kind,
      amount: grant.amount,
      remaining: grant.remaining,
      issued_at: grant.issuedAt,
      expires_at: grant.expiresAt,
      state: 'active',
    });
  }

  useGrant(grantId: string, amount: string): void {
    const grant = this.batch.grants(this.accountId).get(grantId);
    if (!grant) throw new Error(`Consumption paid from grant ${grantId}, which was never issued`);
    grant.remaining = subtractDecimals(grant.remaining, amount);
    this.batch.changedGrant(grant);
  }

  /** A bill already known keeps its state and takes the new paid amount (ON CONFLICT … SET paid). */
  upsertBill(bill: OpenBill): void {
    const known = this.batch.bills(this.accountId).get(bill.billId);
    if (known) {
      known.paid = bill.paid;
      return this.batch.changedBill(known);
    }
    this.batch.putBill({
      account_id: this.accountId,
      bill_id: bill.billId,
      kind: bill.kind,
      amount: bill.amount,
      paid: bill.paid,
      issued_on: bill.issuedOn,
      due_date: bill.dueDate,
      state: 'open',
    });
  }

  refreshGrants(): void {
    const active: string[] = [];
    for (const g of this.batch.grants(this.accountId).values()) {
      if (g.state === 'active') active.push(g.remaining);
    }
    this.update((row) => {
      row.grants_remaining = addDecimals(...active);
    });
  }

  /** Debt: what open bills still ask for, plus the balance when it is below zero. */
  refreshDebt(): void {
    const unpaid: string[] = [];
    for (const b of this.batch.bills(this.accountId).values()) {
      if (b.state === 'open') unpaid.push(subtractDecimals(b.amount, b.paid));
    }
    this.update((row) => setDebt(row, addDecimals(...unpaid)));
  }
}

function setDebt(row: AccountRow, unpaid: string): void {
  row.bills_unpaid = unpaid;
  row.debt = row.balance.startsWith('-') ? addDecimals(unpaid, row.balance.slice(1)) : unpaid;
}
