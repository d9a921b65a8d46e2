import type Big from 'big.js';
import type { AccountFacts } from '../src/domain/account/account-events.js';
import { Decimal } from '../src/domain/shared/decimal.js';
import type { ReadModelDb } from './runner/read-model-db.js';

type Table = (name: string) => string;

/** Instants are stored canonical (UTC, milliseconds) so that text order is time order in both databases. */
export const canonicalInstant = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

export interface ListRow {
  account_id: string;
  status: string;
  status_since: string;
  profile_id: string;
  region: string;
  payer_type: string;
  currency: string;
  balance: string;
  debt: string;
  has_debt: number;
  opened_at: string;
}

export const LIST_COLUMNS = [
  'account_id',
  'status',
  'status_since',
  'profile_id',
  'region',
  'payer_type',
  'currency',
  'balance',
  'debt',
  'has_debt',
  'opened_at',
] as const;

/** The list rows of one batch (see HeldRows): read once per account, written once. */
export interface ListRows {
  get(accountId: string): Promise<ListRow | undefined>;
  put(row: ListRow): void;
}

/** Like the UPDATE it stands for: nothing when the account has no row. */
async function update(rows: ListRows, accountId: string, changes: Partial<ListRow>): Promise<void> {
  const row = await rows.get(accountId);
  if (row) rows.put({ ...row, ...changes });
}

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

  async opened(rows: ListRows, d: AccountFacts): Promise<void> {
    // ON CONFLICT DO NOTHING: an account opened twice keeps its first row.
    if (await rows.get(d.accountId)) return;
    const openedAt = canonicalInstant(d.openedAt);
    rows.put({
      account_id: d.accountId,
      status: 'active',
      status_since: openedAt,
      profile_id: d.profileId,
      region: d.region,
      payer_type: d.payerType,
      currency: d.currency,
      balance: '0',
      debt: '0',
      has_debt: 0,
      opened_at: openedAt,
    });
  },

  profileChanged(rows: ListRows, accountId: string, profileId: string) {
    return update(rows, accountId, { profile_id: profileId });
  },

  statusChanged(rows: ListRows, accountId: string, status: string, since: string) {
    return update(rows, accountId, { status, status_since: canonicalInstant(since) });
  },

  /** `balance`: the summary's state's own (not parsed from text again for every charge). */
  balanceChanged(rows: ListRows, accountId: string, balance: Big) {
    const debt = balance.lt('0') ? balance.neg() : new Decimal('0');
    return update(rows, accountId, {
      balance: balance.toFixed(),
      debt: debt.toFixed(),
      has_debt: debt.gt('0') ? 1 : 0,
    });
  },
};
