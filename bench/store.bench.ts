import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
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
    return {
      method:
        `${events} usage-like events appended in batches of ${batchSize} (one append awaited at a time), ` +
        `${singles} single-event appends from ${concurrency} concurrent callers (group commit), ${serial} ` +
        `single-event appends one at a time (commit latency), then readAll of the whole log in pages of ` +
        `1 000 with JSON decoding; WAL, synchronous=FULL`,
      appendBatchedEventsPerSec,
      appendConcurrentSinglesEventsPerSec,
      serialAppendLatencyMs: Math.round(serialAppendMs * 1000) / 1000,
      readAndDecodeEventsPerSec,
      events: read,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
