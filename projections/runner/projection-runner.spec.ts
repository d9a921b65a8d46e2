import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { SqliteReadModelDb } from './sqlite-read-model-db.js';

/** Counts events per stream; refuses events of type 'Poison'. */
const counter: Projection = {
  name: 'counter',
  version: 1,
  filter: { streamPrefixes: ['c-'] },
  async setup(db, table) {
    await db.run(
      `CREATE TABLE IF NOT EXISTS ${table('counts')} (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
    );
  },
  async apply(db, event, table) {
    if (event.type === 'Poison') throw new Error('cannot count poison');
    await db.run(
      `INSERT INTO ${table('counts')} (stream, n) VALUES ($1, 1) ON CONFLICT (stream) DO UPDATE SET n = ${table('counts')}.n + 1`,
      [event.streamId],
    );
  },
};

/** The same counts, a batch at a time (one statement per stream); its batch sizes are recorded. */
const batchCounter = (batches: number[]): Projection => ({
  ...counter,
  name: 'batch-counter',
  async applyBatch(db, events, table) {
    batches.push(events.length);
    if (events.some((e) => e.type === 'Poison')) throw new Error('cannot count poison');
    const perStream = new Map<string, number>();
    for (const e of events) perStream.set(e.streamId, (perStream.get(e.streamId) ?? 0) + 1);
    for (const [stream, n] of perStream) {
      await db.run(
        `INSERT INTO ${table('counts')} (stream, n) VALUES ($1, $2) ON CONFLICT (stream) DO UPDATE SET n = ${table('counts')}.n + $2`,
        [stream, n],
      );
    }
  },
});

const event = (type = 'Counted') => ({ id: randomUUID(), type, data: {} });

describe('ProjectionRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'projection-'));
    store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies each event exactly once across a restart, resuming from the stored checkpoint', async () => {
    const db = new SqliteReadModelDb(join(dir, 'read.sqlite'));
    for (let i = 0; i < 30; i++) await store.append(`c-${i % 3}`, [event(), event()]);
    await store.append('other-1', [event()]);
    const first = new ProjectionRunner(store, db, counter, 7);
    await first.start();
    const head = (await store.headPosition())!;
    await first.waitFor(head);
    await first.stop();
    for (let i = 0; i < 9; i++) await store.append(`c-${i % 3}`, [event()]);
    const second = new ProjectionRunner(store, db, counter, 7);
    await second.start();
    await second.waitFor((await store.headPosition())!);
    // 60 events before the restart, 9 after: the count belongs to the build, across restarts.
    expect(second.status.eventsApplied).toBe(69);
    expect(await db.all('SELECT stream, n FROM counts_v1 ORDER BY stream')).toEqual([
      { stream: 'c-0', n: 23 },
      { stream: 'c-1', n: 23 },
      { stream: 'c-2', n: 23 },
    ]);
    await second.stop();
    await db.close();
  });

  it('stops at a poison event, names it, applies nothing after it and never skips it', async () => {
    const db = new SqliteReadModelDb(':memory:');
    await store.append('c-1', [event(), event()]);
    const poison = event('Poison');
    const { position } = await store.append('c-1', [poison]);
    await store.append('c-1', [event()]);
    const runner = new ProjectionRunner(store, db, counter, 100);
    await runner.start();
    await expect(runner.waitFor((await store.headPosition())!)).rejects.toThrow(/cannot apply Poison/);
    expect(runner.status).toMatchObject({
      state: 'failed',
      position: (position - 1n).toString(),
      lastError: { eventId: poison.id, eventType: 'Poison', position: position.toString(), streamId: 'c-1' },
    });
    expect(await db.get('SELECT n FROM counts_v1 WHERE stream = $1', ['c-1'])).toEqual({ n: 2 });
    await runner.stop();
  });

  it.each([1, 7, 100])(
    'hands a projection with applyBatch each batch of %i events whole, with the same result as event by event',
    async (batchSize) => {
      for (let i = 0; i < 30; i++) await store.append(`c-${i % 3}`, [event(), event()]);
      const head = (await store.headPosition())!;
      const batches: number[] = [];
      const batched = new SqliteReadModelDb(':memory:');
      const runner = new ProjectionRunner(store, batched, batchCounter(batches), batchSize);
      await runner.prepare();
      await runner.applyUntil(head);
      const oneByOne = new SqliteReadModelDb(':memory:');
      const reference = new ProjectionRunner(store, oneByOne, counter, batchSize);
      await reference.prepare();
      await reference.applyUntil(head);
      expect(batches).toEqual(
        Array.from({ length: Math.ceil(60 / batchSize) }, (_, i) => Math.min(batchSize, 60 - i * batchSize)),
      );
      expect(runner.status).toMatchObject({ position: head.toString(), eventsApplied: 60 });
      expect(await batched.all('SELECT stream, n FROM counts_v1 ORDER BY stream')).toEqual(
        await oneByOne.all('SELECT stream, n FROM counts_v1 ORDER BY stream'),
      );
      await batched.close();
      await oneByOne.close();
    },
  );

  it('when applyBatch throws, rolls the batch back, commits the events before the poison one and stops at it', async () => {
    const db = new SqliteReadModelDb(':memory:');
    await store.append('c-1', [event(), event()]);
    await store.append('c-2', [event()]);
    const poison = event('Poison');
    const { position } = await store.append('c-1', [poison]);
    await store.append('c-1', [event()]);
    const batches: number[] = [];
    const runner = new ProjectionRunner(store, db, batchCounter(batches), 100);
    await runner.start();
    await expect(runner.waitFor((await store.headPosition())!)).rejects.toThrow(/cannot apply Poison/);
    // The whole batch once (refused), then its events one by one through apply.
    expect(batches).toEqual([5]);
    expect(runner.status).toMatchObject({
      state: 'failed',
      position: (position - 1n).toString(),
      eventsApplied: 3,
      lastError: { eventId: poison.id, eventType: 'Poison', position: position.toString(), streamId: 'c-1' },
    });
    expect(await db.all('SELECT stream, n FROM counts_v1 ORDER BY stream')).toEqual([
      { stream: 'c-1', n: 2 },
      { stream: 'c-2', n: 1 },
    ]);
    await runner.stop();
    await db.close();
  });
  it('a read model whose filter has matched nothing yet keeps a checkpoint over the events it skipped', async () => {
    const db = new SqliteReadModelDb(join(dir, 'read.sqlite'));
    for (let i = 0; i < 60; i++)
      await store.append(
        `other-${i}`,
        Array.from({ length: 20 }, () => event()),
      );
    const head = (await store.headPosition())!;
    const runner = new ProjectionRunner(store, db, counter, 100);
    await runner.start();
    await runner.waitFor(head);
    // While it runs: moved on once caught up (the skipped events span more than a batch's worth).
    for (let i = 0; i < 200 && runner.status.position === null; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(BigInt(runner.status.position ?? -1) >= head - 100n).toBe(true);
    await runner.stop();
    // Stopped: at the head, so a restart reads nothing of what it skipped.
    const restarted = new ProjectionRunner(store, db, counter, 100);
    await restarted.prepare();
    expect(restarted.status).toMatchObject({ position: head.toString(), eventsApplied: 0 });
    await db.close();
  });

  it('skipped events after the last one applied move the checkpoint with its batch; a restart applies each event once', async () => {
    const db = new SqliteReadModelDb(join(dir, 'read.sqlite'));
    await store.append('c-1', [event(), event(), event()]);
    for (let i = 0; i < 30; i++) await store.append(`other-${i}`, [event(), event()]);
    const head = (await store.headPosition())!;
    const first = new ProjectionRunner(store, db, counter, 1000);
    await first.start();
    await first.waitFor(head);
    await first.stop();
    expect(first.status).toMatchObject({ position: head.toString(), eventsApplied: 3 });
    await store.append('c-1', [event()]);
    const second = new ProjectionRunner(store, db, counter, 1000);
    await second.start();
    await second.waitFor((await store.headPosition())!);
    await second.stop();
    expect(second.status).toMatchObject({ position: (head + 1n).toString(), eventsApplied: 4 });
    expect(await db.all('SELECT stream, n FROM counts_v1')).toEqual([{ stream: 'c-1', n: 4 }]);
    await db.close();
  });
});
