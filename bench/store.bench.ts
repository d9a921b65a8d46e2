import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../src/platform/event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents } from '../src/platform/event-store/hash-chain.js';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { engineChargeData } from '../src/platform/event-store/sqlite/compact-data.fixtures.js';
import { scaled } from './support.js';

/** An event shaped like a rated usage charge, so later ratios compare like with like. */
export function usageLikeEvent(account: number, i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ResourceConsumed',
    data: {
      accountId: `acc-${account}`,
      usageRecordId: `u-${account}-${i}`,
      sku: 'compute.vcpu.hour',
      quantity: '1.5',
      amount: '2.345600',
      fromGrants: [],
      fromBalance: '2.345600',
      balanceAfter: '97.654400',
    },
    metadata: {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor: 'bench',
      recordedAt: '2026-11-23T00:00:00.000Z',
      effectiveAt: '2026-11-23T00:00:00.000Z',
    },
  };
}

/**
 * A usage charge as the engine stores it today (a real row of the month log: rating details, the
 * project, resource and labels), for the size of a stored usage event.
 */
export function engineUsageEvent(account: number, i: number): NewEvent {
  const id = `acc-${String(account).padStart(6, '0')}`;
  const commandId = `usage/2026-03/${id}/${i}`;
  return {
    id: randomUUID(),
    type: 'ResourceConsumed',
    data: engineChargeData(`${id}.u2026-03-${i}`),
    metadata: {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: 'service:billing-api',
      recordedAt: '2026-03-01T18:00:00.000Z',
      effectiveAt: '2026-03-01T01:59:59.999Z',
      schemaVersion: 1,
    },
  };
}

/**
 * Bytes the store file grows by per usage event, indexes included: `count` events appended in batches of
 * 100 to 1 000 ledger-like streams, chained (prevHash, hash) as the engine appends every event; the file
 * is measured after closing the store (the WAL checkpointed into it) and compared with the file holding one
 * event. Also the rates of those appends and of reading the file back (readAll in pages of 1 000, decoded).
 */
export async function bytesPerEvent(
  count: number,
  event: (account: number, i: number) => NewEvent,
): Promise<{ bytes: number; appendEventsPerSec: number; readAndDecodeEventsPerSec: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-size-'));
  const path = join(dir, 'events.sqlite');
  const size = () => statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
  try {
    let store = SqliteEventStore.open({ path });
    await store.append('warm-up', [event(0, 0)]);
    await store.close();
    const empty = size();
    store = SqliteEventStore.open({ path });
    const heads = new Map<string, { revision: number; hash: string }>();
    const batchSize = 100;
    let appending = 0n;
    for (let b = 0; b < count / batchSize; b++) {
      const streamId = `ledger-acc-${String(b % 1000).padStart(6, '0')}@2026-03`;
      const head = heads.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
      const batch = Array.from({ length: batchSize }, (_, i) => event(b % 1000, b * batchSize + i));
      const chained = chainEvents(streamId, head.revision + 1, head.hash, batch);
      heads.set(streamId, {
        revision: head.revision + batchSize,
        hash: chained.at(-1)!.metadata!.hash as string,
      });
      const started = process.hrtime.bigint();
      await store.append(streamId, chained);
      appending += process.hrtime.bigint() - started;
    }
    await store.close();
    const appended = Math.floor(count / batchSize) * batchSize;
    const bytes = Math.round((size() - empty) / appended);
    store = SqliteEventStore.open({ path });
    const started = process.hrtime.bigint();
    let read = 0;
    let after: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ afterPosition: after, maxCount: 1000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.position;
    }
    const readAndDecodeEventsPerSec = perSecond(read, started);
    await store.close();
    return {
      bytes,
      appendEventsPerSec: Math.round(appended / (Number(appending) / 1e9)),
      readAndDecodeEventsPerSec,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function perSecond(count: number, startedAt: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return Math.round(count / seconds);
}

export interface StoreBaseline {
  method: string;
  appendBatchedEventsPerSec: number;
  serialAppendLatencyMs: number;
  appendConcurrentSinglesEventsPerSec: number;
  readAndDecodeEventsPerSec: number;
  events: number;
  /** File growth per usage-like event (chained like every engine event), indexes included. */
  bytesPerUsageEvent: number;
  /** The same for a usage charge as the engine writes it (larger data: rating details, project, labels). */
  bytesPerEngineUsageEvent: number;
  /** Chained appends of such charges in batches of 100 (the sizing run), and reading them back decoded. */
  engineUsageAppendEventsPerSec: number;
  engineUsageReadAndDecodeEventsPerSec: number;
}

/** Raw embedded-store rates on this machine: the baseline every engine figure is divided by. */
export async function measureStoreBaseline(events = scaled(100_000, 1000)): Promise<StoreBaseline> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  try {
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    const batchSize = 100;
    let started = process.hrtime.bigint();
    for (let b = 0; b < events / batchSize; b++) {
      await store.append(
        `account-${b % 1000}`,
        Array.from({ length: batchSize }, (_, i) => usageLikeEvent(b % 1000, b * batchSize + i)),
      );
    }
    const appendBatchedEventsPerSec = perSecond(events, started);

    // Single-event appends from many concurrent callers: what command handlers do; group commit batches them.
    const singles = Math.floor(Math.min(events / 4, 50_000));
    const concurrency = 64;
    started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < singles) {
          const i = next++;
          await store.append(`single-${i % 1000}`, [usageLikeEvent(i % 1000, i)]);
        }
      }),
    );
    const appendConcurrentSinglesEventsPerSec = perSecond(singles, started);

    // One append at a time: each waits for its own commit (the fsync), so this is the commit latency.
    const serial = Math.floor(Math.min(events / 50, 2000));
    started = process.hrtime.bigint();
    for (let i = 0; i < serial; i++) await store.append(`serial-${i % 100}`, [usageLikeEvent(i % 100, i)]);
    const serialAppendMs = Number(process.hrtime.bigint() - started) / 1e6 / serial;

    started = process.hrtime.bigint();
    let read = 0;
    let after: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ afterPosition: after, maxCount: 1000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.position;
    }
    const readAndDecodeEventsPerSec = perSecond(read, started);
    await store.close();
    const sized = Math.min(events, 20_000);
    const bytesPerUsageEvent = (await bytesPerEvent(sized, usageLikeEvent)).bytes;
    const engine = await bytesPerEvent(sized, engineUsageEvent);
    return {
      method:
        `${events} usage-like events appended in batches of ${batchSize} (one append awaited at a time), ` +
        `${singles} single-event appends from ${concurrency} concurrent callers (group commit), ${serial} ` +
        `single-event appends one at a time (commit latency), then readAll of the whole log in pages of ` +
        `1 000 with JSON decoding; WAL, synchronous=FULL. Bytes per usage event: file growth (indexes ` +
        `included, WAL checkpointed) over ${sized} such events chained like the engine's, in appends of 100`,
      appendBatchedEventsPerSec,
      appendConcurrentSinglesEventsPerSec,
      serialAppendLatencyMs: Math.round(serialAppendMs * 1000) / 1000,
      readAndDecodeEventsPerSec,
      events: read,
      bytesPerUsageEvent,
      bytesPerEngineUsageEvent: engine.bytes,
      engineUsageAppendEventsPerSec: engine.appendEventsPerSec,
      engineUsageReadAndDecodeEventsPerSec: engine.readAndDecodeEventsPerSec,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
