import { VirtualClock } from '../clock/clock.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore } from '../event-store/event-store.port.js';
import { GENESIS_HASH } from '../event-store/hash-chain.js';
import { AggregateStreams, type DecisionResult } from './aggregate-streams.js';
import { withoutLightRead } from '../../../test/support/store-views.js';

/** A counter stream: each command adds its amount; the state is the list of amounts applied. */
interface Added {
  type: 'Added';
  data: { amount: number };
}
const NOW = '2026-03-10T09:00:00.000Z';
const add =
  (amount: number) =>
  (_state: number[]): DecisionResult<Added> => ({ ok: true, events: [{ type: 'Added', data: { amount } }] });
const evolve = (state: number[], event: Added) => [...state, event.data.amount];

function setUp(bound: ConstructorParameters<typeof AggregateStreams<number[], Added>>[4]) {
  const store = SqliteEventStore.open({ path: ':memory:' });
  const reads: string[] = [];
  // A load reads through readStreamForLoad (the embedded store's lighter read): counted as a read too.
  const readStream = store.readStream.bind(store);
  store.readStream = (streamId, options) => {
    reads.push(streamId);
    return readStream(streamId, options);
  };
  const readStreamForLoad = store.readStreamForLoad.bind(store);
  store.readStreamForLoad = (streamId) => {
    reads.push(streamId);
    return readStreamForLoad(streamId);
  };
  const streams = new AggregateStreams<number[], Added>(
    store,
    new VirtualClock(NOW),
    () => [],
    evolve,
    bound,
  );
  let commands = 0;
  const decide = (streamId: string, amount: number, commandId = `cmd-${++commands}`) =>
    streams.decide(streamId, add(amount), { commandId, actor: 'test' }, NOW);
  return { store, streams, reads, decide };
}

