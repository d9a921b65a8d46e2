import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError as EsdbStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Filter,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors.js';
import type {
  AllFilter,
  AppendResult,
  Direction,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandlers,
} from '../event-store.port.js';

export interface EsdbConnectOptions {
  /** How long connect() waits for the server to answer before giving up. */
  timeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Read by connect() to prove the server answers; it need not exist. */
const CONNECTION_CHECK_STREAM = 'billing-engine-connection-check';
/** Stream reads on servers before 22.6 carry no $all position; they send the largest uint64 instead. */
const NO_POSITION_FROM_SERVER = 2n ** 64n - 1n;
/** RecordedEvent.position when the server did not say (see NO_POSITION_FROM_SERVER). */
const UNKNOWN_POSITION = -1n;

/**
 * The EventStore port on EventStoreDB / KurrentDB through @eventstore/db-client (gRPC).
 *
 * Positions are the server's commit positions: byte offsets in its transaction log, increasing but not
 * gapless, and only the positions the store hands out are valid places to start reading (see readAll).
 * Revisions and positions travel as bigint on the wire; revisions become numbers, positions stay bigint.
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  private constructor(
    private readonly client: EventStoreDBClient,
    /** The connection string without its password, for messages. */
    private readonly serverName: string,
  ) {}

  /** Connects and proves the server answers, failing within timeoutMs with EventStoreUnavailableError. */
  static async connect(connectionString: string, options: EsdbConnectOptions = {}): Promise<EsdbEventStore> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const serverName = withoutPassword(connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      throw new EventStoreUnavailableError(
        `Invalid EventStoreDB connection string ${serverName}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    const store = new EsdbEventStore(client, serverName);
    try {
      await withTimeout(store.checkConnection(), timeoutMs, `no answer within ${timeoutMs} ms`);
    } catch (error) {
      await store.close();
      // Something that answers (bad credentials, not an EventStoreDB) is not "unreachable".
      const problem = isNetworkFailure(error)
        ? 'is unreachable'
        : 'answered but refused the connection check';
      throw new EventStoreUnavailableError(
        `EventStoreDB server at ${serverName} ${problem}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    return store;
  }

  private async checkConnection(): Promise<void> {
    try {
      await consume(this.client.readStream(CONNECTION_CHECK_STREAM, { maxCount: 1 }), () => false);
    } catch (error) {
      if (!(error instanceof EsdbStreamNotFoundError)) throw error;
    }
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    let written;
    try {
      written = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toExpectedRevision(expected),
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return this.resolveConflict(streamId, events, expected, error.actualVersion);
      }
      throw this.translate(error);
    }
    const nextExpectedRevision = toRevision(written.nextExpectedRevision);
    // The server reports the commit position of the batch's last event (for a recognised retry, of the
    // original write); it omits it only in corner cases, where the event itself tells.
    const position =
      written.position?.commit ?? (await this.positionOfRevision(streamId, nextExpectedRevision));
    return { nextExpectedRevision, position };
  }

  /**
   * The server recognises a retry by position (with a numeric expected revision, the events right after
   * it) or by a cache of recent event ids ('any', 'stream_exists'); any other retry comes back as a wrong
   * expected version. So before reporting a conflict, look the ids up in the stream: all stored means the
   * append already happened, some stored means a different append reused ids.
   */
  private async resolveConflict(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    actual: CurrentRevision,
  ): Promise<AppendResult> {
    const stored = await this.findStoredEvents(
      streamId,
      events.map((event) => event.id),
    );
    if (stored.size === events.length) {
      const last = stored.get(events[events.length - 1]!.id)!;
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    const known = events.find((event) => stored.has(event.id));
    if (known) throw new EventIdConflictError(streamId, known.id);
    throw new WrongExpectedRevisionError(
      streamId,
      expected,
      actual === NO_STREAM ? 'no_stream' : toRevision(actual),
    );
  }

  /** Reads the stream from its end until every id is found (or the stream is exhausted). */
  private async findStoredEvents(streamId: string, ids: string[]): Promise<Map<string, RecordedEvent>> {
    const wanted = new Set(ids);
    const found = new Map<string, RecordedEvent>();
    try {
      await consume(
        this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END }),
        (resolved) => {
          const event = toRecordedEvent(resolved);
          if (event && wanted.has(event.id)) found.set(event.id, event);
          return found.size < wanted.size;
        },
      );
    } catch (error) {
      if (!(error instanceof EsdbStreamNotFoundError)) throw this.translate(error);
    }
    return found;
  }

  private async positionOfRevision(streamId: string, revision: number): Promise<bigint> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? UNKNOWN_POSITION;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'backwards' ? 'end' : 'start');
    if (options.maxCount !== undefined && options.maxCount <= 0) {
      if ((await this.streamRevision(streamId)) === undefined) throw new StreamNotFoundError(streamId);
      return [];
    }
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: toClientDirection(direction),
        fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      await consume(read, (resolved) => {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
        return true;
      });
    } catch (error) {
      if (error instanceof EsdbStreamNotFoundError) throw new StreamNotFoundError(streamId);
      throw this.translate(error);
    }
    return events;
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    try {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return last?.revision;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Reads $all, skipping system events. The client has no server-side filter for reads (only for
   * subscriptions), so filters apply here, while streaming, and the read stops once maxCount events match.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    const after = backwards ? undefined : options.afterPosition;
    // "After p" reads from p (an event's own position, valid on the server) and drops p itself.
    const from = after ?? options.fromPosition ?? (backwards ? 'end' : 'start');
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const wanted = eventFilter(options.filter);
    const events: RecordedEvent[] = [];
    if (maxCount <= 0) return events;
    const collect = (event: RecordedEvent) => {
      if (after !== undefined && event.position <= after) return true;
      if (wanted(event)) events.push(event);
      return events.length < maxCount;
    };
    try {
      if (backwards) await this.scanBackwards(from, collect);
      else await this.scanForwards(from, collect);
    } catch (error) {
      throw this.translate(error);
    }
    return events;
  }

  private async scanForwards(
    from: bigint | 'start' | 'end',
    visit: (event: RecordedEvent) => boolean,
  ): Promise<void> {
    if (from === 'end') return;
    if (from === 'start') return this.scanAll(FORWARDS, START, visit);
    let visited = 0;
    const counting = (event: RecordedEvent) => {
      visited += 1;
      return visit(event);
    };
    try {
      await this.scanAll(FORWARDS, { commit: from, prepare: from }, counting);
    } catch (error) {
      if (!isInvalidPosition(error) || visited > 0) throw error;
      // Positions are log offsets, so `event.position + 1n` (the port's way to say "after this event")
      // points inside that event's record, where the server refuses to start. Start at the record
      // instead and drop it. ({commit: p, prepare: p + 1} would say "after p", but the server rejects
      // any position whose prepare part exceeds its commit part.)
      try {
        await this.scanAll(
          FORWARDS,
          { commit: from - 1n, prepare: from - 1n },
          (event) => event.position < from || visit(event),
        );
      } catch (retryError) {
        if (!isInvalidPosition(retryError)) throw retryError;
        throw notAnEventPosition(from, retryError);
      }
    }
  }

  private async scanBackwards(
    from: bigint | 'start' | 'end',
    visit: (event: RecordedEvent) => boolean,
  ): Promise<void> {
    if (from === 'start') return;
    if (from === 'end') return this.scanAll(BACKWARDS, END, visit);
    try {
      // The server reads backwards from a record's end, so the event starting at `from` is not part of
      // that read; the port's start position is inclusive, so fetch it first.
      let atFrom: RecordedEvent | undefined;
      await this.scanAll(FORWARDS, { commit: from, prepare: from }, (event) => {
        atFrom = event;
        return false;
      });
      if (atFrom?.position === from && !visit(atFrom)) return;
      await this.scanAll(BACKWARDS, { commit: from, prepare: from }, visit);
    } catch (error) {
      if (isInvalidPosition(error)) throw notAnEventPosition(from, error);
      throw error;
    }
  }

  /** Streams $all (system events included) through visit until it returns false or the log ends. */
  private scanAll(
    direction: typeof FORWARDS | typeof BACKWARDS,
    fromPosition: ReadPosition,
    visit: (event: RecordedEvent) => boolean,
  ): Promise<void> {
    const read = this.client.readAll({ direction, fromPosition, maxCount: Number.MAX_SAFE_INTEGER });
    return consume(read, (resolved) => {
      const event = toRecordedEvent(resolved);
      return event === undefined || visit(event);
    });
  }

  async headPosition(): Promise<bigint | undefined> {
    this.assertOpen();
    let head: bigint | undefined;
    try {
      await this.scanAll(BACKWARDS, END, (event) => {
        if (isSystemEvent(event)) return true;
        head = event.position;
        return false;
      });
    } catch (error) {
      throw this.translate(error);
    }
    return head;
  }

  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription {
    this.assertOpen();
    const subscription = new EsdbSubscription(this.client, options, handlers, {
      translate: (error) => this.translate(error),
      finished: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    // Cancels the client's calls; its idle connection does not keep the process alive.
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Event store is closed');
  }

  /** Network-level failures become EventStoreUnavailableError; everything else passes through. */
  private translate(error: unknown): Error {
    if (isNetworkFailure(error)) {
      return new EventStoreUnavailableError(
        `EventStoreDB server at ${this.serverName} is unreachable: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Events queued before the subscription stops pulling from the server, and resumes. */
const PAUSE_AT_QUEUED = 64;
const RESUME_AT_QUEUED = 16;

/**
 * A catch-up subscription to $all. The client's stream is drained into a queue (pausing it when the
 * queue is long, so a slow handler slows the server down) and a single loop hands events to onEvent one
 * at a time. The client reports "caught up" as a separate event that overtakes events it has not handed
 * over yet, so the signal is recorded as "after N events received" and delivered once those are handled.
 */
class EsdbSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private readonly stream: AllStreamSubscription;
  private readonly wanted: (event: RecordedEvent) => boolean;
  private readonly queue: Array<{ event: RecordedEvent; sequence: number }> = [];
  /** Events received from the client so far, including those the filter drops. */
  private received = 0;
  /** For each caught-up signal: how many received events must be handled before it is passed on. */
  private readonly caughtUpAfter: number[] = [];
  private lastPosition: bigint | undefined;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    client: EventStoreDBClient,
    options: SubscribeToAllOptions,
    private readonly handlers: SubscriptionHandlers,
    private readonly owner: { translate(error: unknown): Error; finished(): void },
  ) {
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
    this.lastPosition = options.afterPosition;
    this.wanted = eventFilter(options.filter);
    const after = options.afterPosition;
    // A subscription's start position is exclusive on the server: {p, p} delivers what follows p.
    this.stream = client.subscribeToAll({
      fromPosition: after === undefined ? START : { commit: after, prepare: after },
      filter: serverFilter(options.filter),
    });
    this.stream.on('data', (resolved: AllStreamResolvedEvent) => this.receive(resolved));
    this.stream.on('caughtUp', () => {
      // Events the client has read but not emitted yet wait in its buffer (readableLength).
      this.caughtUpAfter.push(this.received + this.stream.readableLength);
      this.pump();
    });
    this.stream.on('error', (error: Error) => this.fail(owner.translate(error)));
    this.stream.on('end', () =>
      this.fail(new EventStoreUnavailableError('EventStoreDB ended the subscription')),
    );
  }

  private receive(resolved: AllStreamResolvedEvent): void {
    this.received += 1;
    let event: RecordedEvent | undefined;
    try {
      event = toRecordedEvent(resolved);
    } catch (error) {
      return this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    if (event && this.wanted(event)) this.queue.push({ event, sequence: this.received });
    if (this.queue.length >= PAUSE_AT_QUEUED) this.stream.pause();
    this.pump();
  }

  private pump(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    this.drained = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped) {
        this.passOnCaughtUp();
        const next = this.queue.shift();
        if (!next) break;
        if (this.queue.length <= RESUME_AT_QUEUED && this.stream.isPaused()) this.stream.resume();
        await this.handlers.onEvent(next.event);
        this.lastPosition = next.event.position;
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.draining = false;
    }
  }

  /** Passes on each caught-up signal whose preceding events have all been handled. */
  private passOnCaughtUp(): void {
    while (this.caughtUpAfter.length > 0) {
      const mark = this.caughtUpAfter[0]!;
      const stillPending = this.received < mark || (this.queue.length > 0 && this.queue[0]!.sequence <= mark);
      if (stillPending) return;
      this.caughtUpAfter.shift();
      this.handlers.onCaughtUp?.(this.lastPosition);
      this.resolveCaughtUp();
    }
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    void this.stream.unsubscribe();
    this.owner.finished();
    this.handlers.onError?.(error);
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.owner.finished();
      await this.stream.unsubscribe();
    }
    await this.drained;
  }
}

/**
 * Server-side filter: one dimension only (stream prefixes win over event types); the client-side
 * eventFilter applies the rest. Without a filter, system events are filtered out on the server.
 */
function serverFilter(filter: AllFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: filter.streamPrefixes });
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegExp).join('|')})$` });
  }
  return excludeSystemEvents();
}

function eventFilter(filter: AllFilter | undefined): (event: RecordedEvent) => boolean {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : undefined;
  return (event) =>
    !isSystemEvent(event) &&
    (!prefixes || prefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
    (!types || types.has(event.type));
}

/** The server's own records: system streams ($settings, $$metadata, $ce-...) and '$' event types. */
function isSystemEvent(event: RecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toEventData(event: NewEvent) {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data as JSONType,
    metadata: (event.metadata ?? {}) as JSONType,
  });
}

function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  // A link whose target is gone has no event; the port has no links, so there is nothing to deliver.
  if (!event) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toMetadata(event.metadata),
    streamId: event.streamId,
    revision: toRevision(event.revision),
    position: commit === undefined || commit === NO_POSITION_FROM_SERVER ? UNKNOWN_POSITION : commit,
    storedAt: event.created,
  };
}

