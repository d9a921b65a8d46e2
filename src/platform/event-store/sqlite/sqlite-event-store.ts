import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { setImmediate } from 'node:timers';
import { dirname } from 'node:path';
import type {
  AllFilter,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamForLoad,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandlers,
} from '../event-store.port.js';
import { EventIdConflictError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';
import {
  decodeData,
  decodeId,
  decodeMetadata,
  decodeMetadataValue,
  encodeData,
  encodeId,
  encodeMetadata,
  isCompactId,
} from './compact-encoding.js';
import { CommittedTail } from './committed-tail.js';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** How often subscriptions look for events appended by other processes. */
  pollIntervalMs?: number;
}

/**
 * A row as read: an array in this column order (`SELECT ${EVENT_COLUMNS}`). node:sqlite builds row objects
 * in dictionary mode, whose property reads cost more than decoding the row; arrays are read by index.
 */
type EventRow = [
  position: number,
  streamId: string,
  revision: number,
  /** The id as text in rows of the first format (and for an id that is not a UUID); '' otherwise. */
  eventId: string,
  type: string,
  /** The data as JSON text in rows before compact data (and when it has no compact form); '' otherwise. */
  data: string,
  /** The metadata as JSON in rows of the first format (or when it has no compact form); '' otherwise. */
  metadata: string,
  storedAt: number,
  /** The id as 16 bytes (compact rows), else null. */
  id: Uint8Array | null,
  /** The metadata as a compact record (compact-encoding.ts), else null. */
  meta: Uint8Array | null,
  /** The data as a compact record naming its dictionary (compact-encoding.ts, encodeData), else null. */
  body: Uint8Array | null,
];

/** A row as readStreamForLoad reads it: only what an aggregate's state, retries and next append need. */
type LoadRow = [
  type: string,
  data: string,
  metadata: string,
  body: Uint8Array | null,
  meta: Uint8Array | null,
  revision: number,
];

const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, data, metadata, stored_at, id, meta, body';

/** A committed row as the tail keeps it: the row as written, with what subscriptions' filters read. */
interface TailEntry {
  position: number;
  streamId: string;
  type: string;
  row: EventRow;
}

/** Streams whose revision this connection remembers (≈ 100 B each); past it, it starts again. */
const REMEMBERED_REVISIONS = 16_384;

interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Rows come in two formats, told apart per row: the first (ids and metadata as text, `id`/`meta` null) and
 * the compact one (`event_id`/`metadata` empty, the id in 16 bytes and the metadata as a compact record,
 * see compact-encoding.ts). New appends write compact rows; a store created before keeps its rows and gets
 * the two columns added on open. A row whose `metadata` text is set is read from it, whatever `meta` holds.
 * Since compact data (issue 18) the data of a new row is in `body` and `data` is ''; likewise a row whose
 * `data` text is set is read from it, whatever `body` holds.
 */
const SCHEMA = `
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
  meta      BLOB,
  body      BLOB
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id) WHERE event_id <> '';
CREATE INDEX IF NOT EXISTS events_id ON events (id) WHERE id IS NOT NULL;
`;

