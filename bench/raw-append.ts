// The raw-append baseline of the engine runs: the very events a run stored, appended again straight to a
// fresh durable store, one append per command as the engine made them, with the same concurrency.
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { now, perSecond, pool, secondsSince } from './support.js';

export interface AppendGroup {
  streamId: string;
  events: NewEvent[];
}

/** Every event after `after` in `store`, grouped as they were appended (one group per stream and command). */
export async function appendedSince(store: SqliteEventStore, after: bigint): Promise<AppendGroup[]> {
  const groups: AppendGroup[] = [];
  let last: { key: string; group: AppendGroup } | undefined;
  let position = after;
  for (;;) {
    const page = await store.readAll({ afterPosition: position, maxCount: 5000 });
    if (page.length === 0) break;
    for (const event of page) {
      const key = `${event.streamId}\n${String(event.metadata.commandId)}`;
      if (last?.key !== key) {
        last = { key, group: { streamId: event.streamId, events: [] } };
        groups.push(last.group);
      }
      last.group.events.push(asNew(event));
    }
    position = page.at(-1)!.position;
  }
  return groups;
}

const asNew = (event: RecordedEvent): NewEvent => ({
  id: event.id,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

export interface RawAppendResult {
  appends: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  appendsPerSec: number;
  appendsPerTransaction: number;
}

/** Appends `groups` to the store file `<dir>/<name>.sqlite` (new or copied), `concurrency` callers at a time. */
export async function rawAppend(
  dir: string,
  name: string,
  groups: AppendGroup[],
  concurrency: number,
): Promise<RawAppendResult> {
  const store = SqliteEventStore.open({ path: join(dir, `${name}.sqlite`) });
  try {
    const started = now();
    await pool(groups.length, concurrency, (i) => store.append(groups[i]!.streamId, groups[i]!.events));
    const seconds = secondsSince(started);
    const events = groups.reduce((sum, g) => sum + g.events.length, 0);
    return {
      appends: groups.length,
      events,
      seconds,
      eventsPerSec: perSecond(events, seconds),
      appendsPerSec: perSecond(groups.length, seconds),
      appendsPerTransaction: Math.round((store.stats.appends / store.stats.transactions) * 10) / 10,
    };
  } finally {
    await store.close();
  }
}
