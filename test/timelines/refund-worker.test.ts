import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { InProcessPaymentGateway } from '../../src/ledger/payment-gateway/in-process-payment-gateway.js';
import type {
  RefundAnswer,
  RefundPayoutRequest,
} from '../../src/ledger/payment-gateway/payment-gateway.port.js';
import { buildEngine, type TestEngine } from '../support/engine.js';
import { openCommand } from '../support/given-accounts.js';
import { individual } from '../support/requests.js';

/**
 * The refund worker (projections/workers/refund-payout.projection.ts): each part of every RefundRequested
 * reaches the payment gateway with `<account>/<refund>/<payment>` as its idempotency key; the gateway's
 * answer comes back as RefundCompleted / RefundFailed through the command bus. Delivery is at least once: a
 * crash between the gateway's payout and the booking of its answer is resumed, and the customer is paid once.
 */
const START = '2026-03-10T09:00:00.000Z';

let dir: string;
const engines: TestEngine[] = [];
const dbs: SqliteReadModelDb[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'refund-worker-'));
});
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const db of dbs.splice(0)) await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const db = (name: string) => {
  const opened = new SqliteReadModelDb(join(dir, `${name}.sqlite`));
  dbs.push(opened);
  return opened;
};

/** The gateway double behind a switch: while `crashAfterPayout` is set, it pays out, then "the process dies". */
class CrashingGateway extends InProcessPaymentGateway {
  crashAfterPayout = false;

  override async refund(request: RefundPayoutRequest): Promise<RefundAnswer> {
    const answer = await super.refund(request);
    if (this.crashAfterPayout) throw new Error('crash between the payout and booking its answer');
    return answer;
  }
}

/** Card 100 and bank transfer 200 paid; a refund of 250 takes both (100 by card, 150 by bank transfer). */
async function refundRequested(gateway: InProcessPaymentGateway) {
  const engine = await buildEngine({ start: START, paymentGateway: gateway });
  engines.push(engine);
  await engine.open(openCommand(individual('rfw')));
  for (const [paymentId, amount, channel] of [
    ['rfw-p1', '100', 'card'],
    ['rfw-p2', '200', 'bank-transfer'],
  ] as const) {
    await engine.send('rfw', { type: 'TopUp', paymentId, amount, channel, at: START });
  }
  await engine.send('rfw', {
    type: 'RequestRefund',
    refundId: 'rf-1',
    amount: '250',
    reason: 'customer request',
    by: 'ops',
    at: START,
  });
  return engine;
}

const ledgerEvents = async (engine: TestEngine, type: string) =>
  (await engine.store.readAll({ filter: { eventTypes: [type] } })).map(
    (e) => e.data as Record<string, unknown>,
  );

describe('the refund worker', () => {
  it('pays each part out once, to its channel, and books the answers; a restart asks nothing again', async () => {
    const gateway = new InProcessPaymentGateway();
    const engine = await refundRequested(gateway);
    const worker = db('refunds');
    for (const name of ['first', 'restarted']) {
      const timelines = engine.timelines({ timelines: db(`timelines-${name}`), refunds: worker });
      await timelines.start();
      await timelines.settle();
      await timelines.stop();
    }
    expect(gateway.refundCalls).toEqual([
      {
        idempotencyKey: 'rfw/rf-1/rfw-p1',
        accountId: 'rfw',
        refundId: 'rf-1',
        paymentId: 'rfw-p1',
        channel: 'card',
        amount: '100',
        currency: 'RUB',
      },
      {
        idempotencyKey: 'rfw/rf-1/rfw-p2',
        accountId: 'rfw',
        refundId: 'rf-1',
        paymentId: 'rfw-p2',
        channel: 'bank-transfer',
        amount: '150',
        currency: 'RUB',
      },
    ]);
    expect(await ledgerEvents(engine, 'RefundCompleted')).toEqual([
      expect.objectContaining({ refundId: 'rf-1', paymentId: 'rfw-p1' }),
      expect.objectContaining({ refundId: 'rf-1', paymentId: 'rfw-p2' }),
    ]);
  });

  it('a crash after the payout, before its answer is booked: resumed on restart, the gateway pays each part once', async () => {
    const gateway = new CrashingGateway();
    const engine = await refundRequested(gateway);
    const worker = db('refunds');
    gateway.crashAfterPayout = true;
    const crashed = engine.timelines({ timelines: db('timelines-1'), refunds: worker });
    await crashed.start();
    await crashed.settle().catch(() => undefined);
    await crashed.stop();
    expect(await ledgerEvents(engine, 'RefundCompleted')).toEqual([]);

    gateway.crashAfterPayout = false;
    const resumed = engine.timelines({ timelines: db('timelines-2'), refunds: worker });
    await resumed.start();
    await resumed.settle();
    // The first part was asked twice (the crash, then the redelivery); the gateway paid it out once.
    expect(gateway.refundCalls.map((c) => c.idempotencyKey)).toEqual([
      'rfw/rf-1/rfw-p1',
      'rfw/rf-1/rfw-p1',
      'rfw/rf-1/rfw-p2',
    ]);
    expect([...gateway.refundsPaid.keys()]).toEqual(['rfw/rf-1/rfw-p1', 'rfw/rf-1/rfw-p2']);
    expect(await ledgerEvents(engine, 'RefundCompleted')).toEqual([
      expect.objectContaining({ paymentId: 'rfw-p1' }),
      expect.objectContaining({ paymentId: 'rfw-p2' }),
    ]);
  });

  it('a refused part puts its money back on the balance; a pending one waits for the callback', async () => {
    const gateway = new InProcessPaymentGateway();
    gateway.answerNextRefunds('failed', 'pending');
    const engine = await refundRequested(gateway);
    const timelines = engine.timelines({ timelines: db('timelines'), refunds: db('refunds') });
    await timelines.start();
    await timelines.settle();
    expect(await ledgerEvents(engine, 'RefundFailed')).toEqual([
      expect.objectContaining({ refundId: 'rf-1', paymentId: 'rfw-p1', amount: '100', balanceAfter: '150' }),
    ]);
    expect(await ledgerEvents(engine, 'RefundCompleted')).toEqual([]);
    const state = await engine.ledger.state('rfw', engine.now());
    expect(state.refunds.get('rf-1')!.parts.map((p) => p.outcome)).toEqual(['failed', 'pending']);
  });
});
