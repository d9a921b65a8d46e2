import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../../src/platform/event-store/errors.js';

export interface StoreUnderTest {
  store: EventStore;
  dispose(): Promise<void>;
}

function event(type: string, data: Record<string, unknown> = {}, id = randomUUID()): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      commandId: `cmd-${id}`,
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: 'contract-test',
      recordedAt: '2026-01-31T21:00:00.000Z',
      effectiveAt: '2026-01-31T20:59:59.999Z',
    },
  };
}

async function collect(
  store: EventStore,
  prefix: string,
  count: number,
  afterPosition?: bigint,
): Promise<{ events: RecordedEvent[]; caughtUpCalls: number; stop(): Promise<void> }> {
  const events: RecordedEvent[] = [];
  let caughtUpCalls = 0;
  let stopFn: () => Promise<void> = async () => undefined;
  await new Promise<void>((resolve, reject) => {
    const subscription = store.subscribeToAll(
      { afterPosition, filter: { streamPrefixes: [prefix] } },
      {
        onEvent: (e) => {
          events.push(e);
          if (events.length === count) resolve();
        },
        onCaughtUp: () => {
          caughtUpCalls += 1;
        },
        onError: reject,
      },
    );
    stopFn = () => subscription.stop();
    if (count === 0) void subscription.caughtUp.then(resolve);
  });
  return { events, caughtUpCalls, stop: stopFn };
}

/**
 * The EventStore port's contract, run against every adapter. Streams get a fresh prefix per test so
 * the suite also runs against a live server that holds other data.
 */
