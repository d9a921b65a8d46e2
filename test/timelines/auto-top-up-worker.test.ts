import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { InProcessPaymentGateway } from '../../src/ledger/payment-gateway/in-process-payment-gateway.js';
import { buildEngine, type TestEngine } from '../support/engine.js';
import { openCommand } from '../support/given-accounts.js';
import { individual } from '../support/requests.js';

/**
 * The auto top-up worker (projections/workers/auto-top-up.projection.ts): every AutoTopUpRequested reaches
 * the payment gateway once per checkpoint, with the request id as the idempotency key; the gateway's
 * answer comes back as a top-up or AutoTopUpFailed, and a refusal is asked again per the profile's policy.
 */
const START = '2026-03-10T09:00:00.000Z';
const HOUR_MS = 3_600_000;
const plusHours = (hours: number) => new Date(Date.parse(START) + hours * HOUR_MS).toISOString();

let dir: string;
const engines: TestEngine[] = [];
const dbs: SqliteReadModelDb[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'auto-top-up-'));
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

/** An account with 1 000 RUB and auto top-up at 100 for 500; a charge of 950 crosses the threshold. */
async function crossedThreshold(gateway: InProcessPaymentGateway) {
  const engine = await buildEngine({ start: START, paymentGateway: gateway });
  engines.push(engine);
  await engine.open(openCommand(individual('atw')));
  await engine.send('atw', {
    type: 'TopUp',
    paymentId: 'atw-p1',
    amount: '1000',
    channel: 'card',
    at: START,
  });
  await engine.send('atw', {
    type: 'ConfigureAutoTopUp',
    enabled: true,
    threshold: '100',
    amount: '500',
    currency: 'RUB',
    at: START,
  });
  await engine.send('atw', {
    type: 'ConsumeResource',
    usageRecordId: 'atw-u1',
    sku: 'test.unit',
    quantity: '950',
    windowStart: START,
    windowEnd: START,
  });
  return engine;
}

const ledgerEvents = async (engine: TestEngine, type: string) =>
  (await engine.store.readAll({ filter: { eventTypes: [type] } })).map(
    (e) => e.data as Record<string, unknown>,
  );

describe('the auto top-up worker', () => {
  it('asks the gateway exactly once per request across a restart (checkpoint), and books the top-up', async () => {
    const gateway = new InProcessPaymentGateway(['succeeded']);
    const engine = await crossedThreshold(gateway);
    const worker = db('auto-top-ups');
    const first = engine.timelines({ timelines: db('timelines-1'), autoTopUps: worker });
    await first.start();
    await first.settle();
    await first.stop();
    expect(gateway.calls).toEqual([
      { requestId: 'atw-atu-1', accountId: 'atw', amount: '500', currency: 'RUB', attempt: 1 },
    ]);

    const restarted = engine.timelines({ timelines: db('timelines-2'), autoTopUps: worker });
    await restarted.start();
    await restarted.settle();
    expect(gateway.calls).toHaveLength(1);
    expect(await ledgerEvents(engine, 'FundsDeposited')).toEqual([
      expect.objectContaining({ paymentId: 'atw-p1' }),
      expect.objectContaining({
        paymentId: 'atw-atu-1',
        amount: '500',
        channel: 'auto-top-up',
        balanceAfter: '550',
      }),
    ]);
  });

  it('without its checkpoint it asks again (at least once): the request id keeps it to one top-up', async () => {
    const gateway = new InProcessPaymentGateway(['succeeded']);
    const engine = await crossedThreshold(gateway);
    for (const name of ['a', 'b']) {
      const timelines = engine.timelines({
        timelines: db(`timelines-${name}`),
        autoTopUps: db(`worker-${name}`),
      });
      await timelines.start();
      await timelines.settle();
      await timelines.stop();
    }
    expect(gateway.calls.map((c) => c.requestId)).toEqual(['atw-atu-1', 'atw-atu-1']);
    expect((await ledgerEvents(engine, 'FundsDeposited')).map((d) => d.paymentId)).toEqual([
      'atw-p1',
      'atw-atu-1',
    ]);
  });

  it('a refusal → AutoTopUpFailed (nothing deposited); asked again an hour later with a new id until it succeeds', async () => {
    const gateway = new InProcessPaymentGateway(['failed', 'failed', 'succeeded']);
    const engine = await crossedThreshold(gateway);
    const timelines = engine.timelines({ timelines: db('timelines'), autoTopUps: db('worker') });
    await timelines.start();
    await timelines.settle();
    expect(await ledgerEvents(engine, 'AutoTopUpFailed')).toEqual([
      expect.objectContaining({ requestId: 'atw-atu-1', attempt: 1, retryAt: plusHours(1) }),
    ]);
    expect(await ledgerEvents(engine, 'FundsDeposited')).toHaveLength(1);

    await timelines.advanceTo(plusHours(1), engine.clock);
    expect(gateway.calls.map((c) => [c.requestId, c.attempt])).toEqual([
      ['atw-atu-1', 1],
      ['atw-atu-2', 2],
    ]);
    await timelines.advanceTo(plusHours(3), engine.clock);
    expect(gateway.calls.map((c) => c.requestId)).toEqual(['atw-atu-1', 'atw-atu-2', 'atw-atu-3']);
    expect((await ledgerEvents(engine, 'AutoTopUpRequested')).map((d) => d.at)).toEqual([
      START,
      plusHours(1),
      plusHours(2),
    ]);
    expect(await ledgerEvents(engine, 'FundsDeposited')).toEqual([
      expect.objectContaining({ paymentId: 'atw-p1' }),
      expect.objectContaining({ paymentId: 'atw-atu-3', channel: 'auto-top-up', amount: '500' }),
    ]);
  });

  it('stops asking after the policy’s attempts (3): the last refusal plans no retry', async () => {
    const gateway = new InProcessPaymentGateway([], { status: 'failed', reason: 'card expired' });
    const engine = await crossedThreshold(gateway);
    const timelines = engine.timelines({ timelines: db('timelines'), autoTopUps: db('worker') });
    await timelines.start();
    await timelines.advanceTo(plusHours(24), engine.clock);
    expect(gateway.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    const failures = await ledgerEvents(engine, 'AutoTopUpFailed');
    expect(failures.map((d) => [d.attempt, d.retryAt])).toEqual([
      [1, plusHours(1)],
      [2, plusHours(2)],
      [3, undefined],
    ]);
    expect(await ledgerEvents(engine, 'FundsDeposited')).toHaveLength(1);
  });
});
