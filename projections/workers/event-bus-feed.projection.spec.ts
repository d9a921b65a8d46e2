import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { SqliteReadModelDb } from '../runner/sqlite-read-model-db.js';
import { eventBusFeedProjection } from './event-bus-feed.projection.js';
import type { StoredEventPublished } from './stored-event-published.js';

const work = (type = 'WorkRequested') => ({ id: randomUUID(), type, data: {} });

/**
 * The feed's projection under a runner of its own, with a publish that records what it is given: most events
 * get no reaction (as on the command path), `Slow` ones a reaction that finishes a few turns later,
 * `Poison` ones a reaction that fails, and publishing a `Broken` one throws.
 */
function feedWith(store: SqliteEventStore) {
  const log: string[] = [];
  const delivered: string[] = [];
  const publish = (published: StoredEventPublished) => {
    const { event } = published;
    delivered.push(event.id);
    log.push(`published ${event.type}`);
    if (event.type === 'Slow')
      void published.track(
        (async () => {
          for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
          log.push(`reacted ${event.type}`);
        })(),
      );
    if (event.type === 'Broken') throw new Error('cannot publish Broken');
    if (event.type === 'Poison')
      void published.track(Promise.reject(new Error('cannot react to Poison'))).catch(() => undefined);
  };
  const db = new SqliteReadModelDb(':memory:');
  const runner = new ProjectionRunner(store, db, eventBusFeedProjection(publish), { reader: false });
  return { runner, db, log, delivered };
}

describe('the event-bus feed projection', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = SqliteEventStore.open({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('publishes every event once, in log order, and the next only once a tracked reaction finished', async () => {
    const events = [work(), work('Slow'), work(), work('Slow'), work()];
    await store.append('work-1', events.slice(0, 2));
    await store.append('work-2', events.slice(2));
    const { runner, db, log, delivered } = feedWith(store);
    await runner.start();
    await runner.waitFor((await store.headPosition())!);

    expect(delivered).toEqual(events.map((e) => e.id));
    expect(log).toEqual([
      'published WorkRequested',
      'published Slow',
      'reacted Slow',
      'published WorkRequested',
      'published Slow',
      'reacted Slow',
      'published WorkRequested',
    ]);
    expect(runner.status).toMatchObject({ position: (await store.headPosition())!.toString() });
    await runner.stop();
    await db.close();
  });

  it('stops at a failing reaction, delivered once, with the checkpoint just before it and nothing after it published', async () => {
    const before = [work(), work('Slow'), work()];
    const poison = work('Poison');
    await store.append('work-1', before);
    const { position } = await store.append('work-1', [poison]);
    await store.append('work-1', [work()]);
    const { runner, db, delivered } = feedWith(store);
    await runner.start();
    await expect(runner.waitFor((await store.headPosition())!)).rejects.toThrow(/cannot react to Poison/);

    // The runner applied the batch again one event at a time to find the failing one: nobody saw it twice.
    expect(delivered).toEqual([...before, poison].map((e) => e.id));
    expect(runner.status).toMatchObject({
      state: 'failed',
      position: (position - 1n).toString(),
      lastError: { eventId: poison.id, eventType: 'Poison', position: position.toString() },
    });
    await runner.stop();
    await db.close();
  });

  it('stops at an event whose publishing throws, tried once, as at a failing reaction', async () => {
    const before = [work(), work()];
    const broken = work('Broken');
    await store.append('work-1', before);
    const { position } = await store.append('work-1', [broken]);
    await store.append('work-1', [work()]);
    const { runner, db, delivered } = feedWith(store);
    await runner.start();
    await expect(runner.waitFor((await store.headPosition())!)).rejects.toThrow(/cannot publish Broken/);

    expect(delivered).toEqual([...before, broken].map((e) => e.id));
    expect(runner.status).toMatchObject({
      state: 'failed',
      position: (position - 1n).toString(),
      lastError: { eventId: broken.id, eventType: 'Broken' },
    });
    await runner.stop();
    await db.close();
  });
});
