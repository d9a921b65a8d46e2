import { randomUUID } from 'node:crypto';
import { StreamNotFoundError } from '../../src/platform/event-store/errors.js';
import type { RecordedEvent, Subscription } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';

/**
 * EventStoreDB's log semantics on top of the embedded SQLite store, for the gRPC double: byte-offset
 * positions with (commit, prepare) pairs, positional and cached idempotency, and the position rules of
 * $all reads and subscriptions. Everything here follows the server's own code (IndexWriter.CheckCommit,
 * AllReader, the Position type), not the port, so the adapter is tested against what a real server does.
 *
 * Where the double knowingly differs from a server:
 * - Every record is RECORD_SIZE bytes; a real log has variable-size records and non-event records.
 * - A read or subscription starting inside a record always fails, as in the server's active chunk; in
 *   completed chunks a server finds the next record instead.
 * - The server's cache of recent event ids (idempotency for 'any' / 'stream_exists') never forgets here.
 * - A stream cannot hold the same event id twice (SQLite reports the earlier append instead); a server
 *   writes the duplicates when the expected revision equals the current one or its id cache has forgotten.
 * - CaughtUp is sent once and FellBehind never; no filter checkpoints, deletes, stream subscriptions,
 *   links, projections or authentication. Event ids are always sent in string form.
 */

/**
 * Records live at byte offsets: record k of the SQLite store (k = 1, 2, ...) starts at
 * LOG_BASE + (k - 1) * RECORD_SIZE. The base lies beyond Number.MAX_SAFE_INTEGER so that any lossy
 * bigint-to-number conversion in the adapter fails the contract suite, and positions are not gapless.
 */
export const LOG_BASE = 2n ** 53n;
export const RECORD_SIZE = 128n;

/** A transaction-file position; events written in one append have commit === prepare === own offset. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

/** What a client proposes: bytes exactly as sent, so JSON encoding stays the adapter's business. */
export interface ProposedMessage {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface LogRecord extends ProposedMessage {
  streamId: string;
  revision: bigint;
  /** Offset of the record: its commit and prepare position. */
  position: bigint;
  /** When the store committed it, in milliseconds since the Unix epoch. */
  createdMs: number;
}

/** Expected revision as the server sees it: a number is the revision of the stream's last event. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  | { kind: 'success'; currentRevision: bigint; position: LogPosition }
  | { kind: 'wrong_expected_version'; currentRevision: bigint | undefined };

/** A server-side $all filter: regex or prefixes, on the stream name or the event type. */
export interface LogFilter {
  on: 'stream' | 'event_type';
  regex?: RegExp;
  prefixes?: string[];
}

/** The server validates positions before reading: a prepare part never exceeds the commit part. */
export class InvalidArgumentError extends Error {}

/** The server's answer to a read or subscription that starts inside a record. */
export class InvalidPositionError extends Error {
  constructor() {
    super('Trying to read from an invalid position.');
  }
}

interface StoredBody {
  contentType: string;
  data: string;
  customMetadata: string;
}

export class EsdbLog {
  private appending: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: SqliteEventStore) {}

