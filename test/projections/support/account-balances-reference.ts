/**
 * The account-balances projection as it was before its writes were batched (one statement per row change,
 * debt and grants re-read from the tables after every event), kept verbatim as the reference the batched
 * projection must equal row for row (account-balances-batched.test.ts).
 */
import type { RecordedEvent } from '../../../src/platform/event-store/event-store.port.js';
import type {
  CarriedState,
  GrantSnapshot,
  LedgerEvent,
  OpenBill,
} from '../../../src/domain/ledger/ledger-events.js';
import type { AccountEvent } from '../../../src/domain/account/account-events.js';
import type { Projection } from '../../../projections/runner/projection.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import { addDecimals, subtractDecimals } from '../../../projections/support/decimal-sum.js';
import { effectiveAt, ledgerStreamParts, sortablePosition } from '../../../projections/support/streams.js';
import {
  ACCOUNT_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
} from '../../../src/platform/event-store/stream-names.js';

type Table = (name: string) => string;

/**
 * Account balances now: personal balance, grants by expiry, credit limit and debt (unpaid bills plus a
 * negative balance), with a row per balance change so a balance "as of" any effective time is answered
 * without replaying the log. The ledger events carry balanceAfter, so balances are not recomputed here.
 */
export const accountBalancesReference: Projection = {
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
    if (event.type === 'AccountOpened') {
      const d = event.data;
      await db.run(
        `INSERT INTO ${table('balance_accounts')} (account_id, currency, profile_id, payer_type, period_id, balance,
           credit_limit, grants_remaining, bills_unpaid, debt, position)
         VALUES ($1, $2, $3, $4, NULL, '0', '0', '0', '0', '0', $5) ON CONFLICT (account_id) DO NOTHING`,
        [d.accountId, d.currency, d.profileId, d.payerType, recorded.position.toString()],
      );
      return;
    }
    if (event.type === 'ContractChanged') {
      await db.run(`UPDATE ${table('balance_accounts')} SET profile_id = $2 WHERE account_id = $1`, [
        event.data.accountId,
        event.data.profileId,
      ]);
      return;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return;
    const { accountId } = ledger;
    const account = new AccountRows(db, table, accountId, recorded);
    switch (event.type) {
      case 'PeriodOpened':
        await account.carry(event.data.carried);
        await account.update({
          period_id: event.data.periodId,
          credit_limit: event.data.carried.creditLimit,
        });
        return account.balanceChanged(event.data.carried.balance);
      case 'FundsDeposited':
      case 'PenaltyAccrued':
      case 'CommitmentShortfallCharged':
      case 'RefundRequested':
      case 'RefundFailed':
        return account.balanceChanged(event.data.balanceAfter);
      case 'ResourceConsumed':
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
      case 'GrantExpired':
        await db.run(
          `UPDATE ${table('balance_grants')} SET remaining = '0', state = 'expired' WHERE account_id = $1 AND grant_id = $2`,
          [accountId, event.data.grantId],
        );
        return account.refreshGrants();
      case 'BillIssued':
        await account.upsertBill(event.data);
        return account.refreshDebt();
      case 'BillPaymentApplied': {
        const bill = await db.get<{ paid: string }>(
          `SELECT paid FROM ${table('balance_bills')} WHERE account_id = $1 AND bill_id = $2`,
          [accountId, event.data.billId],
        );
        if (!bill) throw new Error(`Payment applied to bill ${event.data.billId}, which was never issued`);
        await db.run(
          `UPDATE ${table('balance_bills')} SET paid = $3, state = $4 WHERE account_id = $1 AND bill_id = $2`,
          [
            accountId,
            event.data.billId,
            addDecimals(bill.paid, event.data.amount),
            event.data.fullyPaid ? 'paid' : 'open',
          ],
        );
        return account.refreshDebt();
      }
      default:
        return;
    }
  },
};

/** The writes for one account and one event. */
class AccountRows {
  constructor(
    private readonly db: ReadModelDb,
    private readonly table: Table,
    private readonly accountId: string,
    private readonly recorded: RecordedEvent,
  ) {}

