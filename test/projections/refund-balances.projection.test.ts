import { accountBalancesProjection } from '../../projections/account-balances.projection.js';
import { accountStatusProjection } from '../../projections/account-status.projection.js';
import { accountRefunds } from '../../projections/refunds.projection.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { buildEngine, type TestEngine } from '../support/engine.js';
import { openCommand } from '../support/given-accounts.js';
import { individual } from '../support/requests.js';
import { caughtUp, startHost } from './support/hosts.js';

const AT = '2026-03-05T09:00:00.000Z';
const projections = [accountBalancesProjection, accountStatusProjection];

/** Refunds move the balance in the balances read model; the account-status read model follows each part. */
describe('refunds in the read models', () => {
  let engine: TestEngine;
  let db: SqliteReadModelDb;
  let host: ProjectionHost;
  beforeEach(async () => {
    engine = await buildEngine({ start: AT });
    db = new SqliteReadModelDb(':memory:');
    host = await startHost(engine.store, db, projections);
    await engine.open(openCommand(individual('rb')));
    await engine.send('rb', { type: 'TopUp', paymentId: 'rb-p1', amount: '300', channel: 'card', at: AT });
  });
  afterEach(async () => {
    await host.stop();
    await db.close();
    await engine.close();
  });

  const balance = async () => {
    await caughtUp(host, engine.store, projections);
    const table = host.runner('account-balances')!.table('balance_accounts');
    return (await db.get<{ balance: string }>(`SELECT balance FROM ${table} WHERE account_id = 'rb'`))!
      .balance;
  };
  const refunds = async (accountId = 'rb') => {
    await caughtUp(host, engine.store, projections);
    const runner = host.runner('account-status')!;
    return accountRefunds(accountId)(db, (name) => runner.table(name));
  };

  it('RefundRequested lowers the balance, RefundFailed restores it; the parts follow the answers', async () => {
    expect(await refunds()).toEqual([]);
    await engine.send('rb', {
      type: 'RequestRefund',
      refundId: 'r1',
      amount: '250',
      reason: 'customer request',
      by: 'ops',
      at: AT,
    });
    expect(await balance()).toBe('50');
    expect(await refunds()).toEqual([
      expect.objectContaining({
        refundId: 'r1',
        status: 'requested',
        parts: [
          expect.objectContaining({ paymentId: 'rb-p1', channel: 'card', amount: '250', outcome: 'pending' }),
        ],
      }),
    ]);
    await engine.send('rb', {
      type: 'RecordRefundResult',
      refundId: 'r1',
      result: { status: 'failed', reason: 'card closed' },
      at: AT,
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
    expect(await refunds('nobody')).toBeUndefined();
  });
});
