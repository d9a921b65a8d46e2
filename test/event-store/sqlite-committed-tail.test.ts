import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import type { NewEvent, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { WrongExpectedRevisionError } from '../../src/platform/event-store/errors.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { waitFor } from './contract.js';

/**
 * Issue 18: the store remembers what its own connection committed — the rows, for its in-process
 * subscriptions, and each stream's revision, for the next append's expected-revision check — while SQLite's
 * data_version says no other connection has written. These tests hold it to what reading the file gives.
 */

// Both row formats the store writes: compact (UUID id, plain data and metadata) and JSON text (an id that
// is not a UUID, data with a class instance, metadata with a key the compact record does not carry).
class Amount {
  constructor(readonly value: string) {}
  toJSON() {
    return { amount: this.value };
  }
}
let sequence = 0;
function event(kind: 'compact' | 'text', type = 'Happened'): NewEvent {
  sequence += 1;
  return kind === 'compact'
    ? {
        id: randomUUID(),
        type,
        data: { n: sequence, amount: '10.50', labels: { env: 'prod' }, list: [1, 'two', null] },
        metadata: { commandId: `c-${sequence}`, actor: 'test', effectiveAt: '2026-03-01T00:00:00.000Z' },
      }
    : {
        id: `text-id-${sequence}`,
        type,
        data: { n: sequence, total: new Amount('1.25'), unicode: 'Счёт №1 — 😀' },
        metadata: { commandId: `c-${sequence}`, actor: 'test', ['__proto__']: 'x' } as never,
      };
}

function subscribeAll(
  store: SqliteEventStore,
  filter?: { streamPrefixes?: string[]; eventTypes?: string[] },
) {
  const received: RecordedEvent[] = [];
  const subscription = store.subscribeToAll({ filter }, { onEvent: (e) => void received.push(e) });
  return { received, subscription };
}

describe('SQLite store: what its own connection committed', () => {
  let dir: string;
  let path: string;
  const opened: SqliteEventStore[] = [];
  const open = (pollIntervalMs = 50) => {
    const store = SqliteEventStore.open({ path, pollIntervalMs });
    opened.push(store);
    return store;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-tail-'));
    path = join(dir, 'events.sqlite');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands its subscriptions the events as a read of the file gives them, without reading the file', async () => {
    const store = open(60_000); // no poll: only this process's appends wake a subscription
    await store.append('warm-up', [event('compact')]);
    const all = subscribeAll(store);
    const ledger = subscribeAll(store, { streamPrefixes: ['ledger-'], eventTypes: ['Charged'] });
    await Promise.all([all.subscription.caughtUp, ledger.subscription.caughtUp]);
    const fileReads = jest.spyOn(store, 'readAllRange');

    for (let i = 0; i < 20; i++) {
      await Promise.all([
        store.append(`ledger-${i % 3}`, [event('compact', 'Charged'), event('text', 'Charged')]),
        store.append(`account-${i % 4}`, [event(i % 2 === 0 ? 'text' : 'compact')]),
        store.append(`ledger-${i % 3}-x`, [event('compact', 'Other')]),
      ]);
    }
    await waitFor(() => all.received.length === 1 + 20 * 4 && ledger.received.length === 20 * 2);
    // Without the tail every wake-up reads the file (two reads per subscription per commit at least).
    expect(fileReads).not.toHaveBeenCalled();
    const inFile = await store.readAll();
    expect(all.received).toEqual(inFile); // the warm-up read from the file, the rest from the tail
    const charged = inFile.filter((e) => e.streamId.startsWith('ledger-') && e.type === 'Charged');
    expect(ledger.received).toEqual(charged);
  });

  it('delivers another connection’s appends in order, without a gap or a repeat', async () => {
    const store = open(30);
    const other = open(30);
    const { received, subscription } = subscribeAll(store);
    await subscription.caughtUp;
    for (let round = 0; round < 15; round++) {
      // Interleaved commits of the two connections: the tail must not skip the positions the other took.
      await store.append('mine', [event('compact'), event('compact')]);
      await other.append('theirs', [event(round % 2 === 0 ? 'text' : 'compact')]);
      if (round % 4 === 0) await store.append('mine', [event('text')]);
    }
    const inFile = await store.readAll();
    await waitFor(() => received.length >= inFile.length);
    expect(received.map((e) => e.position)).toEqual(inFile.map((e) => e.position));
    expect(received).toEqual(inFile);
  });

  it('sees a stream revision another connection wrote: the expected-revision check and streamRevision', async () => {
    const store = open();
    const other = open();
    await store.append('shared', [event('compact')], 'no_stream');
    expect(await store.streamRevision('shared')).toBe(0);
    expect(await store.streamRevision('absent')).toBeUndefined();

    await other.append('shared', [event('compact'), event('compact')], 0);
    await other.append('absent', [event('compact')], 'no_stream');
    expect(await store.streamRevision('shared')).toBe(2);
    expect(await store.streamRevision('absent')).toBe(0);
    // Remembered before the other wrote, the revision would let this append through at revision 1.
    await other.append('shared', [event('compact')], 2);
    await expect(store.append('shared', [event('compact')], 2)).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    await expect(store.append('shared', [event('compact')], 3)).resolves.toMatchObject({
      nextExpectedRevision: 4,
    });
  });

  it('asks data_version once a turn for a read, and always in the write transaction', async () => {
    const store = open();
    await store.append('pricing', [event('compact')], 'no_stream');
    const raw = new DatabaseSync(path); // another connection, synchronous: it commits inside one turn
    const versionChecks = jest.spyOn(store as unknown as { dataVersion(): number }, 'dataVersion');
    let sameTurnRead: Promise<number | undefined> | undefined;
    setImmediate(() => {
      void store.streamRevision('pricing'); // the turn's first read asks data_version
      raw
        .prepare(
          "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, stored_at) VALUES ('pricing', 1, ?, 'Happened', '{}', '{}', 0)",
        )
        .run(randomUUID());
      sameTurnRead = store.streamRevision('pricing'); // the same turn: the remembered revision answers
    });
    // Queued after it, the flush runs in that same turn: its check in the write transaction is not skipped,
    // so an append decided on the stale revision is refused.
    const [appended] = await Promise.allSettled([store.append('pricing', [event('compact')], 0)]);
    raw.close();
    expect(await sameTurnRead).toBe(0);
    expect(versionChecks).toHaveBeenCalledTimes(2); // the turn's first read, the flush's
    expect(appended).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
    // The next turn's read sees the other connection's commit.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.streamRevision('pricing')).toBe(1);
  });

  it('remembers a revision only for what committed: a refused append in the same transaction changes nothing', async () => {
    const store = open();
    await store.append('s', [event('compact')], 'no_stream');
    // One transaction (group commit): the first is refused, the second and third build on the stored state.
    const [refused, second, third] = await Promise.allSettled([
      store.append('s', [event('compact')], 5),
      store.append('s', [event('compact')], 0),
      store.append('s', [event('compact')], 1),
    ]);
    expect(refused.status).toBe('rejected');
    expect(second).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(third).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });
    expect(await store.streamRevision('s')).toBe(2);
    // A retry of stored events stores nothing and leaves the revision where it is.
    const retried = event('compact');
    await store.append('s', [retried], 2);
    await store.append('s', [retried], 2);
    expect(await store.streamRevision('s')).toBe(3);
    expect((await store.readStream('s')).length).toBe(4);
  });
});