  async update(changes: Record<string, string>): Promise<void> {
    const columns = Object.keys(changes);
    await this.db.run(
      `UPDATE ${this.table('balance_accounts')} SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')},
         position = $${columns.length + 2} WHERE account_id = $1`,
      [this.accountId, ...Object.values(changes), this.recorded.position.toString()],
    );
  }

  async balanceChanged(balance: string): Promise<void> {
    await this.update({ balance });
    await this.db.run(
      `INSERT INTO ${this.table('balance_history')} (account_id, position, effective_at, recorded_at, balance, event_type)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        this.accountId,
        sortablePosition(this.recorded),
        effectiveAt(this.recorded),
        String(this.recorded.metadata.recordedAt ?? ''),
        balance,
        this.recorded.type,
      ],
    );
    await this.refreshDebt();
  }

  /** A new period restates grants and open bills as they were carried over. */
  async carry(carried: CarriedState): Promise<void> {
    for (const grant of carried.grants) await this.upsertGrant(grant);
    for (const bill of carried.openBills) await this.upsertBill(bill);
    await this.refreshGrants();
  }

  async upsertGrant(grant: GrantSnapshot): Promise<void> {
    await this.db.run(
      `INSERT INTO ${this.table('balance_grants')} (account_id, grant_id, kind, amount, remaining, issued_at, expires_at, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'active')
       ON CONFLICT (account_id, grant_id) DO UPDATE SET remaining = excluded.remaining`,
      [
        this.accountId,
        grant.grantId,
        grant.kind,
        grant.amount,
        grant.remaining,
        grant.issuedAt,
        grant.expiresAt,
      ],
    );
  }

  async useGrant(grantId: string, amount: string): Promise<void> {
    const grant = await this.db.get<{ remaining: string }>(
      `SELECT remaining FROM ${this.table('balance_grants')} WHERE account_id = $1 AND grant_id = $2`,
      [this.accountId, grantId],
    );
    if (!grant) throw new Error(`Consumption paid from grant ${grantId}, which was never issued`);
    await this.db.run(
      `UPDATE ${this.table('balance_grants')} SET remaining = $3 WHERE account_id = $1 AND grant_id = $2`,
      [this.accountId, grantId, subtractDecimals(grant.remaining, amount)],
    );
  }

  async upsertBill(bill: OpenBill): Promise<void> {
    await this.db.run(
      `INSERT INTO ${this.table('balance_bills')} (account_id, bill_id, kind, amount, paid, issued_on, due_date, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')
       ON CONFLICT (account_id, bill_id) DO UPDATE SET paid = excluded.paid`,
      [this.accountId, bill.billId, bill.kind, bill.amount, bill.paid, bill.issuedOn, bill.dueDate],
    );
  }

  async refreshGrants(): Promise<void> {
    const grants = await this.db.all<{ remaining: string }>(
      `SELECT remaining FROM ${this.table('balance_grants')} WHERE account_id = $1 AND state = 'active'`,
      [this.accountId],
    );
    await this.update({ grants_remaining: addDecimals(...grants.map((g) => g.remaining)) });
  }

  /** Debt: what open bills still ask for, plus the balance when it is below zero. */
  async refreshDebt(): Promise<void> {
    const bills = await this.db.all<{ amount: string; paid: string }>(
      `SELECT amount, paid FROM ${this.table('balance_bills')} WHERE account_id = $1 AND state = 'open'`,
      [this.accountId],
    );
    const unpaid = addDecimals(...bills.map((b) => subtractDecimals(b.amount, b.paid)));
    const row = await this.db.get<{ balance: string }>(
      `SELECT balance FROM ${this.table('balance_accounts')} WHERE account_id = $1`,
      [this.accountId],
    );
    const balance = row?.balance ?? '0';
    const debt = balance.startsWith('-') ? addDecimals(unpaid, balance.slice(1)) : unpaid;
    await this.update({ bills_unpaid: unpaid, debt });
  }
}
