import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { startEsdbDouble, type EsdbDouble } from '../esdb-double/esdb-double.js';
import { buildEngine } from '../support/engine.js';

/** One account's March and April, run through the application layer; returns what an auditor would compare. */
async function runScenario(store: EventStore) {
  const engine = await buildEngine({ start: '2026-03-01T09:00:00.000Z', store });
  const { clock } = engine;
  await engine.open(
    {
      accountId: 'anna',
      payerType: 'individual',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      edm: false,
      profileId: 'vk-individual-prepaid',
      at: clock.now().toISOString(),
    },
    'open',
  );
  clock.set('2026-03-10T09:00:00.000Z');
  const at = clock.now().toISOString();
  await engine.send('anna', { type: 'TopUp', paymentId: 'p1', amount: '100', channel: 'card', at }, 't1');
  const consume = (id: string, quantity: string, when = at) =>
    ({
      type: 'ConsumeResource',
      usageRecordId: id,
      sku: 'test.unit',
      quantity,
      windowStart: when,
      windowEnd: when,
    }) as const;
  const charged = await engine.send('anna', consume('u1', '100.01'), 'c1');
  const retried = await engine.send('anna', consume('u1', '100.01'), 'c1');
  clock.set('2026-04-02T09:00:00.000Z');
  const april = clock.now().toISOString();
  const inApril = await engine.send(
    'anna',
    { type: 'TopUp', paymentId: 'p2', amount: '50', channel: 'card', at: april },
    't2',
  );
  const state = await engine.ledger.state('anna', april);
  await engine.close();
  return {
    outcomes: [charged.eventTypes, retried.status, inApril.eventTypes],
    april: {
      period: state.periodId,
      balance: state.balance.toFixed(),
      status: state.status,
      opening: state.openingBalance.toFixed(),
    },
    history: (await store.readAll({ filter: { streamPrefixes: ['account-anna', 'ledger-anna@'] } })).map(
      (e) => [e.streamId, e.type],
    ),
  };
}

describe('the application layer on both event stores', () => {
  let double: EsdbDouble;
  beforeAll(async () => {
    double = await startEsdbDouble();
  });
  afterAll(() => double.stop());

  it('gives the same decisions, states and history on SQLite and on the EventStoreDB adapter', async () => {
    const sqlite = SqliteEventStore.open({ path: ':memory:' });
    const esdb = await EsdbEventStore.connect(double.connectionString);
    const onSqlite = await runScenario(sqlite);
    const onEsdb = await runScenario(esdb);
    expect(onSqlite.outcomes).toEqual([
      ['ResourceConsumed', 'AccountFrozen'],
      'duplicate',
      ['FundsDeposited', 'AccountUnfrozen'],
    ]);
    expect(onSqlite.april).toEqual({
      period: '2026-04',
      balance: '49.99',
      status: 'active',
      opening: '-0.01',
    });
    expect(onSqlite.history).toEqual([
      ['account-anna', 'AccountOpened'],
      ['ledger-anna@2026-03', 'PeriodOpened'],
      ['ledger-anna@2026-03', 'FundsDeposited'],
      ['ledger-anna@2026-03', 'ResourceConsumed'],
      ['ledger-anna@2026-03', 'AccountFrozen'],
      ['ledger-anna@2026-03', 'PeriodClosed'],
      ['ledger-anna@2026-04', 'PeriodOpened'],
      ['ledger-anna@2026-04', 'FundsDeposited'],
      ['ledger-anna@2026-04', 'AccountUnfrozen'],
    ]);
    expect(onEsdb).toEqual(onSqlite);
    await sqlite.close();
    await esdb.close();
  });
});