  static async open(): Promise<EsdbLog> {
    const log = new EsdbLog(SqliteEventStore.open({ path: ':memory:' }));
    // A real log never starts empty: the server writes its own records before any client does.
    await log.appendSystemEvent('$settings', '$settings');
    await log.appendSystemEvent('$scavenges', '$scavengeIndexInitialized');
    return log;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** Appends an event the way the server writes its own records (system streams, '$' types). */
  async appendSystemEvent(streamId: string, type: string): Promise<bigint> {
    const outcome = await this.append(
      streamId,
      [
        {
          id: randomUUID(),
          type,
          contentType: 'application/json',
          data: Buffer.from('{}'),
          customMetadata: new Uint8Array(),
        },
      ],
      'any',
    );
    if (outcome.kind !== 'success') throw new Error('system append failed');
    return outcome.position.commit;
  }

  /** One append at a time, as the server's single writer does: the check and the write are atomic. */
  append(streamId: string, messages: ProposedMessage[], expected: ExpectedVersion): Promise<AppendOutcome> {
    const result = this.appending.then(() => this.appendNow(streamId, messages, expected));
    this.appending = result.catch(() => undefined);
    return result;
  }

  private async appendNow(
    streamId: string,
    messages: ProposedMessage[],
    expected: ExpectedVersion,
  ): Promise<AppendOutcome> {
    const stream = await this.readWholeStream(streamId);
    const current = stream.length === 0 ? -1n : BigInt(stream.length - 1);
    const decision = checkCommit(stream, current, messages, expected);
    if (decision.kind === 'wrong_expected_version') {
      return { kind: 'wrong_expected_version', currentRevision: current < 0n ? undefined : current };
    }
    if (decision.kind === 'idempotent') {
      const last = stream[Number(decision.lastRevision)]!;
      // The server answers with the log position of the last event of the original write.
      return {
        kind: 'success',
        currentRevision: decision.lastRevision,
        position: { commit: last.position, prepare: last.position },
      };
    }
    if (messages.length === 0) {
      return { kind: 'success', currentRevision: current, position: { commit: -1n, prepare: -1n } };
    }
    const result = await this.store.append(
      streamId,
      messages.map((message) => ({
        id: message.id,
        type: message.type,
        data: {
          contentType: message.contentType,
          data: Buffer.from(message.data).toString('base64'),
          customMetadata: Buffer.from(message.customMetadata).toString('base64'),
        } satisfies StoredBody,
      })),
      current < 0n ? 'no_stream' : Number(current),
    );
    const lastPosition = toLogPosition(result.position);
    // Like WriteEventsCompleted: commit = the last event's offset, prepare = the transaction's first.
    const firstPosition = lastPosition - BigInt(messages.length - 1) * RECORD_SIZE;
    return {
      kind: 'success',
      currentRevision: BigInt(result.nextExpectedRevision),
      position: { commit: lastPosition, prepare: firstPosition },
    };
  }

  private async readWholeStream(streamId: string): Promise<LogRecord[]> {
    try {
      return (await this.store.readStream(streamId)).map(toLogRecord);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Undefined when the stream does not exist (the server answers StreamNotFound). */
  async readStream(
    streamId: string,
    from: bigint | 'start' | 'end',
    direction: 'forwards' | 'backwards',
    count: bigint,
  ): Promise<LogRecord[] | undefined> {
    const stream = await this.readWholeStream(streamId);
    if (stream.length === 0) return undefined;
    const inRange = (record: LogRecord): boolean => {
      if (direction === 'forwards') return from === 'start' || (from !== 'end' && record.revision >= from);
      return from === 'end' || (from === 'start' ? record.revision === 0n : record.revision <= from);
    };
    const ordered = direction === 'forwards' ? stream : [...stream].reverse();
    return ordered.filter(inRange).slice(0, clampCount(count));
  }

  /**
   * Reads $all like AllReader: forwards from a pre-position (records with (pos, pos) >= from), backwards
   * from a post-position (records whose end is <= from). A position inside a record is rejected.
   */
  async readAll(
    from: LogPosition | 'start' | 'end',
    direction: 'forwards' | 'backwards',
    count: bigint,
    filter?: LogFilter,
  ): Promise<LogRecord[]> {
    const all = (await this.store.readAll()).map(toLogRecord);
    const end = this.endOfLog();
    let selected: LogRecord[];
    if (direction === 'forwards') {
      if (from === 'end') return [];
      const start = from === 'start' ? { commit: 0n, prepare: 0n } : this.validated(from);
      selected = all.filter((record) => comparePositions(record.position, record.position, start) >= 0);
    } else {
      if (from === 'start') return [];
      const start =
        from === 'end' || from.commit > end ? { commit: end, prepare: end } : this.validated(from);
      selected = all
        .filter((record) => {
          const postPosition = record.position + RECORD_SIZE;
          return comparePositions(postPosition, postPosition, start) <= 0;
        })
        .reverse();
    }
    return selected.filter((record) => matches(record, filter)).slice(0, clampCount(count));
  }

  /**
   * A catch-up subscription: delivers every record after `after` (exclusive) that passes the filter,
   * then signals caught up once and continues live. The sink's promise is awaited (back-pressure).
   */
  subscribe(
    after: LogPosition | 'start' | 'end',
    filter: LogFilter | undefined,
    sink: {
      onRecord(record: LogRecord): Promise<void>;
      onCaughtUp(): Promise<void> | void;
      onError(error: Error): void;
    },
  ): Subscription {
    let afterRecord: number;
    if (after === 'start') afterRecord = 0;
    else if (after === 'end') afterRecord = this.store.headPositionSync();
    else {
      const position = after.commit > this.endOfLog() ? { commit: this.endOfLog(), prepare: 0n } : after;
      const { commit, prepare } = this.validated(position);
      // Records at or before (commit, prepare) are skipped: the start of a subscription is exclusive.
      afterRecord =
        commit < LOG_BASE ? 0 : Number((commit - LOG_BASE) / RECORD_SIZE) + (prepare >= commit ? 1 : 0);
    }
    let caughtUp = false;
    return this.store.subscribeToAll(
      { afterPosition: BigInt(afterRecord) },
      {
        onEvent: async (event) => {
          const record = toLogRecord(event);
          if (matches(record, filter)) await sink.onRecord(record);
        },
        onCaughtUp: () => {
          // The server says so once, when the subscription switches from catching up to live.
          if (caughtUp) return;
          caughtUp = true;
          void sink.onCaughtUp();
        },
        onError: sink.onError,
      },
    );
  }

  /** Post-position of the last record: where the next record will start. */
  private endOfLog(): bigint {
    return LOG_BASE + BigInt(this.store.headPositionSync()) * RECORD_SIZE;
  }

  private validated(position: LogPosition): LogPosition {
    const { commit, prepare } = position;
    if (prepare > commit)
      throw new InvalidArgumentError('The commit position cannot be less than the prepare position');
    const atRecordStart = commit === 0n || (commit >= LOG_BASE && (commit - LOG_BASE) % RECORD_SIZE === 0n);
    if (!atRecordStart && commit <= this.endOfLog()) throw new InvalidPositionError();
    return position;
  }
}

type CommitDecision =
  { kind: 'ok' } | { kind: 'idempotent'; lastRevision: bigint } | { kind: 'wrong_expected_version' };

/**
 * The server's IndexWriter.CheckCommit. With 'any' or 'stream_exists' it recognises a retry by the ids
 * of recent writes (an in-memory cache on the server; here every id counts as recent). With a number or
 * 'no_stream' it compares the events right after the expected revision. A batch that only partly
 * matches is a wrong expected version; a batch at the current revision is written even if its ids exist.
 */
function checkCommit(
  stream: LogRecord[],
  current: bigint,
  messages: ProposedMessage[],
  expected: ExpectedVersion,
): CommitDecision {
  if (expected === 'stream_exists' && current < 0n) return { kind: 'wrong_expected_version' };
  if (expected === 'any' || expected === 'stream_exists') {
    const revisions = messages.map((message) => stream.find((record) => record.id === message.id)?.revision);
    if (revisions[0] === undefined) return { kind: 'ok' };
    if (revisions.some((revision) => revision === undefined)) return { kind: 'wrong_expected_version' };
    return { kind: 'idempotent', lastRevision: revisions[revisions.length - 1]! };
  }
  const expectedRevision = expected === 'no_stream' ? -1n : expected;
  if (expectedRevision > current) return { kind: 'wrong_expected_version' };
  if (expectedRevision === current) return { kind: 'ok' };
  let revision = expectedRevision;
  for (const message of messages) {
    revision += 1n;
    const stored = revision <= current ? stream[Number(revision)] : undefined;
    if (stored?.id !== message.id) return { kind: 'wrong_expected_version' };
  }
  if (revision === expectedRevision) return { kind: 'wrong_expected_version' };
  return { kind: 'idempotent', lastRevision: revision };
}

/** TFPos ordering: by commit position, then prepare position. */
function comparePositions(commit: bigint, prepare: bigint, other: LogPosition): number {
  if (commit !== other.commit) return commit < other.commit ? -1 : 1;
  if (prepare !== other.prepare) return prepare < other.prepare ? -1 : 1;
  return 0;
}

function matches(record: LogRecord, filter: LogFilter | undefined): boolean {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? record.streamId : record.type;
  if (filter.regex) return filter.regex.test(subject);
  if (filter.prefixes?.length) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return true;
}

function clampCount(count: bigint): number {
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

function toLogPosition(storePosition: bigint): bigint {
  return LOG_BASE + (storePosition - 1n) * RECORD_SIZE;
}

function toLogRecord(event: RecordedEvent): LogRecord {
  const body = event.data as StoredBody;
  return {
    id: event.id,
    type: event.type,
    contentType: body.contentType,
    data: Buffer.from(body.data, 'base64'),
    customMetadata: Buffer.from(body.customMetadata, 'base64'),
    streamId: event.streamId,
    revision: BigInt(event.revision),
    position: toLogPosition(event.position),
    createdMs: event.storedAt.getTime(),
  };
}