/** Columns the compact formats added to the first one's table (ids and metadata, then data). */
const COMPACT_COLUMNS = ['id', 'meta', 'body'];

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * is in the fsynced WAL and survives a process crash or power loss. Positions are the table's rowid:
 * assigned inside the single-writer transaction, they are gapless and commit-ordered, and a batch
 * is one transaction, so a crash never leaves part of it. Appends that arrive while the writer is busy
 * are grouped into one transaction (group commit): one fsync for many callers.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly appendListeners = new Set<() => void>();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private closed = false;
  readonly pollIntervalMs: number;
  /** Transactions committed and append calls they carried (group commit puts many appends in one). */
  readonly stats = { transactions: 0, appends: 0 };

  private readonly selectRevision: StatementSync;
  private readonly selectByEventId: StatementSync;
  private readonly selectByTextEventId: StatementSync;
  private readonly selectTextUuid: StatementSync;
  /** See textUuidsStored; checked again whenever another connection has written. */
  private mayHoldTextUuids = false;
  private readonly insertEvent: StatementSync;
  private readonly selectHead: StatementSync;
  private readonly selectDataVersion: StatementSync;
  private readonly statements = new Map<string, StatementSync>();
  /**
   * SQLite's data_version as last seen: it changes when another connection (another process, say) commits
   * to the file, never for this connection's own commits. While it stays, what this connection remembers
   * of the file — stream revisions, the committed tail — is the file's state.
   */
  private seenDataVersion: number;
  /** Whether data_version was read in this turn of the event loop (see noticeOtherWritersThisTurn). */
  private otherWritersNoticedThisTurn = false;
  /** Current revision per stream (null: no stream), as this connection last wrote or read it. */
  private readonly revisions = new Map<string, number | null>();
  /** The rows this connection committed last, for its in-process subscriptions (committed-tail.ts). */
  private readonly tail = new CommittedTail<TailEntry>();

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    return new SqliteEventStore(options);
  }

  private constructor(options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new DatabaseSync(options.path, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    this.createOrUpgradeSchema();
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.selectRevision = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream_id = ?');
    this.selectByEventId = this.db.prepare(
      'SELECT revision, position FROM events WHERE id = ? AND stream_id = ?',
    );
    // `event_id <> ''` lets SQLite use the partial index of text ids.
    this.selectByTextEventId = this.db.prepare(
      "SELECT revision, position FROM events WHERE event_id = ? AND event_id <> '' AND stream_id = ?",
    );
    this.selectTextUuid = this.db.prepare(
      "SELECT 1 AS found FROM events WHERE event_id <> '' AND length(event_id) = 36 LIMIT 1",
    );
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, stored_at, id, meta, body) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectHead = this.db.prepare('SELECT max(position) AS position FROM events');
    this.selectDataVersion = this.db.prepare('PRAGMA data_version');
    this.seenDataVersion = this.dataVersion();
    this.mayHoldTextUuids = this.textUuidsStored();
  }

  private dataVersion(): number {
    return (this.selectDataVersion.get() as { data_version: number }).data_version;
  }

  /**
   * noticeOtherWriters as a read outside a transaction asks it: at most once per turn of the event loop.
   * data_version outside a transaction costs ≈ 5 µs (an implicit read transaction), and the pricing check asks
   * for a revision before every usage decision (issue 18); a read cannot see another connection's commit
   * sooner than the turn it ran in anyway, and the flush's check in the write transaction is not skipped.
   */
  private noticeOtherWritersThisTurn(): void {
    if (this.otherWritersNoticedThisTurn) return;
    this.noticeOtherWriters();
  }

  /** Forgets what this connection remembers of the file when another connection has committed since. */
  private noticeOtherWriters(): void {
    if (!this.otherWritersNoticedThisTurn) {
      this.otherWritersNoticedThisTurn = true;
      // node:timers' own, so that a test's fake timers cannot keep the flag set.
      setImmediate(() => (this.otherWritersNoticedThisTurn = false));
    }
    const version = this.dataVersion();
    if (version === this.seenDataVersion) return;
    this.seenDataVersion = version;
    this.revisions.clear();
    this.tail.clear();
    this.mayHoldTextUuids = this.textUuidsStored();
  }

  private rememberRevision(streamId: string, revision: number | undefined): void {
    if (this.revisions.size >= REMEMBERED_REVISIONS && !this.revisions.has(streamId)) this.revisions.clear();
    this.revisions.set(streamId, revision ?? null);
  }

  /**
   * Creates the table, or adds the compact format's columns to a store of the first format. In one write
   * transaction, so processes opening the same file at once do it once.
   */
  private createOrUpgradeSchema(): void {
    // The compact format's index is created last, with its columns: once it exists, opening writes nothing
    // (readers in other processes do not queue behind the writer for the lock).
    const complete = this.db
      .prepare(
        "SELECT 1 AS found FROM sqlite_schema WHERE type = 'index' AND name = 'events_id' " +
          "AND EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = 'body')",
      )
      .get();
    if (complete) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('events') as Array<{
        name: string;
      }>;
      const present = new Set(columns.map((column) => column.name));
      if (present.size > 0)
        for (const column of COMPACT_COLUMNS)
          if (!present.has(column)) this.db.exec(`ALTER TABLE events ADD COLUMN ${column} BLOB`);
      this.db.exec(SCHEMA);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes every queued append in one transaction; each append succeeds or fails on its own. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    // What the transaction wrote, remembered once it commits: each stream's new revision, and the rows.
    const written = new Map<string, number>();
    const committed: TailEntry[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      // Holding the write lock: nobody else commits until this transaction ends.
      this.noticeOtherWriters();
      const storedAt = Date.now();
      for (const request of batch) {
        this.db.exec('SAVEPOINT append_request');
        try {
          const rows: TailEntry[] = [];
          const result = this.appendInTransaction(request, storedAt, written, rows);
          this.db.exec('RELEASE append_request');
          outcomes.push({ ok: true, result });
          if (rows.length > 0) {
            written.set(request.streamId, result.nextExpectedRevision);
            for (const row of rows) committed.push(row);
          }
        } catch (error) {
          this.db.exec('ROLLBACK TO append_request; RELEASE append_request');
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
      this.stats.transactions += 1;
      this.stats.appends += batch.length;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const request of batch) request.reject(error);
      return;
    }
    for (const [streamId, revision] of written) this.rememberRevision(streamId, revision);
    this.tail.add(committed);
    batch.forEach((request, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) request.resolve(outcome.result);
      else request.reject(outcome.error);
    });
    for (const listener of this.appendListeners) listener();
  }

  /**
   * One append inside the flush's transaction. `written`: the revisions earlier appends of this transaction
   * left; `rows`: receives the rows this append wrote (none for a retry already stored).
   */
  private appendInTransaction(
    { streamId, events, expected }: PendingAppend,
    storedAt: number,
    written: ReadonlyMap<string, number>,
    rows: TailEntry[],
  ): AppendResult {
    const duplicate = this.findStoredRetry(streamId, events);
    if (duplicate) return duplicate;

    const current = written.get(streamId) ?? this.currentRevision(streamId);
    checkExpected(streamId, expected, current);
    let revision = current ?? -1;
    let position = 0n;
    for (const event of events) {
      revision += 1;
      const compactId = isCompactId(event.id);
      const meta = encodeMetadata(event.metadata ?? {});
      const body = encodeData(event.data);
      const row: EventRow = [
        0,
        streamId,
        revision,
        compactId ? '' : event.id,
        event.type,
        body ? '' : JSON.stringify(event.data),
        meta ? '' : JSON.stringify(event.metadata ?? {}),
        storedAt,
        compactId ? encodeId(event.id) : null,
        meta ?? null,
        body ?? null,
      ];
      const info = this.insertEvent.run(
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
      );
      row[0] = Number(info.lastInsertRowid);
      position = BigInt(info.lastInsertRowid);
      rows.push({ position: row[0], streamId, type: event.type, row });
    }
    return { nextExpectedRevision: revision, position };
  }

  /** A retry stores nothing: when every event id is already in the stream, report the original append. */
  private findStoredRetry(streamId: string, events: NewEvent[]): AppendResult | undefined {
    let stored = 0;
    let last: { revision: number; position: number } | undefined;
    for (const event of events) {
      const row = this.storedEvent(streamId, event.id);
      if (row) {
        stored += 1;
        last = row;
      }
    }
    if (stored === 0) return undefined;
    if (stored !== events.length) {
      const known = events.find((event) => this.storedEvent(streamId, event.id))!;
      throw new EventIdConflictError(streamId, known.id);
    }
    return { nextExpectedRevision: last!.revision, position: BigInt(last!.position) };
  }

  /**
   * The event with this id in the stream, in a compact row or (stores of the first format) a text one. A
   * UUID is looked for as text only where the file may hold UUIDs as text (issue 18: one statement an event).
   */
  private storedEvent(streamId: string, eventId: string): { revision: number; position: number } | undefined {
    const compactId = isCompactId(eventId);
    const compact = compactId
      ? (this.selectByEventId.get(encodeId(eventId), streamId) as
          { revision: number; position: number } | undefined)
      : undefined;
    if (compact || (compactId && !this.mayHoldTextUuids)) return compact;
    return this.selectByTextEventId.get(eventId, streamId) as
      { revision: number; position: number } | undefined;
  }

  /**
   * Whether some row keeps a 36-character id as text: the first format wrote every id so, and a retry of such
   * an event must be found by its text. Rows are never removed, so once true it stays true.
   */
  private textUuidsStored(): boolean {
    return this.mayHoldTextUuids || this.selectTextUuid.get() !== undefined;
  }

  /**
   * The stream's revision as committed, remembered while no other connection writes (noticeOtherWriters
   * runs first: in the flush's transaction, or once a turn in streamRevision).
   */
  private currentRevision(streamId: string): number | undefined {
    const known = this.revisions.get(streamId);
    if (known !== undefined) return known ?? undefined;
    const row = this.selectRevision.get(streamId) as { revision: number | null };
    const revision = row.revision ?? undefined;
    this.rememberRevision(streamId, revision);
    return revision;
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    return this.streamRevisionNow(streamId);
  }

  private streamRevisionNow(streamId: string): number | undefined {
    this.noticeOtherWritersThisTurn();
    return this.currentRevision(streamId);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? -1;
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    let rows: EventRow[];
    if (backwards) {
      const upper = from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : from;
      rows = this.statement(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ).all(streamId, upper, limit) as unknown as EventRow[];
    } else {
      const lower = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
      rows = this.statement(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ).all(streamId, lower, limit) as unknown as EventRow[];
    }
    if (rows.length === 0 && this.streamRevisionNow(streamId) === undefined) {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecordedEvent);
  }

  async readStreamForLoad(streamId: string): Promise<StreamForLoad | undefined> {
    const rows = this.statement(
      'SELECT type, data, metadata, body, meta, revision FROM events WHERE stream_id = ? ORDER BY revision',
    ).all(streamId) as unknown as LoadRow[];
    if (rows.length === 0) return undefined;
    const events: StreamForLoad['events'] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [type, data, metadata, body, meta] = rows[i]!;
      const commandId =
        metadata !== ''
          ? (JSON.parse(metadata) as EventMetadata).commandId
          : decodeMetadataValue(meta!, 'commandId');
      events[i] = {
        type,
        data: data !== '' ? (JSON.parse(data) as unknown) : decodeData(body!),
        commandId: typeof commandId === 'string' ? commandId : undefined,
      };
    }
    const [, , metadata, , meta, revision] = rows[rows.length - 1]!;
    const hash =
      metadata !== '' ? (JSON.parse(metadata) as EventMetadata).hash : decodeMetadataValue(meta!, 'hash');
    return { events, revision, ...(typeof hash === 'string' ? { lastHash: hash } : {}) };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.afterPosition !== undefined && !backwards) {
      return this.readAllRange(
        Number(options.afterPosition) + 1,
        Number.MAX_SAFE_INTEGER,
        options.maxCount ?? -1,
        options.filter,
      );
    }
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    if (from === 'end' && !backwards) return [];
    const bound = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from);
    return backwards
      ? this.readAllRange(0, bound, options.maxCount ?? -1, options.filter, 'DESC')
      : this.readAllRange(bound, Number.MAX_SAFE_INTEGER, options.maxCount ?? -1, options.filter, 'ASC');
  }

  /** Events with lowest <= position <= highest, in position order. */
  readAllRange(
    lowest: number,
    highest: number,
    maxCount: number,
    filter: AllFilter | undefined,
    order: 'ASC' | 'DESC' = 'ASC',
  ): RecordedEvent[] {
    const { clause, params } = filterClause(filter);
    const statement = this.statement(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position >= ? AND position <= ? ${clause} ` +
        `ORDER BY position ${order} LIMIT ?`,
    );
    const rows = statement.all(lowest, highest, ...params, maxCount) as unknown as EventRow[];
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<bigint | undefined> {
    const head = this.headPositionSync();
    return head === 0 ? undefined : BigInt(head);
  }

  /** 0 when the log is empty (positions start at 1). */
  headPositionSync(): number {
    const row = this.selectHead.get() as { position: number | null };
    return row.position ?? 0;
  }

  /** A cached read of event rows, which come back as arrays (EventRow). */
  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      statement.setReturnArrays(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription {
    const subscription = new SqliteSubscription(this, options, handlers);
    this.subscriptions.add(subscription);
    void subscription.run().finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /**
   * The events after `position` that `filter` keeps (at most `maxCount`) from the rows this connection
   * committed last, and the last position that covers; undefined when those rows do not reach back to
   * `position` (read the file then). Appends by other processes are not in it: see waitForAppend.
   */
  committedAfter(
    position: number,
    maxCount: number,
    filter: AllFilter | undefined,
  ): { events: RecordedEvent[]; scannedTo: number } | undefined {
    const found = this.tail.after(position, maxCount, filter);
    if (!found) return undefined;
    return { events: found.rows.map((entry) => toRecordedEvent(entry.row)), scannedTo: found.scannedTo };
  }

  /**
   * Resolves on the next in-process append (`append`: what it wrote is in committedAfter) or after the poll
   * interval (`interval`: look in the file, where other processes' appends are).
   */
  waitForAppend(signal: { cancelled: boolean; wake?: () => void }): Promise<'append' | 'interval'> {
    return new Promise((resolve) => {
      const done = (why: 'append' | 'interval' = 'append') => {
        clearTimeout(timer);
        this.appendListeners.delete(done);
        resolve(why);
      };
      const timer = setTimeout(() => done('interval'), this.pollIntervalMs);
      this.appendListeners.add(done);
      signal.wake = done;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.flushScheduled || this.pending.length > 0) this.flush();
    this.db.close();
  }
}

class SqliteSubscription implements Subscription {
  private stopped = false;
  private readonly wait: { cancelled: boolean; wake?: () => void } = { cancelled: false };
  private running: Promise<void> = Promise.resolve();
  private resolveCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;

  constructor(
    private readonly store: SqliteEventStore,
    private readonly options: SubscribeToAllOptions,
    private readonly handlers: SubscriptionHandlers,
  ) {
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
  }

  run(): Promise<void> {
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    const pageSize = 500;
    let scanned = Number(this.options.afterPosition ?? 0n);
    let lastDelivered = this.options.afterPosition;
    let behind = true;
    // The file at first and whenever the poll interval passed (other processes' appends); else what this
    // process just committed, when that reaches back to where the subscription is (SqliteEventStore.committedAfter).
    let lookInFile = true;
    try {
      while (!this.stopped) {
        const committed = lookInFile
          ? undefined
          : this.store.committedAfter(scanned, pageSize, this.options.filter);
        let events: RecordedEvent[];
        if (committed) {
          events = committed.events;
          if (events.length < pageSize) scanned = committed.scannedTo;
        } else {
          // Read the head first: a page shorter than pageSize has then scanned everything up to it,
          // so events skipped by the filter are not scanned again.
          const head = this.store.headPositionSync();
          events = this.store.readAllRange(scanned + 1, head, pageSize, this.options.filter);
          if (events.length < pageSize) scanned = head;
          lookInFile = false;
        }
        if (events.length === 0) {
          if (behind) {
            behind = false;
            this.handlers.onCaughtUp?.(lastDelivered);
            this.resolveCaughtUp();
          }
          lookInFile = (await this.store.waitForAppend(this.wait)) === 'interval';
          continue;
        }
        behind = true;
        for (const event of events) {
          if (this.stopped) return;
          await this.handlers.onEvent(event);
          lastDelivered = event.position;
          if (events.length === pageSize) scanned = Number(event.position);
        }
      }
    } catch (error) {
      this.stopped = true;
      this.handlers.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wait.wake?.();
    await this.running;
  }
}

function checkExpected(streamId: string, expected: ExpectedRevision, current: number | undefined): void {
  const actual = current ?? 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}

function filterClause(filter: AllFilter | undefined): { clause: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (filter?.streamPrefixes?.length) {
    parts.push(`(${filter.streamPrefixes.map(() => 'substr(stream_id, 1, length(?)) = ?').join(' OR ')})`);
    for (const prefix of filter.streamPrefixes) params.push(prefix, prefix);
  }
  if (filter?.eventTypes?.length) {
    parts.push(`type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
    params.push(...filter.eventTypes);
  }
  return { clause: parts.length ? `AND ${parts.join(' AND ')}` : '', params };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  const [position, streamId, revision, eventId, type, data, metadata, storedAt, id, meta, body] = row;
  return {
    id: eventId !== '' ? eventId : decodeId(id!),
    type,
    data: data !== '' ? (JSON.parse(data) as unknown) : decodeData(body!),
    metadata: metadata !== '' ? (JSON.parse(metadata) as EventMetadata) : decodeMetadata(meta!),
    streamId,
    revision,
    position: BigInt(position),
    storedAt: new Date(storedAt),
  };
}