describe('AggregateStreams: the cache bounded by weight (events held)', () => {
  it('keeps the most recently used states within the event budget, dropping the least recent first', async () => {
    const { store, streams, reads, decide } = setUp({ maxEvents: 10 });
    for (let i = 0; i < 4; i++) await decide('s-a', 1); // 4 events
    for (let i = 0; i < 4; i++) await decide('s-b', 1); // 8
    expect(streams.cacheUse()).toEqual({ streams: 2, weight: 8 });
    for (let i = 0; i < 3; i++) await decide('s-c', 1); // 11 > 10: s-a (least recent) goes
    expect(streams.cacheUse()).toEqual({ streams: 2, weight: 7 });
    reads.length = 0;
    await decide('s-b', 1); // cached: no read
    expect(reads).toEqual([]);
    await decide('s-a', 1); // dropped: read again, and still right
    expect(reads).toEqual(['s-a']);
    expect((await streams.load('s-a')).state).toEqual([1, 1, 1, 1, 1]);
    expect(streams.cacheUse().weight).toBeLessThanOrEqual(10);
    await store.close();
  });

  it('a load or an inspection makes a stream the most recently used: the next eviction drops another', async () => {
    const { store, streams, reads, decide } = setUp({ maxEvents: 10 });
    for (let i = 0; i < 3; i++) await decide('s-a', 1);
    for (let i = 0; i < 3; i++) await decide('s-b', 1);
    for (let i = 0; i < 3; i++) await decide('s-c', 1); // 9 events: s-a is the least recent
    await streams.load('s-a');
    await streams.inspect('s-b', (state) => state.length);
    reads.length = 0;
    for (let i = 0; i < 2; i++) await decide('s-d', 1); // 11 > 10: s-c (least recent now) goes
    await decide('s-a', 1);
    await decide('s-b', 1);
    expect(reads).toEqual(['s-d']);
    await decide('s-c', 1);
    expect(reads).toEqual(['s-d', 's-c']);
    await store.close();
  });

  it('counts a stream by its events, not as one entry: one long stream can push out many short ones', async () => {
    const { store, streams, decide } = setUp({ maxEvents: 20 });
    for (let i = 0; i < 10; i++) await decide(`short-${i}`, 1);
    expect(streams.cacheUse()).toEqual({ streams: 10, weight: 10 });
    for (let i = 0; i < 15; i++) await decide('long', 1);
    expect(streams.cacheUse()).toEqual({ streams: 6, weight: 20 });
    await store.close();
  });

  it('with a stream bound too, many light states stay within it whatever the event budget', async () => {
    const { store, streams, reads, decide } = setUp({ maxEvents: 1_000, maxStreams: 3 });
    for (let i = 0; i < 5; i++) await decide(`light-${i}`, 1);
    expect(streams.cacheUse()).toEqual({ streams: 3, weight: 3 });
    reads.length = 0;
    await decide('light-4', 1); // among the three most recent: cached
    expect(reads).toEqual([]);
    await decide('light-0', 1); // dropped: read again, still right
    expect(reads).toEqual(['light-0']);
    expect((await streams.load('light-0')).state).toEqual([1, 1]);
    await store.close();
  });

  it('keeps a stream heavier than the whole budget (alone) while it is used', async () => {
    const { store, streams, reads, decide } = setUp({ maxEvents: 3 });
    for (let i = 0; i < 5; i++) await decide('big', 1);
    expect(streams.cacheUse()).toEqual({ streams: 1, weight: 5 });
    reads.length = 0;
    await decide('big', 1);
    expect(reads).toEqual([]);
    await store.close();
  });

  it('a retry of a command whose state was dropped from the cache stores nothing and answers duplicate', async () => {
    const { store, streams, decide } = setUp({ maxEvents: 2 });
    const first = await decide('s-a', 5, 'cmd-old');
    expect(first.status).toBe('accepted');
    for (let i = 0; i < 3; i++) await decide('s-b', 1); // s-a pushed out
    expect(streams.cacheUse().streams).toBe(1);
    const retry = await decide('s-a', 5, 'cmd-old');
    expect(retry).toMatchObject({ status: 'duplicate', revision: 0 });
    expect((await store.readStream('s-a')).length).toBe(1);
    await store.close();
  });

  it("counts each state's fixed part too (eventsPerStream): light states fill the budget by memory, not by events", async () => {
    const { store, streams, reads, decide } = setUp({ maxEvents: 20, eventsPerStream: 4 });
    for (let i = 0; i < 5; i++) await decide(`light-${i}`, 1); // 1 event + 4 each: 25 > 20
    expect(streams.cacheUse()).toEqual({ streams: 4, weight: 20 });
    reads.length = 0;
    await decide('light-0', 2); // the least recent went: read again, still right
    expect(reads).toEqual(['light-0']);
    expect((await streams.load('light-0')).state).toEqual([1, 2]);
    await store.close();
  });

  it('never holds more than its budget under random use, and every dropped state reloads identical to the log', async () => {
    const bound = { maxEvents: 30, eventsPerStream: 3 };
    const { store, streams, decide } = setUp(bound);
    const expected = new Map<string, number[]>();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const streamId = `s-${random(12)}`;
      const amount = random(100);
      await decide(streamId, amount);
      expected.set(streamId, [...(expected.get(streamId) ?? []), amount]);
      const use = streams.cacheUse();
      // Over the budget only with the one stream just used, heavier than the budget alone.
      if (use.streams > 1) expect(use.weight).toBeLessThanOrEqual(bound.maxEvents);
    }
    for (const [streamId, amounts] of expected) {
      expect((await streams.load(streamId)).state).toEqual(amounts);
      expect((await store.readStream(streamId)).map((e) => (e.data as { amount: number }).amount)).toEqual(
        amounts,
      );
    }
    await store.close();
  });

  it('a number bounds the entries, as before', async () => {
    const { store, streams, decide } = setUp(2);
    for (const stream of ['s-a', 's-b', 's-c']) await decide(stream, 1);
    await decide('s-c', 1);
    expect(streams.cacheUse()).toEqual({ streams: 2, weight: 2 });
    await store.close();
  });

  it('decisions on one stream still run one at a time, in order, when sent together', async () => {
    const { store, streams, decide } = setUp({ maxEvents: 100 });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => decide('s-a', n)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('accepted'));
    expect(outcomes.map((o) => o.revision)).toEqual([0, 1, 2, 3, 4]);
    expect((await streams.load('s-a')).state).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });

  it('a decision on a cached stream decides and asks the store to append at once, awaiting nothing before', async () => {
    const { store, streams, decide } = setUp({ maxEvents: 100 });
    await decide('s-a', 1);
    const decided: number[][] = [];
    const appended: string[] = [];
    const append = store.append.bind(store);
    store.append = (streamId, events, expected) => {
      appended.push(streamId);
      return append(streamId, events, expected);
    };
    const outcome = streams.decide(
      's-a',
      (state) => {
        decided.push([...state]);
        return add(2)(state);
      },
      { commandId: 'cmd-sync', actor: 'test' },
      NOW,
    );
    // Before any promise settles: the cached state was decided on and its events handed to the store.
    expect(decided).toEqual([[1]]);
    expect(appended).toEqual(['s-a']);
    expect((await outcome).revision).toBe(1);
    // A stream not cached is read first (asynchronously), then decided on as before.
    streams.forget('s-a');
    const reloaded = streams.decide('s-a', add(3), { commandId: 'cmd-cold', actor: 'test' }, NOW);
    expect(appended).toEqual(['s-a']);
    expect((await reloaded).revision).toBe(2);
    expect((await streams.load('s-a')).state).toEqual([1, 2, 3]);
    await store.close();
  });
});

