// Stores written before the compact row formats keep working: their rows read back as before, new appends
// go in compact rows beside them, retries are recognised across both, and the hash chains verify. Compact
// data (issue 18): every event type reads back as its JSON round trip, SQL reads it through event_data.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import { jest } from '@jest/globals';
import { EventIdConflictError } from '../../src/platform/event-store/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents, verifyChain } from '../../src/platform/event-store/hash-chain.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { encodeId, encodeMetadata } from '../../src/platform/event-store/sqlite/compact-encoding.js';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { verifyAccount } from '../../src/audit/audit-trail/account-verification.js';
import { BALANCE_EVENT_TYPES, writeBalanceLog } from '../projections/support/balance-events.js';
import { buildEngine } from '../support/engine.js';

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

/** The table as the compact ids-and-metadata format created it (before compact data): no `body`. */
const COMPACT_V1_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  stored_at INTEGER NOT NULL,
  id        BLOB,
  meta      BLOB
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id) WHERE event_id <> '';
CREATE INDEX IF NOT EXISTS events_id ON events (id) WHERE id IS NOT NULL;
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

  it('looks for a UUID as text only where the file may hold one: first-format rows another connection writes later too', async () => {
    const store = SqliteEventStore.open({ path });
    const get = jest.spyOn(StatementSync.prototype, 'get');
    const textLookups = () =>
      get.mock.contexts.filter((statement) => (statement as StatementSync).sourceSQL.includes('event_id = ?'))
        .length;
    try {
      await store.append(STREAM, [usage(0), usage(1)]);
      await store.append(STREAM, [usage(2)]);
      // A compact-only file: a compact id is looked for once, by its 16 bytes (issue 18).
      expect(textLookups()).toBe(0);

      const other = 'ledger-boris@2026-03';
      const old = chainEvents(other, 0, GENESIS_HASH, [usage(10), usage(11)]);
      writeFirstFormat(path, other, old); // another connection, after this one opened the file
      expect(await store.append(other, old)).toEqual({ nextExpectedRevision: 1, position: 5n });
      expect((await store.readStream(other)).length).toBe(2);
      expect(textLookups()).toBeGreaterThan(0);
    } finally {
      get.mockRestore();
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

/** Writes `events` as the compact ids-and-metadata format did: 16-byte id, binary metadata, data as JSON. */
function writeCompactV1(path: string, streamId: string, events: NewEvent[]): void {
  const db = new DatabaseSync(path);
  db.exec(COMPACT_V1_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, stored_at, id, meta) ' +
      "VALUES (?, ?, '', ?, ?, '', ?, ?, ?)",
  );
  events.forEach((event, revision) =>
    insert.run(
      streamId,
      revision,
      event.type,
      JSON.stringify(event.data),
      Date.parse('2026-03-01T18:00:00.000Z'),
      encodeId(event.id),
      encodeMetadata(event.metadata ?? {})!,
    ),
  );
  db.close();
}

/** The events' data as the store's SQL sees it (event_data), and whether each row holds compact data. */
function dataBySql(path: string): Array<{ json: string; compact: number }> {
  const db = new DatabaseSync(path, { readOnly: true });
  defineEventSqlFunctions(db);
  const rows = db
    .prepare(
      'SELECT event_data(data, body) AS json, body IS NOT NULL AS compact FROM events ORDER BY position',
    )
    .all() as Array<{ json: string; compact: number }>;
  db.close();
  return rows.map(({ json, compact }) => ({ json, compact }));
}

describe('embedded store: compact data beside rows with JSON data', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-compact-data-'));
    path = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a store of the compact ids-and-metadata format, adds the body column, appends compact data beside', async () => {
    const old = chainEvents(STREAM, 0, GENESIS_HASH, [usage(0), usage(1)]);
    writeCompactV1(path, STREAM, old);
    const store = SqliteEventStore.open({ path });
    try {
      const before = await store.readStream(STREAM);
      expect(before.map(withoutStoreFields)).toEqual(old.map((event, r) => expected(event, STREAM, r)));
      const added = chainEvents(STREAM, 2, before[1]!.metadata.hash as string, [usage(2), usage(3)]);
      await store.append(STREAM, added, 1);
      expect(await store.append(STREAM, old)).toEqual({ nextExpectedRevision: 1, position: 2n });
      const all = await store.readStream(STREAM);
      expect(all.map(withoutStoreFields)).toEqual(
        [...old, ...added].map((event, r) => expected(event, STREAM, r)),
      );
      expect(verifyChain(all)).toBeUndefined();
    } finally {
      await store.close();
    }
    // The old rows keep their JSON text; the new ones hold compact data; SQL reads both alike.
    expect(dataBySql(path)).toEqual(
      [...old, usage(2), usage(3)].map((event, index) => ({
        json: JSON.stringify({ ...(event.data as object), usageRecordId: `u-${index}` }),
        compact: index < 2 ? 0 : 1,
      })),
    );
    const db = new DatabaseSync(path, { readOnly: true });
    const texts = db.prepare("SELECT data <> '' AS text FROM events ORDER BY position").all();
    db.close();
    expect(texts.map((row) => row.text)).toEqual([1, 1, 0, 0]);
  });

  it('gives back every event type of the fixtures as its JSON round trip, and SQL its JSON text', async () => {
    const store = SqliteEventStore.open({ path });
    const appended: NewEvent[] = [];
    const recording = Object.assign(Object.create(store) as SqliteEventStore, {
      append: (
        streamId: string,
        events: NewEvent[],
        revision?: Parameters<SqliteEventStore['append']>[2],
      ) => {
        appended.push(...events);
        return store.append(streamId, events, revision);
      },
    });
    try {
      const counts = await writeBalanceLog(recording, { accounts: 12, eventsPerAccount: 40 });
      for (const type of BALANCE_EVENT_TYPES) expect(counts[type]).toBeGreaterThan(0);
      const read = await store.readAll();
      expect(read.map((event) => [event.id, event.type, event.data, event.metadata])).toEqual(
        appended.map((event) => [
          event.id,
          event.type,
          JSON.parse(JSON.stringify(event.data)),
          JSON.parse(JSON.stringify(event.metadata)),
        ]),
      );
      // Same keys in the same order: what hashes and exports see.
      expect(read.map((event) => JSON.stringify(event.data))).toEqual(
        appended.map((event) => JSON.stringify(event.data)),
      );
    } finally {
      await store.close();
    }
    const rows = dataBySql(path);
    expect(rows.map((row) => row.json)).toEqual(appended.map((event) => JSON.stringify(event.data)));
    expect(rows.every((row) => row.compact === 1)).toBe(true);
  });

  it('keeps an engine history verifiable: every chain holds, the audit finds the account intact and an edit', async () => {
    const store = SqliteEventStore.open({ path });
    const engine = await buildEngine({ start: '2026-03-01T09:00:00.000Z', store });
    const at = (day: string) => engine.clock.set(day);
    await engine.open(
      {
        accountId: 'anna',
        payerType: 'individual',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'public-offer',
        paymentScheme: 'prepaid',
        edm: false,
        profileId: 'vk-individual-prepaid',
        at: engine.clock.now().toISOString(),
      },
      'open',
    );
    at('2026-03-10T09:00:00.000Z');
    const now = engine.clock.now().toISOString();
    await engine.send(
      'anna',
      { type: 'TopUp', paymentId: 'p1', amount: '100', channel: 'card', at: now },
      't1',
    );
    for (const [id, quantity] of [
      ['u1', '10.5'],
      ['u2', '3'],
    ] as const)
      await engine.send(
        'anna',
        {
          type: 'ConsumeResource',
          usageRecordId: id,
          sku: 'test.unit',
          quantity,
          windowStart: now,
          windowEnd: now,
        },
        `c-${id}`,
      );
    at('2026-04-02T09:00:00.000Z');
    const april = engine.clock.now().toISOString();
    await engine.send(
      'anna',
      { type: 'TopUp', paymentId: 'p2', amount: '50', channel: 'card', at: april },
      't2',
    );
    await engine.close();
    try {
      const events = await store.readAll();
      const types = new Set(events.map((event) => event.type));
      for (const type of [
        'AccountOpened',
        'PeriodOpened',
        'FundsDeposited',
        'ResourceConsumed',
        'PeriodClosed',
      ])
        expect(types).toContain(type);
      for (const streamId of new Set(events.map((event) => event.streamId)))
        expect(verifyChain(await store.readStream(streamId))).toBeUndefined();
      expect((await verifyAccount(store, 'anna')).intact).toBe(true);
    } finally {
      await store.close();
    }
    expect(dataBySql(path).every((row) => row.compact === 1)).toBe(true);

    const db = new DatabaseSync(path);
    defineEventSqlFunctions(db);
    db.exec(
      "UPDATE events SET data = json_set(event_data(data, body), '$.quantity', '1') " +
        "WHERE type = 'ResourceConsumed' AND json_extract(event_data(data, body), '$.usageRecordId') = 'u2'",
    );
    db.close();
    const reopened = SqliteEventStore.open({ path });
    try {
      const verification = await verifyAccount(reopened, 'anna');
      expect(verification.intact).toBe(false);
      expect(verification.streams.find((stream) => !stream.intact)?.firstBreak).toMatchObject({
        streamId: 'ledger-anna@2026-03',
        problem: 'edited',
      });
    } finally {
      await reopened.close();
    }
  });
});
