import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { openCommand } from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { LEDGER_CACHE_EVENTS_PER_STREAM } from '../ledger-book.js';
import { ClosePeriod } from './close-period.command.js';

// A closed period's state leaves the ledger cache with the close (issue 18): month end must not keep the
// heaviest states of the month in memory. Answers stay the same: a repeated close reads it from the log.
describe('ClosePeriod and the ledger cache', () => {
  let engine: TestEngine;
  beforeEach(async () => {
    engine = await buildEngine({ start: '2026-03-02T09:00:00.000Z' });
    await engine.open(openCommand(individual('cc-anna')));
    await engine.send('cc-anna', {
      type: 'TopUp',
      paymentId: 'cc-p1',
      amount: '100',
      channel: 'card',
      at: engine.now(),
    });
    for (let i = 1; i <= 5; i++)
      await engine.send('cc-anna', {
        type: 'ConsumeResource',
        usageRecordId: `cc-u${i}`,
        sku: 'test.unit',
        quantity: '1',
        windowStart: engine.now(),
        windowEnd: engine.now(),
      });
  });
  afterEach(() => engine.close());

  it('keeps the open period and drops the closed one, whose events are then read again for a repeated close', async () => {
    // March in the cache: PeriodOpened, the top-up and five charges (and a state's fixed part).
    const march = (await engine.store.readStream('ledger-cc-anna@2026-03')).length;
    expect(engine.ledger.streams.cacheUse()).toEqual({
      streams: 1,
      weight: march + LEDGER_CACHE_EVENTS_PER_STREAM,
    });

    engine.clock.set('2026-04-01T00:05:00.000Z');
    const closed = await engine.commands.execute(new ClosePeriod('cc-anna', '2026-03'));
    expect(closed).toEqual({
      accountId: 'cc-anna',
      closedPeriod: '2026-03',
      openPeriod: '2026-04',
      carried: true,
    });
    // Only April's PeriodOpened is held.
    expect(engine.ledger.streams.cacheUse()).toEqual({
      streams: 1,
      weight: 1 + LEDGER_CACHE_EVENTS_PER_STREAM,
    });

    const head = await engine.store.headPosition();
    const again = await engine.commands.execute(new ClosePeriod('cc-anna', '2026-03'));
    expect(again).toEqual(closed);
    expect(await engine.store.headPosition()).toBe(head);
    const april = await engine.ledger.state('cc-anna', engine.now());
    expect(april.balance.toFixed()).toBe(
      (await engine.ledger.state('cc-anna', '2026-03-31T20:59:59.000Z')).balance.toFixed(),
    );
  });
});
