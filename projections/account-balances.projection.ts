import type { RecordedEvent } from '../src/event-store/event-store.port.js';
import type { LedgerEvent } from '../src/domain/ledger/ledger-events.js';
import type { AccountEvent } from '../src/domain/account/account-events.js';
import type { Projection } from './runner/projection.js';
import type { ReadModelDb } from './runner/read-model-db.js';

/**
 * Account balances and status now, plus a row per balance change so balances "as of" any effective
 * time can be answered without replaying the log. The ledger events carry balanceAfter, so nothing is
 * recomputed here.
 */
export const accountBalancesProjection: Projection = {
  name: 'account-balances',
  version: 1,
  filter: { streamPrefixes: ['account-', 'ledger-'] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('accounts')} (
      account_id TEXT PRIMARY KEY, currency TEXT NOT NULL, profile_id TEXT NOT NULL, payer_type TEXT NOT NULL,
      balance TEXT NOT NULL, credit_limit TEXT NOT NULL, status TEXT NOT NULL, status_since TEXT NOT NULL,
      period_id TEXT, position TEXT NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('balance_history')} (
      account_id TEXT NOT NULL, position TEXT NOT NULL, effective_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
      balance TEXT NOT NULL, status TEXT NOT NULL, event_type TEXT NOT NULL, PRIMARY KEY (account_id, position))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('status_history')} (
      account_id TEXT NOT NULL, position TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL, reason TEXT NOT NULL,
      PRIMARY KEY (account_id, position))`);
  },

  async apply(db, recorded, table) {
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    if (event.type === 'AccountOpened') {
      const d = event.data;
      await db.run(
        `INSERT INTO ${table('accounts')} (account_id, currency, profile_id, payer_type, balance, credit_limit, status, status_since, period_id, position)
         VALUES ($1, $2, $3, $4, '0', '0', 'active', $5, NULL, $6) ON CONFLICT (account_id) DO NOTHING`,
        [d.accountId, d.currency, d.profileId, d.payerType, d.openedAt, recorded.position.toString()],
      );
      await statusChanged(db, table, d.accountId, recorded, 'active', d.openedAt, 'account opened');
      return;
    }
    if (!recorded.streamId.startsWith('ledger-')) return;
    const accountId = recorded.streamId.slice('ledger-'.length, recorded.streamId.lastIndexOf('@'));
    switch (event.type) {
      case 'PeriodOpened':
        await update(db, table, accountId, recorded, {
          balance: event.data.carried.balance,
          credit_limit: event.data.carried.creditLimit,
          period_id: event.data.periodId,
        });
        return;
      case 'FundsDeposited':
        return update(db, table, accountId, recorded, { balance: event.data.balanceAfter });
      case 'ResourceConsumed':
        return update(db, table, accountId, recorded, { balance: event.data.balanceAfter });
      case 'CreditLimitSet':
        return update(db, table, accountId, recorded, { credit_limit: event.data.creditLimit });
      case 'AccountFrozen':
        return statusChanged(db, table, accountId, recorded, 'frozen', event.data.at, 'balance below zero');
      case 'AccountUnfrozen':
        return statusChanged(
          db,
          table,
          accountId,
          recorded,
          'active',
          event.data.at,
          'balance positive again',
        );
      case 'PaymentRequired':
        return statusChanged(
          db,
          table,
          accountId,
          recorded,
          'payment-required',
          event.data.at,
          'funds exhausted',
        );
      case 'PaymentRequirementCleared':
        return statusChanged(
          db,
          table,
          accountId,
          recorded,
          'active',
          event.data.at,
          'funds available again',
        );
      default:
        return;
    }
  },
};

async function update(
  db: ReadModelDb,
  table: (name: string) => string,
  accountId: string,
  recorded: RecordedEvent,
  changes: { balance?: string; credit_limit?: string; period_id?: string },
): Promise<void> {
  const columns = Object.keys(changes);
  const values = Object.values(changes) as string[];
  await db.run(
    `UPDATE ${table('accounts')} SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, position = $${columns.length + 2}
     WHERE account_id = $1`,
    [accountId, ...values, recorded.position.toString()],
  );
  if (changes.balance !== undefined) {
    const row = await db.get<{ status: string }>(
      `SELECT status FROM ${table('accounts')} WHERE account_id = $1`,
      [accountId],
    );
    await db.run(
      `INSERT INTO ${table('balance_history')} (account_id, position, effective_at, recorded_at, balance, status, event_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        accountId,
        recorded.position.toString().padStart(20, '0'),
        String(recorded.metadata.effectiveAt ?? ''),
        String(recorded.metadata.recordedAt ?? ''),
        changes.balance,
        row?.status ?? 'active',
        recorded.type,
      ],
    );
  }
}

async function statusChanged(
  db: ReadModelDb,
  table: (name: string) => string,
  accountId: string,
  recorded: RecordedEvent,
  status: string,
  since: string,
  reason: string,
): Promise<void> {
  await db.run(
    `UPDATE ${table('accounts')} SET status = $2, status_since = $3, position = $4 WHERE account_id = $1`,
    [accountId, status, since, recorded.position.toString()],
  );
  await db.run(
    `INSERT INTO ${table('status_history')} (account_id, position, status, since, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [accountId, recorded.position.toString().padStart(20, '0'), status, since, reason],
  );
}
