import { randomUUID } from 'node:crypto';
import { accountBalancesProjection } from '../../projections/account-balances.projection.js';
import { accountRefunds, refundsProjection } from '../../projections/refunds.projection.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { LedgerEvent } from '../../src/domain/ledger/ledger-events.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { caughtUp, startHost } from './support/hosts.js';

const AT = '2026-03-05T09:00:00.000Z';
const projections = [accountBalancesProjection, refundsProjection];

/** Refunds move the balance in the balances read model, and the refunds read model follows each part. */
describe('refunds in the read models', () => {
  let store: SqliteEventStore;
  let db: SqliteReadModelDb;
  let host: ProjectionHost;
  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    host = await startHost(store, db, projections);
  });
  afterEach(async () => {
    await host.stop();
    await db.close();
    await store.close();
  });

  const append = (stream: string, ...events: Array<{ type: string; data: unknown }>) =>
    store.append(
      stream,
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })),
    );
  const ledger = (...events: LedgerEvent[]) => append('ledger-rb@2026-03', ...events);
  const balance = async () => {
    await caughtUp(host, store, projections);
    const table = host.runner('account-balances')!.table('balance_accounts');
    return (await db.get<{ balance: string }>(`SELECT balance FROM ${table} WHERE account_id = 'rb'`))!
      .balance;
  };
  const refunds = async () => {
    await caughtUp(host, store, projections);
    const runner = host.runner('refunds')!;
    return accountRefunds('rb')(db, (name) => runner.table(name));
  };

  it('RefundRequested lowers the balance, RefundFailed restores it; the parts follow the answers', async () => {
    await append('account-rb', {
      type: 'AccountOpened',
      data: { accountId: 'rb', currency: 'RUB', profileId: 'vk-individual-prepaid', payerType: 'individual' },
    });
    expect(await refunds()).toEqual([]);
    await ledger(
      {
        type: 'FundsDeposited',
        data: {
          paymentId: 'p1',
          amount: '300',
          channel: 'card',
          countsInDocuments: false,
          balanceAfter: '300',
          at: AT,
        },
      },
      {
        type: 'RefundRequested',
        data: {
          refundId: 'r1',
          amount: '250',
          currency: 'RUB',
          parts: [{ paymentId: 'p1', channel: 'card', amount: '250' }],
          reason: 'customer request',
          by: 'ops',
          at: AT,
          balanceAfter: '50',
        },
      },
    );
    expect(await balance()).toBe('50');
    expect(await refunds()).toEqual([
      expect.objectContaining({
        refundId: 'r1',
        status: 'requested',
        parts: [expect.objectContaining({ paymentId: 'p1', outcome: 'pending' })],
      }),
    ]);
    await ledger({
      type: 'RefundFailed',
      data: { refundId: 'r1', reason: 'card closed', at: AT, amount: '250', balanceAfter: '300' },
    });
    expect(await balance()).toBe('300');
    expect(await refunds()).toEqual([
      expect.objectContaining({
        refundId: 'r1',
        status: 'failed',
        settledAt: AT,
        parts: [expect.objectContaining({ outcome: 'failed', failureReason: 'card closed' })],
      }),
    ]);
  });

  it('an account it never saw opened: undefined (the route answers 404)', async () => {
    expect(await refunds()).toBeUndefined();
  });
});
