import { buildEngine, individualPrepaid } from '../../test/support/engine.js';
import { ledgerStreamParts } from '../platform/event-store/stream-names.js';
import { PeriodLedgers, type PeriodLedger } from './period-ledger.js';

/** What a period ledger answers: compared between a bounded memo and an unbounded one. */
const answer = (ledger: PeriodLedger) => ({
  position: ledger.position,
  revision: ledger.revision,
  balance: ledger.state.balance.toString(),
  consumption: ledger.state.consumption.toString(),
  usageRecords: ledger.state.usageRecords.size,
  spendByProject: [...ledger.spendByProject].map(([project, spend]) => [project, spend.toString()]),
});

describe('PeriodLedgers: the memo of period ledgers bounded by weight (issue 18, memory)', () => {
  it('never holds more than its event budget, and a ledger it dropped is folded again to the same answer', async () => {
    const engine = await buildEngine({ start: '2026-03-01T09:00:00.000Z' });
    const accounts = ['pl-a', 'pl-b', 'pl-c'];
    for (const accountId of accounts) await engine.open(individualPrepaid(accountId, engine.now()));
    engine.clock.set('2026-03-10T09:00:00.000Z');
    let n = 0;
    for (const accountId of accounts)
      await engine.send(accountId, {
        type: 'TopUp',
        paymentId: `p${++n}`,
        amount: '5000',
        channel: 'card',
        at: engine.now(),
      });
    // Interleaved charges: each ledger comes back after the others pushed it out.
    for (let round = 0; round < 4; round++)
      for (const accountId of accounts)
        await engine.send(accountId, {
          type: 'ConsumeResource',
          usageRecordId: `u${++n}`,
          sku: 'test.unit',
          quantity: String(round + 1),
          windowStart: engine.now(),
          windowEnd: engine.now(),
        });
    const ledgerEvents = (await engine.store.readAll({})).filter((e) => ledgerStreamParts(e.streamId));
    expect(ledgerEvents.length).toBeGreaterThan(15);

    const bound = { maxEvents: 12, maxLedgers: 10, eventsPerLedger: 2 };
    const bounded = new PeriodLedgers(engine.store, bound);
    const unbounded = new PeriodLedgers(engine.store, {
      maxEvents: Number.MAX_SAFE_INTEGER,
      maxLedgers: Number.MAX_SAFE_INTEGER,
      eventsPerLedger: 0,
    });
    const reads: string[] = [];
    const readStream = engine.store.readStream.bind(engine.store);
    engine.store.readStream = (streamId, options) => {
      reads.push(streamId);
      return readStream(streamId, options);
    };
    let fewest = Infinity;
    let boundedReads = 0;
    for (const event of ledgerEvents) {
      const readsBefore = reads.length;
      const got = await bounded.asOf(event);
      boundedReads += reads.length - readsBefore;
      expect(answer(got)).toEqual(answer(await unbounded.asOf(event)));
      const use = bounded.use();
      // Over the budget only with the one ledger just folded, heavier than the budget alone.
      if (use.ledgers > 1) expect(use.weight).toBeLessThanOrEqual(bound.maxEvents);
      expect(use.ledgers).toBeLessThanOrEqual(bound.maxLedgers);
      fewest = Math.min(fewest, use.ledgers);
    }
    // The bound did drop ledgers, and those were read from the log again.
    expect(fewest).toBeLessThan(accounts.length);
    expect(boundedReads).toBeGreaterThan(accounts.length);
    expect(unbounded.use().ledgers).toBe(accounts.length);
    await engine.close();
  });
});
