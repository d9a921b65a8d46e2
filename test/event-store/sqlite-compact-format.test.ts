// Stores written before the compact row format keep working: their rows read back as before, new appends
// go in compact rows beside them, retries are recognised across both, and the hash chains verify.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EventIdConflictError } from '../../src/platform/event-store/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents, verifyChain } from '../../src/platform/event-store/hash-chain.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';

/** The table as the first format created it, byte for byte. */
const FIRST_FORMAT_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  stored_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);
`;

const STREAM = 'ledger-anna@2026-03';

function usage(n: number, extra: Record<string, unknown> = {}): NewEvent {
  const commandId = `usage/2026-03/anna/${n}`;
  return {
    id: randomUUID(),
    type: 'ResourceConsumed',
    data: {
      usageRecordId: `u-${n}`,
      sku: 'compute.vcpu.hour',
      quantity: '1.5',
      amount: '2.345600',
      fromGrants: [],
    },
    metadata: {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: 'service:test',
      recordedAt: '2026-03-01T18:00:00.000Z',
      effectiveAt: '2026-03-01T01:59:59.999Z',
      schemaVersion: 1,
      ...extra,
    },
  };
}

/** What reading an event gives, whatever the row format: its JSON round trip plus the store's fields. */
const expected = (event: NewEvent, streamId: string, revision: number) => ({
  id: event.id,
  type: event.type,
  data: JSON.parse(JSON.stringify(event.data)) as unknown,
  metadata: JSON.parse(JSON.stringify(event.metadata)) as unknown,
  streamId,
  revision,
});

const withoutStoreFields = ({ position: _p, storedAt: _s, ...rest }: RecordedEvent) => rest;

/** Writes `events` as the first format's store did (text id, JSON metadata). */
function writeFirstFormat(path: string, streamId: string, events: NewEvent[]): void {
  const db = new DatabaseSync(path);
  db.exec(FIRST_FORMAT_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  events.forEach((event, revision) =>
    insert.run(
      streamId,
      revision,
      event.id,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata ?? {}),
      Date.parse('2026-03-01T18:00:00.000Z'),
    ),
  );
  db.close();
}

describe('embedded store: rows of the first format beside compact rows', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-compact-'));
    path = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a store of the first format, appends compact rows to it and reads both back identically', async () => {
    const old = chainEvents(STREAM, 0, GENESIS_HASH, [usage(0), usage(1, { tenant: 'acme' }), usage(2)]);
    writeFirstFormat(path, STREAM, old);

    const store = SqliteEventStore.open({ path });
    try {
      const before = await store.readStream(STREAM);
      expect(before.map(withoutStoreFields)).toEqual(old.map((event, r) => expected(event, STREAM, r)));
      expect(before[0]!.storedAt).toEqual(new Date('2026-03-01T18:00:00.000Z'));

      const added = chainEvents(STREAM, 3, before[2]!.metadata.hash as string, [usage(3), usage(4)]);
      expect(await store.append(STREAM, added, 2)).toEqual({ nextExpectedRevision: 4, position: 5n });

      const all = await store.readStream(STREAM);
      expect(all.map(withoutStoreFields)).toEqual(
        [...old, ...added].map((event, r) => expected(event, STREAM, r)),
      );
      expect(all.map((event) => event.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
      expect(verifyChain(all)).toBeUndefined();
      expect(
        (await store.readAll({ filter: { eventTypes: ['ResourceConsumed'] } })).map((e) => e.id),
      ).toEqual(all.map((e) => e.id));
    } finally {
      await store.close();
    }

    // The first three rows are untouched; the two new ones are compact.
    const db = new DatabaseSync(path);
    const rows = db
      .prepare(
        'SELECT event_id, metadata, length(id) AS id_bytes, meta IS NOT NULL AS compact FROM events ORDER BY position',
      )
      .all() as Array<{ event_id: string; metadata: string; id_bytes: number | null; compact: number }>;
    db.close();
    expect(rows.slice(0, 3)).toEqual(
      old.map((event) => ({
        event_id: event.id,
        metadata: JSON.stringify(event.metadata),
        id_bytes: null,
        compact: 0,
      })),
    );
    expect(rows.slice(3)).toEqual([
      { event_id: '', metadata: '', id_bytes: 16, compact: 1 },
      { event_id: '', metadata: '', id_bytes: 16, compact: 1 },
    ]);
  });

  it('recognises a retry of events stored in either format, and a partial one as a conflict', async () => {
    const old = chainEvents(STREAM, 0, GENESIS_HASH, [usage(0), usage(1)]);
    writeFirstFormat(path, STREAM, old);
    const store = SqliteEventStore.open({ path });
    try {
      const added = [usage(2)];
      const first = await store.append(STREAM, added);
      expect(await store.append(STREAM, old)).toEqual({ nextExpectedRevision: 1, position: 2n });
      expect(await store.append(STREAM, added)).toEqual(first);
      await expect(store.append(STREAM, [old[0]!, usage(9)])).rejects.toBeInstanceOf(EventIdConflictError);
      await expect(store.append(STREAM, [added[0]!, usage(9)])).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store.streamRevision(STREAM)).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('reads the same events from a compact store as from a first-format one', async () => {
    const events = chainEvents(STREAM, 0, GENESIS_HASH, [
      usage(0),
      usage(1, { nested: { a: [1, 'b'] } }),
      usage(2),
    ]);
    const oldPath = join(dir, 'old.sqlite');
    writeFirstFormat(oldPath, STREAM, events);
    const compact = SqliteEventStore.open({ path });
    const first = SqliteEventStore.open({ path: oldPath });
    try {
      await compact.append(STREAM, events);
      const fromCompact = await compact.readAll();
      const fromFirst = await first.readAll();
      expect(fromCompact.map(withoutStoreFields)).toEqual(fromFirst.map(withoutStoreFields));
      // Same keys in the same order: what the hash covers.
      expect(fromCompact.map((e) => JSON.stringify(e.metadata))).toEqual(
        fromFirst.map((e) => JSON.stringify(e.metadata)),
      );
    } finally {
      await compact.close();
      await first.close();
    }
  });

  it('keeps ids that are not UUIDs and metadata without a compact form as text', async () => {
    const store = SqliteEventStore.open({ path });
    const odd: NewEvent = {
      id: 'order-42',
      type: 'Odd',
      data: { n: 1 },
      metadata: JSON.parse('{"__proto__": {"x": 1}, "actor": "me"}') as NewEvent['metadata'],
    };
    try {
      await store.append('odd-1', [odd]);
      expect(await store.append('odd-1', [odd])).toEqual({ nextExpectedRevision: 0, position: 1n });
      const [read] = await store.readStream('odd-1');
      expect(read!.id).toBe('order-42');
      expect(JSON.stringify(read!.metadata)).toBe(JSON.stringify(odd.metadata));
      expect(Object.keys(read!.metadata)).toEqual(['__proto__', 'actor']);
    } finally {
      await store.close();
    }
  });

  it('reads metadata written as JSON text into a compact row from that text', async () => {
    const store = SqliteEventStore.open({ path });
    await store.append(STREAM, chainEvents(STREAM, 0, GENESIS_HASH, [usage(0)]));
    await store.close();
    const db = new DatabaseSync(path);
    db.prepare('UPDATE events SET metadata = ? WHERE position = 1').run(
      JSON.stringify({ actor: 'rewritten' }),
    );
    db.close();
    const reopened = SqliteEventStore.open({ path });
    try {
      expect((await reopened.readStream(STREAM))[0]!.metadata).toEqual({ actor: 'rewritten' });
    } finally {
      await reopened.close();
    }
  });

  it('upgrades a first-format file once, also when opened again or by two stores at once', async () => {
    writeFirstFormat(path, STREAM, [usage(0)]);
    const a = SqliteEventStore.open({ path });
    const b = SqliteEventStore.open({ path });
    await Promise.all([a.close(), b.close()]);
    const again = SqliteEventStore.open({ path });
    await again.close();
    const db = new DatabaseSync(path);
    const columns = (
      db.prepare('SELECT name FROM pragma_table_info(?)').all('events') as Array<{ name: string }>
    ).map((c) => c.name);
    db.close();
    expect(columns).toEqual([
      'position',
      'stream_id',
      'revision',
      'event_id',
      'type',
      'data',
      'metadata',
      'stored_at',
      'id',
      'meta',
      'body',
    ]);
  });
});