describe('AggregateStreams: evolving the cached state in place (evolveOwned)', () => {
  /** A mutable counter state: evolveOwned adds to an owned list in place, copies one it does not own. */
  function setUpOwned() {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const copies: number[][] = [];
    const evolveOwned = (state: number[], event: Added, owned: WeakSet<object>) => {
      if (owned.has(state)) {
        state.push(event.data.amount);
        return state;
      }
      const next = [...state, event.data.amount];
      copies.push(next);
      owned.add(next);
      return next;
    };
    const streams = new AggregateStreams<number[], Added>(
      store,
      new VirtualClock(NOW),
      () => [],
      evolve,
      { maxEvents: 100 },
      undefined,
      undefined,
      evolveOwned,
    );
    let commands = 0;
    const decide = (amount: number) =>
      streams.decide('s', add(amount), { commandId: `cmd-${++commands}`, actor: 'test' }, NOW);
    return { store, streams, copies, decide };
  }

  it('changes in place what only the cache holds: one copy for a run of decisions', async () => {
    const { store, streams, copies, decide } = setUpOwned();
    for (let amount = 1; amount <= 5; amount++) await decide(amount);
    // The state loaded from the (empty) stream is copied once; the next four change that copy in place.
    expect(copies).toHaveLength(1);
    // Looking at the state without taking it (inspect) hands nothing out: still changed in place after.
    expect(await streams.inspect('s', (state) => state.length)).toBe(5);
    await decide(6);
    expect(copies).toHaveLength(1);
    expect((await streams.load('s')).state).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });

  it('never changes a state it handed out (load): the next decision copies, and later ones change the copy', async () => {
    const { store, streams, copies, decide } = setUpOwned();
    await decide(1);
    await decide(2);
    const held = (await streams.load('s')).state;
    await decide(3);
    await decide(4);
    expect(held).toEqual([1, 2]);
    expect(copies).toHaveLength(2);
    const heldAgain = (await streams.load('s')).state;
    expect(heldAgain).toEqual([1, 2, 3, 4]);
    await decide(5);
    expect(heldAgain).toEqual([1, 2, 3, 4]);
    expect(held).toEqual([1, 2]);
    // The log agrees with the cache.
    streams.forget('s');
    expect((await streams.load('s')).state).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });

  it('inspectExisting hands nothing out either: decisions after it change the cached state in place', async () => {
    const { store, streams, copies, decide } = setUpOwned();
    await decide(1);
    expect(await streams.inspectExisting('s', (state) => state.length)).toBe(1);
    await decide(2);
    expect(copies).toHaveLength(1);
    expect(await streams.inspectExisting('s', (state) => [...state])).toEqual([1, 2]);
    await store.close();
  });

  it('a state handed out while a decision awaits its append is not changed by that decision either', async () => {
    const { store, streams, decide } = setUpOwned();
    await decide(1);
    await decide(2);
    // The decision has read the state and is appending when a reader takes the state.
    const pending = decide(3);
    const held = (await streams.load('s')).state;
    await pending;
    expect(held).toEqual([1, 2]);
    expect((await streams.load('s')).state).toEqual([1, 2, 3]);
    await store.close();
  });
});

describe('AggregateStreams: inspecting a stream only if it exists (inspectExisting)', () => {
  it('answers undefined for a stream never written, without reading or caching it; a written one is read once', async () => {
    const { store, streams, reads, decide } = setUp(10);
    expect(await streams.inspectExisting('s-none', (state) => state.length)).toBeUndefined();
    expect(reads).toEqual([]);
    expect(streams.cacheUse().streams).toBe(0);
    await decide('s-a', 1);
    await decide('s-a', 2);
    streams.forget('s-a');
    reads.length = 0;
    expect(await streams.inspectExisting('s-a', (state) => [...state])).toEqual([1, 2]);
    expect(await streams.inspectExisting('s-a', (state) => state.length)).toBe(2);
    expect(reads).toEqual(['s-a']);
    await store.close();
  });
});