/** Our events carry a JSON object; events written by other tools may carry bytes or nothing. */
function toMetadata(metadata: unknown): EventMetadata {
  const isObject = typeof metadata === 'object' && metadata !== null;
  return isObject && !Array.isArray(metadata) && !(metadata instanceof Uint8Array)
    ? (metadata as EventMetadata)
    : {};
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`Expected revision must be a non-negative integer (got ${expected})`);
      }
      return BigInt(expected);
  }
}

/** Stream revisions are uint64 on the wire; a stream that long would be a bug, not data. */
function toRevision(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Stream revision ${revision} is outside the range this engine supports`);
  }
  return Number(revision);
}

function toClientDirection(direction: Direction): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'backwards' ? BACKWARDS : FORWARDS;
}

/** Iterates a read until visit returns false, then cancels the rest on the server. */
async function consume<T>(read: StreamingRead<T>, visit: (item: T) => boolean): Promise<void> {
  let completed = false;
  try {
    for await (const item of read) {
      if (!visit(item)) return;
    }
    completed = true;
  } finally {
    if (!completed) await read.cancel().catch(() => undefined);
  }
}

/** The server's answer (23.10+) to a read that starts inside a record rather than at one. */
function isInvalidPosition(error: unknown): boolean {
  return error instanceof Error && /invalid position/i.test(error.message);
}

function notAnEventPosition(position: bigint, cause: unknown): RangeError {
  return new RangeError(
    `EventStoreDB cannot read $all from position ${position}: positions are log offsets, so only a position ` +
      `the store returned (or that position + 1n, meaning "after it") is a valid place to start`,
    { cause },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** esdb://user:secret@host → esdb://user:***@host */
export function withoutPassword(connectionString: string): string {
  return connectionString.replace(/^([a-z+]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class TimeoutError extends Error {}

function isNetworkFailure(error: unknown): error is Error {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    error instanceof TimeoutError
  );
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, timeoutMessage: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(timeoutMessage)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
