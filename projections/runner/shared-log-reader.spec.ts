import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { SharedLogReader, type LogConsumer } from './shared-log-reader.js';
import { SqliteReadModelDb } from './sqlite-read-model-db.js';

const event = (type = 'Counted') => ({ id: randomUUID(), type, data: {} });

/** A consumer that records what it was given; `gate` lets a test hold its deliveries back. */
function recorder(filter?: LogConsumer['filter']) {
  const seen: bigint[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const consumer: LogConsumer & { seen: bigint[]; close(): void; release(): void; calls: number } = {
    filter,
    seen,
    calls: 0,
    async deliver(events: RecordedEvent[]) {
      consumer.calls++;
      await gate;
      for (const e of events) seen.push(e.position);
    },
    close() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
    },
  };
  return consumer;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('SharedLogReader', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shared-reader-'));
    store = SqliteEventStore.open({ path: join(dir, 'events.sqlite'), pollIntervalMs: 5 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fans each page out once, in log order, to every consumer at its position and filter', async () => {
    for (let i = 0; i < 25; i++) await store.append(`a-${i % 2}`, [event()]);
    for (let i = 0; i < 5; i++) await store.append(`b-${i}`, [event('Other')]);
    const reads = jest.spyOn(store, 'readAll');
    const reader = new SharedLogReader(store, 10);
    const release = reader.hold();
    const all = recorder();
    const onlyA = recorder({ streamPrefixes: ['a-'] });
    const fromTen = recorder();
    const subs = [
      reader.subscribe(undefined, all),
      reader.subscribe(undefined, onlyA),
      reader.subscribe(10n, fromTen),
    ];
    release();
    await Promise.all(subs.map((s) => s.caughtUp));
    const positions = (n: number, from = 1) => Array.from({ length: n }, (_, i) => BigInt(from + i));
    expect(all.seen).toEqual(positions(30));
    expect(onlyA.seen).toEqual(positions(25));
    expect(fromTen.seen).toEqual(positions(20, 11));
    // Nobody read on its own: they all joined the one subscription.
    expect(reads).not.toHaveBeenCalled();
    expect(subs.every((s) => s.joined)).toBe(true);

    await store.append('a-0', [event()]);
    await until(() => all.seen.length === 31 && onlyA.seen.length === 26 && fromTen.seen.length === 21);
    expect(all.seen.at(-1)).toBe(31n);
    for (const s of subs) await s.stop();
    expect(reader.consumers).toBe(0);
  });

  it('waits for the slowest consumer before taking the next page (backpressure)', async () => {
    for (let i = 0; i < 30; i++) await store.append(`a-${i}`, [event()]);
    const reader = new SharedLogReader(store, 10);
    const release = reader.hold();
    const fast = recorder();
    const slow = recorder();
    slow.close();
    const subs = [reader.subscribe(undefined, fast), reader.subscribe(undefined, slow)];
    release();
    await until(() => slow.calls === 1);
    // Give the reader every chance to run ahead: it must not.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(fast.seen).toHaveLength(10);
    expect(fast.calls).toBe(1);
    slow.release();
    await Promise.all(subs.map((s) => s.caughtUp));
    expect(fast.seen).toHaveLength(30);
    expect(slow.seen).toHaveLength(30);
    for (const s of subs) await s.stop();
  });

  it('lets a late joiner far behind catch up on its own reads, then join without a gap or a duplicate', async () => {
    for (let i = 0; i < 40; i++) await store.append(`a-${i % 3}`, [event()]);
    const reader = new SharedLogReader(store, 10);
    const early = recorder();
    const first = reader.subscribe(undefined, early);
    await first.caughtUp;
    const reads = jest.spyOn(store, 'readAll');
    const late = recorder({ streamPrefixes: ['a-1'] });
    const second = reader.subscribe(undefined, late);
    await second.caughtUp;
    expect(reads).toHaveBeenCalled();
    expect(second.joined).toBe(true);
    for (let i = 0; i < 15; i++) await store.append(`a-${i % 3}`, [event()]);
    await until(() => early.seen.length === 55);
    await until(() => late.seen.length === 18);
    const expected = Array.from({ length: 55 }, (_, i) => BigInt(i + 1)).filter((p) => {
      const i = Number(p) - 1;
      return (i < 40 ? i % 3 : (i - 40) % 3) === 1;
    });
    expect(late.seen).toEqual(expected);
    expect(early.seen).toEqual(Array.from({ length: 55 }, (_, i) => BigInt(i + 1)));
    await first.stop();
    await second.stop();
  });

  it('detaches a consumer whose delivery fails; the others keep their pages and checkpoints', async () => {
    const counter = (name: string, failOn?: string): Projection => ({
      name,
      version: 1,
      async setup(db, table) {
        await db.run(`CREATE TABLE IF NOT EXISTS ${table(`${name}_seen`)} (position TEXT PRIMARY KEY)`);
      },
      async apply(db, e, table) {
        if (e.type === failOn) throw new Error('refused');
        await db.run(`INSERT INTO ${table(`${name}_seen`)} (position) VALUES ($1)`, [e.position.toString()]);
      },
    });
    for (let i = 0; i < 20; i++) await store.append(`a-${i}`, [event()]);
    await store.append('a-poison', [event('Poison')]);
    for (let i = 0; i < 9; i++) await store.append(`a-${i}`, [event()]);
    const db = new SqliteReadModelDb(join(dir, 'read.sqlite'));
    const reader = new SharedLogReader(store, 10);
    const release = reader.hold();
    const good = new ProjectionRunner(store, db, counter('good'), { reader, batchSize: 7 });
    const bad = new ProjectionRunner(store, db, counter('bad', 'Poison'), { reader, batchSize: 7 });
    // A raw consumer that throws from deliver itself: detached with its error, nothing else disturbed.
    const errors: Error[] = [];
    const throwing = reader.subscribe(undefined, {
      deliver: () => Promise.reject(new Error('consumer broke')),
      onError: (error) => errors.push(error),
    });
    await good.start();
    await bad.start();
    release();
    await good.waitFor(30n);
    await until(() => bad.status.state === 'failed' && errors.length === 1);
    expect(errors[0]!.message).toBe('consumer broke');
    expect(throwing.joined).toBe(false);
    expect(good.status.position).toBe('30');
    expect(good.status.eventsApplied).toBe(30);
    expect(bad.status.position).toBe('20');
    expect(bad.status.lastError?.position).toBe('21');
    const count = async (table: string) =>
      (await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n;
    expect(await count('good_seen_v1')).toBe(30);
    expect(await count('bad_seen_v1')).toBe(20);
    // The reader goes on for the consumers left.
    await store.append('a-more', [event()]);
    await good.waitFor(31n);
    expect(await count('good_seen_v1')).toBe(31);
    await good.stop();
    await bad.stop();
    await throwing.stop();
    await db.close();
  });

  it('is one reader per store for the whole process', () => {
    expect(SharedLogReader.of(store)).toBe(SharedLogReader.of(store));
  });
});
