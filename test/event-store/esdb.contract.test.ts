import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { EventIdConflictError, EventStoreUnavailableError } from '../../src/platform/event-store/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store.js';
import { startEsdbDouble, type EsdbDouble } from '../esdb-double/esdb-double.js';
import { describeEventStoreContract, waitFor } from './contract.js';

// One double for the whole file, like one server holding every test's streams (each test uses its own prefix).
let double: EsdbDouble | undefined;
async function sharedDouble(): Promise<EsdbDouble> {
  double ??= await startEsdbDouble();
  return double;
}
afterAll(async () => {
  await double?.stop();
});

describeEventStoreContract('EventStoreDB adapter via gRPC double', async () => {
  const store = await EsdbEventStore.connect((await sharedDouble()).connectionString);
  return { store, dispose: () => store.close() };
});

describeEventStoreContract('EventStoreDB adapter via gRPC double, legacy Append RPC', async () => {
  // A server that does not advertise BatchAppend makes the client use the client-streaming Append.
  const legacy = await startEsdbDouble({ batchAppend: false });
  const store = await EsdbEventStore.connect(legacy.connectionString);
  return {
    store,
    dispose: async () => {
      await store.close();
      await legacy.stop();
    },
  };
});

const liveConnectionString = process.env.ESDB_CONNECTION_STRING;
if (liveConnectionString) {
  describeEventStoreContract(`EventStoreDB live server`, async () => {
    const store = await EsdbEventStore.connect(liveConnectionString);
    return { store, dispose: () => store.close() };
  });
}

function newEvent(type: string, id = randomUUID()): NewEvent {
  return { id, type, data: { type }, metadata: { actor: 'esdb-test' } };
}

describe('EsdbEventStore.connect', () => {
  it('fails within the timeout, naming the server without its password, when nothing listens', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await EsdbEventStore.connect(`esdb://admin:s3cret@127.0.0.1:${port}?tls=false`, {
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`esdb://admin:***@127.0.0.1:${port}?tls=false`);
    expect(message).toMatch(/unreachable/);
    expect(message).not.toContain('s3cret');
  });

  it('gives up after timeoutMs when the server accepts the connection but never answers', async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await EsdbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`, {
        timeoutMs: 500,
      }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port}.*unreachable: no answer within 500 ms`),
      );
    } finally {
      silent.close();
      for (const socket of accepted) socket.destroy();
    }
  });
});