describe("AggregateStreams: loading with the store's lighter read", () => {
  const streamsOn = (store: EventStore) =>
    new AggregateStreams<number[], Added>(store, new VirtualClock(NOW), () => [], evolve, 100);

  it('loads the state, revision, last hash and command ids readStream gives, and a retry stores nothing twice', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const writer = streamsOn(store);
    for (let i = 1; i <= 5; i++)
      await writer.decide('s-a', add(i), { commandId: `cmd-${i}`, actor: 'test' }, NOW);
    // A metadata the compact record cannot hold stays JSON: that row's command id is read from the text.
    // (an own `__proto__` key, as JSON.parse makes it: compact-encoding.spec, "leaves metadata … to JSON rows").
    const jsonOnly = JSON.parse('{"commandId":"cmd-6","__proto__":1}') as EventMetadata;
    await store.append('s-a', [{ id: randomUUID(), type: 'Added', data: { amount: 6 }, metadata: jsonOnly }]);

    const light = await streamsOn(store).load('s-a');
    const full = await streamsOn(withoutLightRead(store)).load('s-a');
    expect(light).toEqual(full);
    expect(light.state).toEqual([1, 2, 3, 4, 5, 6]);
    expect(light.revision).toBe(5);
    expect([...light.commandIds]).toEqual(['cmd-1', 'cmd-2', 'cmd-3', 'cmd-4', 'cmd-5', 'cmd-6']);
    expect(full.lastHash).toBe((await store.readStream('s-a')).at(-1)!.metadata.hash ?? GENESIS_HASH);

    // A cold process retrying an applied command (its id read by the light load) stores nothing.
    const retried = await streamsOn(store).decide('s-a', add(3), { commandId: 'cmd-3', actor: 'test' }, NOW);
    expect(retried.status).toBe('duplicate');
    // A new command after a cold light load chains on the last hash: the store accepts it at revision 6.
    const next = await streamsOn(store).decide('s-a', add(7), { commandId: 'cmd-7', actor: 'test' }, NOW);
    expect(next).toMatchObject({ status: 'accepted', revision: 6 });
    const events = await store.readStream('s-a');
    expect(events).toHaveLength(7);
    expect(events[6]!.metadata.prevHash).toBe(full.lastHash);
  });

  it('gives an absent stream as readStream does: no state, no revision, the genesis hash', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    expect(await store.readStreamForLoad('nothing')).toBeUndefined();
    expect(await streamsOn(store).load('nothing')).toEqual(
      await streamsOn(withoutLightRead(store)).load('nothing'),
    );
    expect((await streamsOn(store).load('nothing')).revision).toBeUndefined();
  });
});

describe('AggregateStreams: a last decision on a stream not in memory (decideUncached)', () => {
  /** A fold that keeps only every amount above 1 — another state than the regular one, to tell them apart. */
  const partial = (events: Added[]) => events.map((e) => e.data.amount).filter((amount) => amount > 1);

  it('folds a stream not in memory with the given fold, decides on it, and leaves it out of the cache', async () => {
    const { store, reads, decide } = setUp(100);
    for (const amount of [1, 2, 3]) await decide('s-a', amount);
    // A fresh process on the same log: nothing in memory.
    const streams = new AggregateStreams<number[], Added>(
      store,
      new VirtualClock(NOW),
      () => [],
      evolve,
      100,
    );
    reads.length = 0;
    let seen: number[] | undefined;
    const closed = await streams.decideUncached(
      's-a',
      partial,
      (state) => ((seen = state), add(4)(state)),
      { commandId: 'last', actor: 'test' },
      NOW,
    );
    expect(seen).toEqual([2, 3]);
    expect(closed.outcome).toMatchObject({ status: 'accepted', revision: 3 });
    // The state after the decision is the partial one with its event applied.
    expect(closed.state).toEqual([2, 3, 4]);
    expect(streams.cacheUse().streams).toBe(0);
    // The next load reads the stream again and folds it the regular way.
    expect((await streams.load('s-a')).state).toEqual([1, 2, 3, 4]);
    expect(reads.filter((id) => id === 's-a')).toHaveLength(2);
  });

  it('decides on the cached state when there is one (and hands it out), and a retry is a duplicate', async () => {
    const { streams, reads, decide } = setUp(100);
    await decide('s-b', 1);
    await decide('s-b', 2);
    const closed = await streams.decideUncached(
      's-b',
      partial,
      add(5),
      { commandId: 'last', actor: 'test' },
      NOW,
    );
    expect(closed.state).toEqual([1, 2, 5]);
    expect(reads).toEqual(['s-b']);
    // Handed out: a later decision does not change it in place.
    await decide('s-b', 6);
    expect(closed.state).toEqual([1, 2, 5]);
    streams.forget('s-b');
    const again = await streams.decideUncached(
      's-b',
      partial,
      add(5),
      { commandId: 'last', actor: 'test' },
      NOW,
    );
    expect(again.outcome.status).toBe('duplicate');
    expect(again.state).toEqual([2, 5, 6]);
    expect(streams.cacheUse().streams).toBe(0);
  });
});
