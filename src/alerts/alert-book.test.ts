import { buildEngine } from '../../test/support/engine.js';
import { AlertBook } from './alert-book.js';

describe('the alert book', () => {
  it('`current` sees what another instance appended (the reactor never misses a budget)', async () => {
    const engine = await buildEngine({ start: '2026-03-10T09:00:00.000Z' });
    const here = engine.context.get(AlertBook);
    expect((await here.current('ab-anna')).budgets.size).toBe(0);
    // Another instance: its own book (and cache) over the same log.
    const there = new AlertBook(engine.store, engine.clock);
    await there.decide(
      'ab-anna',
      {
        type: 'SetBudget',
        accountId: 'ab-anna',
        budgetId: 'b',
        scope: 'account',
        amount: '10',
        currency: 'RUB',
        at: engine.now(),
      },
      { commandId: 'elsewhere', actor: 'test' },
      engine.now(),
    );
    expect([...(await here.current('ab-anna')).budgets.keys()]).toEqual(['b']);
    await engine.context.close();
  });
});