export function describeEventStoreContract(name: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    let prefix: string;

    beforeEach(async () => {
      subject = await createStore();
      store = subject.store;
      prefix = `ct${randomUUID().replaceAll('-', '').slice(0, 12)}-`;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('numbers revisions from 0 and returns the next expected revision and a position', async () => {
      const stream = `${prefix}a`;
      const first = await store.append(stream, [event('Opened')], 'no_stream');
      expect(first.nextExpectedRevision).toBe(0);
      const second = await store.append(stream, [event('A'), event('B')], 0);
      expect(second.nextExpectedRevision).toBe(2);
      expect(second.position > first.position).toBe(true);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.type, e.revision])).toEqual([
        ['Opened', 0],
        ['A', 1],
        ['B', 2],
      ]);
      expect(await store.streamRevision(stream)).toBe(2);
      expect(await store.streamRevision(`${prefix}missing`)).toBeUndefined();
    });

    it('stores data and metadata exactly as given', async () => {
      const stream = `${prefix}meta`;
      const given = event('Charged', { amount: '0.000001', nested: { list: [1, 'x'] } });
      await store.append(stream, [given]);
      const [stored] = await store.readStream(stream);
      expect(stored!.id).toBe(given.id);
      expect(stored!.data).toEqual(given.data);
      expect(stored!.metadata).toEqual(given.metadata);
      expect(stored!.streamId).toBe(stream);
      expect(stored!.storedAt).toBeInstanceOf(Date);
    });

    it('rejects a wrong expected revision with the expected and actual revision, storing nothing', async () => {
      const stream = `${prefix}conflict`;
      await store.append(stream, [event('A'), event('B')]);
      const error = await store.append(stream, [event('C')], 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
      await expect(store.append(stream, [event('C')], 'no_stream')).rejects.toMatchObject({
        expected: 'no_stream',
        actual: 1,
      });
      await expect(store.append(`${prefix}none`, [event('C')], 'stream_exists')).rejects.toMatchObject({
        expected: 'stream_exists',
        actual: 'no_stream',
      });
      await expect(store.append(`${prefix}none`, [event('C')], 3)).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      expect((await store.readStream(stream)).length).toBe(2);
      await expect(store.readStream(`${prefix}none`)).rejects.toBeInstanceOf(StreamNotFoundError);
      expect((await store.append(stream, [event('C')], 'stream_exists')).nextExpectedRevision).toBe(2);
      expect((await store.append(stream, [event('D')], 'any')).nextExpectedRevision).toBe(3);
    });

    it('treats a retried append with the same event ids as a successful no-op', async () => {
      const stream = `${prefix}retry`;
      await store.append(stream, [event('Opened')], 'no_stream');
      const batch = [event('A'), event('B')];
      const original = await store.append(stream, batch, 0);
      const retried = await store.append(stream, batch, 0);
      expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
      expect(retried.position).toBe(original.position);
      await store.append(stream, batch, 'any');
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Opened', 'A', 'B']);
    });

    it('reads a stream forwards and backwards from a revision with a maximum count', async () => {
      const stream = `${prefix}read`;
      await store.append(
        stream,
        Array.from({ length: 10 }, (_, i) => event(`E${i}`)),
      );
      const forwards = await store.readStream(stream, { fromRevision: 3, maxCount: 4 });
      expect(forwards.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
      const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
      expect(backwards.map((e) => e.revision)).toEqual([9, 8, 7]);
      const backFrom = await store.readStream(stream, { direction: 'backwards', fromRevision: 2 });
      expect(backFrom.map((e) => e.revision)).toEqual([2, 1, 0]);
      expect(await store.readStream(stream, { fromRevision: 10 })).toEqual([]);
    });

    it('reads the global log in position order, from a position, filtered by prefix or type', async () => {
      await store.append(`${prefix}x-1`, [event('Opened'), event('Charged')]);
      await store.append(`${prefix}y-1`, [event('Opened')]);
      await store.append(`${prefix}x-2`, [event('Charged')]);
      const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(all.map((e) => `${e.streamId.slice(prefix.length)}:${e.type}`)).toEqual([
        'x-1:Opened',
        'x-1:Charged',
        'y-1:Opened',
        'x-2:Charged',
      ]);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);

      const xs = await store.readAll({ filter: { streamPrefixes: [`${prefix}x-`] } });
      expect(xs.map((e) => e.streamId.slice(prefix.length))).toEqual(['x-1', 'x-1', 'x-2']);
      const fromThird = await store.readAll({
        fromPosition: all[2]!.position,
        filter: { streamPrefixes: [prefix] },
      });
      expect(fromThird.map((e) => e.id)).toEqual([all[2]!.id, all[3]!.id]);
      const backwards = await store.readAll({
        direction: 'backwards',
        maxCount: 2,
        filter: { streamPrefixes: [prefix] },
      });
      expect(backwards.map((e) => e.id)).toEqual([all[3]!.id, all[2]!.id]);
      const opened = await store.readAll({ filter: { eventTypes: ['Opened'] } });
      expect(opened.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.streamId)).toEqual([
        `${prefix}x-1`,
        `${prefix}y-1`,
      ]);
      expect(opened.every((e) => e.type === 'Opened')).toBe(true);
      expect((await store.headPosition())! >= all[3]!.position).toBe(true);
    });

    it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
      const stream = `${prefix}race`;
      await store.append(stream, [event('Opened')]);
      const results = await Promise.allSettled([
        store.append(stream, [event('A')], 0),
        store.append(stream, [event('B')], 0),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream)).length).toBe(2);
    });

    it('subscribes from the start: delivers history, signals caught up, then delivers new events', async () => {
      await store.append(`${prefix}s-1`, [event('A'), event('B')]);
      const received: RecordedEvent[] = [];
      let caughtUpAt = -1;
      const subscription = store.subscribeToAll(
        { filter: { streamPrefixes: [prefix] } },
        {
          onEvent: (e) => {
            received.push(e);
          },
          onCaughtUp: () => {
            if (caughtUpAt < 0) caughtUpAt = received.length;
          },
        },
      );
      await subscription.caughtUp;
      expect(caughtUpAt).toBe(2);
      await store.append(`${prefix}s-2`, [event('C')]);
      await waitFor(() => received.length === 3);
      await subscription.stop();
      expect(received.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('resumes after a checkpoint, exclusive, without gaps while events are appended during catch-up', async () => {
      const first = await store.append(`${prefix}c-0`, [event('Before')]);
      const writers = Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.append(`${prefix}c-${i % 4}`, [event(`W${i}`), event(`W${i}b`)]),
        ),
      );
      const { events, stop } = await collect(store, prefix, 40, first.position);
      await writers;
      await stop();
      expect(events.some((e) => e.type === 'Before')).toBe(false);
      expect(new Set(events.map((e) => e.id)).size).toBe(40);
      const stored = await store.readAll({
        afterPosition: first.position,
        filter: { streamPrefixes: [prefix] },
      });
      expect(events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    });

    it('applies a subscription filter by event type', async () => {
      await store.append(`${prefix}t-1`, [event('Keep'), event('Drop'), event('Keep')]);
      const received: string[] = [];
      const subscription = store.subscribeToAll(
        { filter: { eventTypes: ['Keep'] } },
        {
          onEvent: (e) => {
            if (e.streamId.startsWith(prefix)) received.push(e.type);
          },
        },
      );
      await subscription.caughtUp;
      await subscription.stop();
      expect(received).toEqual(['Keep', 'Keep']);
    });
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