describe('EsdbEventStore against the double: EventStoreDB specifics', () => {
  let store: EsdbEventStore;
  let server: EsdbDouble;
  let prefix: string;

  beforeEach(async () => {
    server = await sharedDouble();
    store = await EsdbEventStore.connect(server.connectionString);
    prefix = `esdb${randomUUID().replaceAll('-', '').slice(0, 12)}-`;
  });
  afterEach(() => store.close());

  it('keeps positions beyond Number.MAX_SAFE_INTEGER exact (the double starts its log there)', async () => {
    const { position } = await store.append(`${prefix}big`, [newEvent('A')]);
    expect(position > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const [read] = await store.readAll({ fromPosition: position, maxCount: 1 });
    expect(read!.position).toBe(position);
  });

  it('skips system events in readAll, headPosition and unfiltered subscriptions', async () => {
    const { position } = await store.append(`${prefix}user`, [newEvent('A')]);
    const systemPosition = await server.appendSystemEvent(`$$${prefix}user`, '$metadata');
    expect(systemPosition > position).toBe(true);
    expect(await store.headPosition()).toBe(position);
    const all = await store.readAll();
    expect(all.some((e) => e.streamId.startsWith('$') || e.type.startsWith('$'))).toBe(false);
    expect(all.at(-1)!.position).toBe(position);

    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({}, { onEvent: (e) => void received.push(e) });
    await subscription.caughtUp;
    await subscription.stop();
    expect(received.map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('reads $all from "position + 1n" as "after that event", and rejects other positions inside a record', async () => {
    const first = await store.append(`${prefix}p`, [newEvent('A')]);
    const second = await store.append(`${prefix}p`, [newEvent('B')]);
    const after = await store.readAll({
      fromPosition: first.position + 1n,
      filter: { streamPrefixes: [prefix] },
    });
    expect(after.map((e) => e.position)).toEqual([second.position]);
    await expect(store.readAll({ fromPosition: first.position + 2n })).rejects.toThrow(
      /positions are log offsets/,
    );
  });

  it('reads $all backwards from a position, including the event at it', async () => {
    await store.append(`${prefix}b`, [newEvent('A'), newEvent('B'), newEvent('C')]);
    const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
    const back = await store.readAll({
      direction: 'backwards',
      fromPosition: all[1]!.position,
      filter: { streamPrefixes: [prefix] },
    });
    expect(back.map((e) => e.type)).toEqual(['B', 'A']);
  });

  it('recognises a retry the server does not: same ids after other appends, with a stale revision', async () => {
    const stream = `${prefix}retry`;
    const batch = [newEvent('A'), newEvent('B')];
    const original = await store.append(stream, batch, 'no_stream');
    await store.append(stream, [newEvent('C')], 1);
    // The server compares the events right after revision 0 with the batch: B is there, A is not.
    const retried = await store.append(stream, batch, 0);
    expect(retried).toEqual(original);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('reports a batch that reuses some stored ids as an EventIdConflictError', async () => {
    const stream = `${prefix}reuse`;
    const a = newEvent('A');
    await store.append(stream, [a, newEvent('B')]);
    await expect(store.append(stream, [a, newEvent('X')], 'any')).rejects.toBeInstanceOf(
      EventIdConflictError,
    );
    // The server calls this a wrong expected version; the stored id makes it a conflict of ids, as in SQLite.
    await expect(store.append(stream, [newEvent('Y'), a], 0)).rejects.toBeInstanceOf(EventIdConflictError);
  });

  it('passes on caught-up only after every earlier event is handled, however slow the handler', async () => {
    const stream = `${prefix}slow`;
    // More than the 64 queued events at which the subscription pauses the client's stream, so the
    // caught-up signal arrives while some events still wait in the client's buffer.
    await store.append(
      stream,
      Array.from({ length: 75 }, (_, i) => newEvent(`E${i}`)),
    );
    const handled: string[] = [];
    let handledAtCaughtUp = -1;
    let inFlight = 0;
    let overlapped = false;
    const subscription = store.subscribeToAll(
      { filter: { streamPrefixes: [prefix] } },
      {
        onEvent: async (e) => {
          inFlight += 1;
          overlapped ||= inFlight > 1;
          await new Promise((resolve) => setTimeout(resolve, 1));
          handled.push(e.type);
          inFlight -= 1;
        },
        onCaughtUp: () => {
          if (handledAtCaughtUp < 0) handledAtCaughtUp = handled.length;
        },
      },
    );
    await subscription.caughtUp;
    expect(handledAtCaughtUp).toBe(75);
    await store.append(stream, [newEvent('Live')]);
    await waitFor(() => handled.length === 76);
    await subscription.stop();
    expect(overlapped).toBe(false);
    expect(handled[75]).toBe('Live');
  });

  it('stops a subscription whose handler throws and reports the error once', async () => {
    await store.append(`${prefix}boom`, [newEvent('A'), newEvent('B')]);
    const errors: Error[] = [];
    const handled: string[] = [];
    store.subscribeToAll(
      { filter: { streamPrefixes: [prefix] } },
      {
        onEvent: (e) => {
          handled.push(e.type);
          throw new Error('handler failed');
        },
        onError: (error) => errors.push(error),
      },
    );
    await waitFor(() => errors.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors.map((e) => e.message)).toEqual(['handler failed']);
    expect(handled).toEqual(['A']);
  });
});

describe('EsdbEventStore when the server goes away', () => {
  it('ends a subscription with onError(EventStoreUnavailableError) and fails calls the same way', async () => {
    const doomed = await startEsdbDouble();
    const store = await EsdbEventStore.connect(doomed.connectionString);
    await store.append(`gone-${randomUUID()}`, [newEvent('A')]);
    const errors: Error[] = [];
    const subscription = store.subscribeToAll(
      {},
      { onEvent: () => undefined, onError: (e) => errors.push(e) },
    );
    await subscription.caughtUp;
    await doomed.stop();
    await waitFor(() => errors.length > 0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readStream('anything')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await store.close();
  });
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
