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
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    if (!HANDLED.has(event.type)) return;
    // Keyed by the build's statements: one batch state per build in a transaction.
    const sql = statements(table);
    await withBatch(
      db,
      sql,
      () => new BalancesBatch(sql),
      async (batch) => {
        if (event.type === 'AccountOpened') {
          const d = event.data;
          // ON CONFLICT DO NOTHING: an account opened twice keeps its first row.
          if ((await batch.account(db, d.accountId)) !== undefined) return;
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
          const row = await batch.account(db, event.data.accountId);
          if (row) batch.putAccount({ ...row, profile_id: event.data.profileId });
          return;
        }
        const ledger = ledgerStreamParts(recorded.streamId);
        if (!ledger) return;
        const account = new AccountRows(db, batch, ledger.accountId, recorded);
        switch (event.type) {
          case 'PeriodOpened':
            await account.carry(event.data.carried);
            await account.update({
              period_id: event.data.periodId,
              credit_limit: event.data.carried.creditLimit,
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
            for (const used of event.data.fromGrants) await account.useGrant(used.grantId, used.amount);
            await account.balanceChanged(event.data.balanceAfter);
            return account.refreshGrants();
          case 'ChargeCorrected':
            // Issue 14: a part > 0 draws a grant; < 0 gives back to it, unless the event says it was lost. The
            // balance comes from the event, as for a charge.
            for (const part of event.data.fromGrants) {
              const lost = event.data.grantsLost?.some((g) => g.grantId === part.grantId) ?? false;
              if (!(part.amount.startsWith('-') && lost)) await account.useGrant(part.grantId, part.amount);
            }
            await account.balanceChanged(event.data.balanceAfter);
            return account.refreshGrants();
          case 'CreditLimitSet':
            return account.update({ credit_limit: event.data.creditLimit });
          case 'GrantIssued':
            await account.upsertGrant(event.data);
            return account.refreshGrants();
          case 'GrantExpired': {
            const grants = await batch.grants(db, ledger.accountId);
            const grant = grants.get(event.data.grantId);
            if (grant) batch.putGrant({ ...grant, remaining: '0', state: 'expired' });
            return account.refreshGrants();
          }
          case 'BillIssued':
            await account.upsertBill(event.data);
            return account.refreshDebt();
          case 'BillPaymentApplied': {
            const bill = (await batch.bills(db, ledger.accountId)).get(event.data.billId);
            if (!bill)
              throw new Error(`Payment applied to bill ${event.data.billId}, which was never issued`);
            batch.putBill({
              ...bill,
              paid: addDecimals(bill.paid, event.data.amount),
              state: event.data.fullyPaid ? 'paid' : 'open',
            });
            return account.refreshDebt();
          }
          default:
            return;
        }
      },
    );
  },
};

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

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  account: `SELECT ${ACCOUNT_COLUMNS.join(', ')} FROM ${table('balance_accounts')} WHERE account_id = $1`,
  grants: `SELECT ${GRANT_COLUMNS.join(', ')} FROM ${table('balance_grants')} WHERE account_id = $1`,
  bills: `SELECT ${BILL_COLUMNS.join(', ')} FROM ${table('balance_bills')} WHERE account_id = $1`,
  accounts: new RowWriter({
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

/**
 * The rows one batch touches: each read once from the tables, then kept and changed here, and written once
 * at the end (the latest row per key). Within the batch these maps, not the tables, are the truth.
 */
class BalancesBatch implements BatchWrites {
  /** null: no row (an account whose AccountOpened this build never saw). */
  private readonly accounts = new Map<string, AccountRow | null>();
  private readonly grantsOf = new Map<string, Map<string, GrantRow>>();
  private readonly billsOf = new Map<string, Map<string, BillRow>>();
  private readonly changedAccounts = new Set<string>();
  private readonly changedGrants = new Set<GrantRow>();
  private readonly changedBills = new Set<BillRow>();
  private readonly history = new Map<string, HistoryRow>();

  constructor(private readonly sql: ReturnType<typeof statements>) {}

  async account(db: ReadModelDb, accountId: string): Promise<AccountRow | undefined> {
    let row = this.accounts.get(accountId);
    if (row === undefined) {
      row = (await db.get<AccountRow>(this.sql.account, [accountId])) ?? null;
      this.accounts.set(accountId, row);
    }
    return row ?? undefined;
  }

  putAccount(row: AccountRow): void {
    this.accounts.set(row.account_id, row);
    this.changedAccounts.add(row.account_id);
  }

  async grants(db: ReadModelDb, accountId: string): Promise<Map<string, GrantRow>> {
    let grants = this.grantsOf.get(accountId);
    if (!grants) {
      const rows = await db.all<GrantRow>(this.sql.grants, [accountId]);
      grants = new Map(rows.map((g) => [g.grant_id, g]));
      this.grantsOf.set(accountId, grants);
    }
    return grants;
  }

  putGrant(grant: GrantRow): void {
    const grants = this.grantsOf.get(grant.account_id)!;
    const before = grants.get(grant.grant_id);
    if (before) this.changedGrants.delete(before);
    grants.set(grant.grant_id, grant);
    this.changedGrants.add(grant);
  }

  async bills(db: ReadModelDb, accountId: string): Promise<Map<string, BillRow>> {
    let bills = this.billsOf.get(accountId);
    if (!bills) {
      const rows = await db.all<BillRow>(this.sql.bills, [accountId]);
      bills = new Map(rows.map((b) => [b.bill_id, b]));
      this.billsOf.set(accountId, bills);
    }
    return bills;
  }

  putBill(bill: BillRow): void {
    const bills = this.billsOf.get(bill.account_id)!;
    const before = bills.get(bill.bill_id);
    if (before) this.changedBills.delete(before);
    bills.set(bill.bill_id, bill);
    this.changedBills.add(bill);
  }

  /** INSERT … ON CONFLICT DO NOTHING: the first row for a key stays. */
  addHistory(row: HistoryRow): void {
    const key = `${row[0]}\u0000${row[1]}`;
    if (!this.history.has(key)) this.history.set(key, row);
  }

  async flush(db: ReadModelDb): Promise<void> {
    const accounts: SqlValue[][] = [];
    for (const id of this.changedAccounts) {
      const row = this.accounts.get(id)!;
      accounts.push(ACCOUNT_COLUMNS.map((c) => row[c]));
    }
    await this.sql.accounts.write(db, accounts);
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
  constructor(
    private readonly db: ReadModelDb,
    private readonly batch: BalancesBatch,
    private readonly accountId: string,
    private readonly recorded: RecordedEvent,
  ) {}

  /** Like the UPDATE it stands for, it changes nothing when the account has no row. */
  async update(changes: Partial<AccountRow>): Promise<void> {
    const row = await this.batch.account(this.db, this.accountId);
    if (row) this.batch.putAccount({ ...row, ...changes, position: this.recorded.position.toString() });
  }

  /**
   * The new balance, its history row and the debt. The debt is computed from the row's `bills_unpaid`
   * (kept equal to the open bills' sum by every event that changes a bill) unless the event changed bills.
   */
  async balanceChanged(balance: string, bills?: 'bills-changed'): Promise<void> {
    await this.update({ balance });
    this.batch.addHistory([
      this.accountId,
      sortablePosition(this.recorded),
      effectiveAt(this.recorded),
      String(this.recorded.metadata.recordedAt ?? ''),
      balance,
      this.recorded.type,
    ]);
    if (bills === 'bills-changed') return this.refreshDebt();
    const row = await this.batch.account(this.db, this.accountId);
    if (row) await this.update(debtOf(row.bills_unpaid, row.balance));
  }

  /** A new period restates grants and open bills as they were carried over. */
  async carry(carried: CarriedState): Promise<void> {
    for (const grant of carried.grants) await this.upsertGrant(grant);
    for (const bill of carried.openBills) await this.upsertBill(bill);
    await this.refreshGrants();
  }

  /** A grant already known keeps its state and takes the new remaining (ON CONFLICT … SET remaining). */
  async upsertGrant(grant: GrantSnapshot): Promise<void> {
    const known = (await this.batch.grants(this.db, this.accountId)).get(grant.grantId);
    this.batch.putGrant(
      known
        ? { ...known, remaining: grant.remaining }
        : {
            account_id: this.accountId,
            grant_id: grant.grantId,
            kind: grant.kind,
            amount: grant.amount,
            remaining: grant.remaining,
            issued_at: grant.issuedAt,
            expires_at: grant.expiresAt,
            state: 'active',
          },
    );
  }

  async useGrant(grantId: string, amount: string): Promise<void> {
    const grant = (await this.batch.grants(this.db, this.accountId)).get(grantId);
    if (!grant) throw new Error(`Consumption paid from grant ${grantId}, which was never issued`);
    this.batch.putGrant({ ...grant, remaining: subtractDecimals(grant.remaining, amount) });
  }

  /** A bill already known keeps its state and takes the new paid amount (ON CONFLICT … SET paid). */
  async upsertBill(bill: OpenBill): Promise<void> {
    const known = (await this.batch.bills(this.db, this.accountId)).get(bill.billId);
    this.batch.putBill(
      known
        ? { ...known, paid: bill.paid }
        : {
            account_id: this.accountId,
            bill_id: bill.billId,
            kind: bill.kind,
            amount: bill.amount,
            paid: bill.paid,
            issued_on: bill.issuedOn,
            due_date: bill.dueDate,
            state: 'open',
          },
    );
  }

  async refreshGrants(): Promise<void> {
    const active: string[] = [];
    for (const g of (await this.batch.grants(this.db, this.accountId)).values()) {
      if (g.state === 'active') active.push(g.remaining);
    }
    await this.update({ grants_remaining: addDecimals(...active) });
  }

  /** Debt: what open bills still ask for, plus the balance when it is below zero. */
  async refreshDebt(): Promise<void> {
    const unpaid: string[] = [];
    for (const b of (await this.batch.bills(this.db, this.accountId)).values()) {
      if (b.state === 'open') unpaid.push(subtractDecimals(b.amount, b.paid));
    }
    const row = await this.batch.account(this.db, this.accountId);
    await this.update(debtOf(addDecimals(...unpaid), row?.balance ?? '0'));
  }
}

function debtOf(unpaid: string, balance: string): Pick<AccountRow, 'bills_unpaid' | 'debt'> {
  return {
    bills_unpaid: unpaid,
    debt: balance.startsWith('-') ? addDecimals(unpaid, balance.slice(1)) : unpaid,
  };
}
