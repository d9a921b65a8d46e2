import type { AccountFacts } from '../src/domain/account/account-events.js';
import { Decimal } from '../src/domain/shared/decimal.js';
import type { ReadModelDb } from './runner/read-model-db.js';

type Table = (name: string) => string;

/** Instants are stored canonical (UTC, milliseconds) so that text order is time order in both databases. */
export const canonicalInstant = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

/**
 * The account list (GET /v1/accounts), kept by the account-status projection in its `account_list` table:
 * one row per opened account with what a person filtering accounts needs — status and since when, profile,
 * region, payer type, currency, balance and debt (the latest period's, as the account summary shows them).
 * Debt is the part of the balance below zero, as in the summary; `has_debt` makes "debt > 0" a plain
 * filter, the amounts staying decimal strings.
 */
export const accountListTable = {
  async setup(db: ReadModelDb, table: Table): Promise<void> {
    // Account ids compare byte-wise in both databases (PostgreSQL's default collation may not), so the
    // keyset pagination's `account_id > cursor` and ORDER BY agree with each other and across dialects.
    const bytewise = db.dialect === 'postgres' ? ' COLLATE "C"' : '';
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_list')} (
      account_id TEXT${bytewise} PRIMARY KEY, status TEXT NOT NULL, status_since TEXT NOT NULL,
      profile_id TEXT NOT NULL, region TEXT NOT NULL, payer_type TEXT NOT NULL, currency TEXT NOT NULL,
      balance TEXT NOT NULL, debt TEXT NOT NULL, has_debt INTEGER NOT NULL, opened_at TEXT NOT NULL)`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('account_list_by_status')} ON ${table('account_list')} (status, account_id)`,
    );
  },

  async opened(db: ReadModelDb, table: Table, d: AccountFacts): Promise<void> {
    const openedAt = canonicalInstant(d.openedAt);
    await db.run(
      `INSERT INTO ${table('account_list')} (account_id, status, status_since, profile_id, region, payer_type,
         currency, balance, debt, has_debt, opened_at)
       VALUES ($1, 'active', $2, $3, $4, $5, $6, '0', '0', 0, $2) ON CONFLICT (account_id) DO NOTHING`,
      [d.accountId, openedAt, d.profileId, d.region, d.payerType, d.currency],
    );
  },

  async profileChanged(db: ReadModelDb, table: Table, accountId: string, profileId: string) {
    await db.run(`UPDATE ${table('account_list')} SET profile_id = $2 WHERE account_id = $1`, [
      accountId,
      profileId,
    ]);
  },

  async statusChanged(db: ReadModelDb, table: Table, accountId: string, status: string, since: string) {
    await db.run(`UPDATE ${table('account_list')} SET status = $2, status_since = $3 WHERE account_id = $1`, [
      accountId,
      status,
      canonicalInstant(since),
    ]);
  },

  async balanceChanged(db: ReadModelDb, table: Table, accountId: string, balance: string) {
    const value = new Decimal(balance);
    const debt = value.lt('0') ? value.neg() : new Decimal('0');
    await db.run(
      `UPDATE ${table('account_list')} SET balance = $2, debt = $3, has_debt = $4 WHERE account_id = $1`,
      [accountId, value.toFixed(), debt.toFixed(), debt.gt('0') ? 1 : 0],
    );
  },
};
