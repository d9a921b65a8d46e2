import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { EventBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Subject, type Subscription } from 'rxjs';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { SqliteReadModelDb } from '../runner/sqlite-read-model-db.js';
import { EventBusFeed } from './event-bus-feed.js';
import type { StoredEventPublished, StoredEventReactor } from './stored-event-published.js';

const work = (type = 'WorkRequested') => ({ id: randomUUID(), type, data: {} });

/** The part of the @nestjs/cqrs bus the feed uses: its subject, and publish onto it. */
function busWatched() {
  const subject$ = new Subject<StoredEventPublished>();
  const published: string[] = [];
  const bus = {
    subject$,
    publish(event: StoredEventPublished) {
      published.push(event.event.id);
      subject$.next(event);
    },
  } as unknown as EventBus;
  return { bus, subject$, published };
}

/**
 * The service's own reactions (event metrics, the alert reactor) are given each event by the feed directly;
 * the bus only when a handler or saga listens there (issue 18: the bus cost a few µs of rxjs per event).
 */
describe('EventBusFeed: its own reactors, and the bus when someone listens', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = SqliteEventStore.open({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  async function feedToHead(feed: EventBusFeed) {
    await feed.onApplicationBootstrap();
    await feed.waitFor((await store.headPosition())!);
  }

  it('gives every event to each reactor in log order, and waits for the work a reactor tracks', async () => {
    const events = [work(), work('Slow'), work()];
    await store.append('work-1', events);
    const log: string[] = [];
    const recording = (name: string): StoredEventReactor => ({
      handle(published: StoredEventPublished) {
        log.push(`${name} ${published.event.type}`);
        if (name === 'b' && published.event.type === 'Slow')
          void published.track(
            new Promise<void>((resolve) =>
              setTimeout(() => {
                log.push('b finished Slow');
                resolve();
              }, 20),
            ),
          );
      },
    });
    const { bus, published } = busWatched();
    const feed = new EventBusFeed(store, bus, new SqliteReadModelDb(':memory:'), undefined, [
      recording('a'),
      recording('b'),
    ]);
    await feedToHead(feed);

    expect(log).toEqual([
      'a WorkRequested',
      'b WorkRequested',
      'a Slow',
      'b Slow',
      'b finished Slow',
      'a WorkRequested',
      'b WorkRequested',
    ]);
    // Nobody subscribed to the bus: nothing was published on it.
    expect(published).toEqual([]);
    await feed.onApplicationShutdown();
  });

  it('publishes on the bus too while a handler or saga listens there', async () => {
    const before = [work(), work()];
    await store.append('work-1', before);
    const seen: string[] = [];
    const { bus, subject$, published } = busWatched();
    const listening: Subscription = subject$.subscribe((event) => seen.push(event.event.id));
    const feed = new EventBusFeed(store, bus, new SqliteReadModelDb(':memory:'), undefined, []);
    await feedToHead(feed);
    expect(seen).toEqual(before.map((e) => e.id));

    listening.unsubscribe();
    await store.append('work-1', [work()]);
    await feed.waitFor((await store.headPosition())!);
    expect(published).toEqual(before.map((e) => e.id));
    await feed.onApplicationShutdown();
  });

  it('a reactor that throws, or whose promise rejects, is logged and the feed goes on', async () => {
    const events = [work(), work(), work()];
    await store.append('work-1', events);
    const reached: string[] = [];
    const throwing: StoredEventReactor = {
      handle() {
        throw new Error('broken reactor');
      },
    };
    const rejecting: StoredEventReactor = {
      handle: () => Promise.reject(new Error('broken promise')),
    };
    const recording: StoredEventReactor = {
      handle: (published: StoredEventPublished) => void reached.push(published.event.id),
    };
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { bus } = busWatched();
    const feed = new EventBusFeed(store, bus, new SqliteReadModelDb(':memory:'), undefined, [
      throwing,
      rejecting,
      recording,
    ]);
    await feedToHead(feed);
    expect(reached).toEqual(events.map((e) => e.id));
    expect(feed.status).toMatchObject({ state: 'live' });
    // Once per event each (the throws at once, the rejections a turn later).
    expect(logged.mock.calls.map(([, stack]) => String(stack).split('\n')[0]).sort()).toEqual([
      ...events.map(() => 'Error: broken promise'),
      ...events.map(() => 'Error: broken reactor'),
    ]);
    logged.mockRestore();
    await feed.onApplicationShutdown();
  });
});
