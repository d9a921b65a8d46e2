import { jest } from '@jest/globals';
import { buildEngine, individualPrepaid } from '../../../test/support/engine.js';
import { StoredEventPublished } from '../../../projections/workers/stored-event-published.js';
import { AlertBook } from '../alert-book.js';
import { AlertReactor } from './alert-reactor.js';

/**
 * Issue 18: on the feed, an account found asking for no alert is skipped without reading its alerts stream
 * until an event of that stream is fed — whichever instance stored it — or the feed starts a new run (which
 * may follow a gap). The reactor is fed here as the event-bus feed feeds it: every stored event in log order,
 * each one's reaction settled before the next.
 */
async function fedReactor(accountId: string) {
  const engine = await buildEngine({ start: '2026-03-01T09:00:00.000Z' });
  await engine.open(individualPrepaid(accountId, engine.now()));
  engine.clock.set('2026-03-10T09:00:00.000Z');
  const reactor = engine.context.get(AlertReactor);
  const reads = jest.spyOn(engine.context.get(AlertBook), 'current');
  let fed: bigint | undefined;
  /** Feeds every event stored since the last call as run `run` of the feed; returns the reads it cost. */
  const feed = async (run: number | undefined) => {
    const before = reads.mock.calls.length;
    for (const event of await engine.store.readAll(fed === undefined ? {} : { afterPosition: fed })) {
      const published = new StoredEventPublished(event, run);
      reactor.handle(published);
      await published.settled();
      fed = event.position;
    }
    return reads.mock.calls.length - before;
  };
  let n = 0;
  const consume = (quantity: string) =>
    engine.send(accountId, {
      type: 'ConsumeResource',
      usageRecordId: `u${++n}`,
      sku: 'test.unit',
      quantity,
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  await engine.send(accountId, {
    type: 'TopUp',
    paymentId: 'p',
    amount: '5000',
    channel: 'card',
    at: engine.now(),
  });
  const raised = async () =>
    (await engine.store.readAll())
      .filter((e) => e.streamId === `alerts-${accountId}` && e.type === 'AlertRaised')
      .map((e) => (e.data as { value: string }).value);
  return { engine, feed, consume, raised };
}

describe('the alert reactor on the feed: accounts asking for no alert', () => {
  it('reads the alerts stream once per run, then not until a budget set by another instance is fed', async () => {
    const { engine, feed, consume, raised } = await fedReactor('rq-anna');
    // Run 1: the first ledger event reads (nothing asked), the rest of the run reads nothing more.
    expect(await feed(1)).toBe(1);
    await consume('30');
    await consume('30');
    expect(await feed(1)).toBe(0);
    // Another instance (its own book over the same log) sets a budget: fed, it ends the skipping.
    const elsewhere = new AlertBook(engine.store, engine.clock);
    await elsewhere.decide(
      'rq-anna',
      {
        type: 'SetBudget',
        accountId: 'rq-anna',
        budgetId: 'b',
        scope: 'account',
        amount: '100',
        currency: 'RUB',
        at: engine.now(),
      },
      { commandId: 'elsewhere', actor: 'test' },
      engine.now(),
    );
    await consume('1');
    expect(await feed(1)).toBe(1);
    // The whole period counts (61 of 100): the alert is raised as without the skipping.
    expect(await raised()).toEqual(['61']);
    await consume('1');
    expect(await feed(1)).toBe(1);
    await engine.context.close();
  });

  it('a new run of the feed forgets what the last one found; events not from the feed always read', async () => {
    const { engine, feed, consume } = await fedReactor('rq-boris');
    expect(await feed(1)).toBe(1);
    await consume('5');
    expect(await feed(1)).toBe(0);
    // Run 2 may follow a gap (another instance fed meanwhile): it reads again, once.
    await consume('5');
    await consume('5');
    expect(await feed(2)).toBe(1);
    await consume('5');
    await consume('5');
    expect(await feed(undefined)).toBe(2);
    await engine.context.close();
  });
});
