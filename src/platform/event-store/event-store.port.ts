/**
 * The event store port: EventStoreDB semantics, implemented by the embedded SQLite adapter and the
 * EventStoreDB/KurrentDB adapter. Everything above it (handlers, projections, sagas) uses only this.
 *
 * Revisions start at 0 within a stream. Global positions are bigint and strictly increasing in commit
 * order; the embedded store's positions are also gapless (1, 2, 3, ...), EventStoreDB's are log offsets.
 */

/** Where the stream must be for an append to succeed. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** Metadata that travels with every event. Times are ISO-8601 strings. */
export interface EventMetadata {
  /** Id of the command whose decision produced the event. */
  commandId?: string;
  /** Id shared by everything caused by one external request. */
  correlationId?: string;
  /** Id of the event or command that directly caused this one. */
  causationId?: string;
  /** Who (service, user, saga) issued the command. */
  actor?: string;
  /** When the engine decided the event (its clock, which may be virtual). */
  recordedAt?: string;
  /** When the fact is true in business time (usage time, payment date...). */
  effectiveAt?: string;
  /** Version of the event's data schema, for upcasting on read. */
  schemaVersion?: number;
  [key: string]: unknown;
}

export interface NewEvent<T = unknown> {
  /** UUID. Deterministic ids (see deterministicEventId) make retried appends idempotent. */
  id: string;
  type: string;
  data: T;
  metadata?: EventMetadata;
}

export interface RecordedEvent<T = unknown> {
  id: string;
  type: string;
  data: T;
  metadata: EventMetadata;
  streamId: string;
  revision: number;
  position: bigint;
  /** When the store committed the event (the store's own wall clock). */
  storedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the expected revision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  position: bigint;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: Direction;
  /** Inclusive. Defaults to 'start' forwards and 'end' backwards. */
  fromRevision?: number | 'start' | 'end';
  maxCount?: number;
}

export interface AllFilter {
  /** Keep events whose stream id starts with one of these. */
  streamPrefixes?: string[];
  /** Keep events whose type is one of these. */
  eventTypes?: string[];
}

export interface ReadAllOptions {
  direction?: Direction;
  /** Inclusive position to start from (a position returned by the store). Defaults to 'start' forwards and 'end' backwards. */
  fromPosition?: bigint | 'start' | 'end';
  /** Forwards only: start strictly after this position (a checkpoint or the last event of a page). */
  afterPosition?: bigint;
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeToAllOptions {
  /** Deliver events strictly after this position (a checkpoint); omit to start at the beginning. */
  afterPosition?: bigint;
  filter?: AllFilter;
}

export interface SubscriptionHandlers {
  /** Called for each event in order; the next event waits until the returned promise settles. */
  onEvent(event: RecordedEvent): void | Promise<void>;
  /** Called each time the subscription has delivered everything stored so far (at least once). */
  onCaughtUp?(lastPosition: bigint | undefined): void;
  /** Called once when the subscription stops because of an error (including a throwing onEvent). */
  onError?(error: Error): void;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is in flight. */
  stop(): Promise<void>;
  /** Resolves the first time the subscription is caught up. */
  readonly caughtUp: Promise<void>;
}

/** A stream as loading an aggregate needs it (readStreamForLoad). */
export interface StreamForLoad {
  /** In revision order: each event's type, data and the id of the command that decided it. */
  events: { type: string; data: unknown; commandId?: string }[];
  /** Revision of the last event. */
  revision: number;
  /** The last event's hash (metadata.hash), when it has one. */
  lastHash?: string;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], expected?: ExpectedRevision): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: the whole stream as an aggregate's load needs it, lighter than readStream (no other metadata,
   * ids, positions or store times); undefined when the stream has no events. Without it, loads use readStream.
   */
  readStreamForLoad?(streamId: string): Promise<StreamForLoad | undefined>;
  /** Revision of the last event, or undefined when the stream does not exist. */
  streamRevision(streamId: string): Promise<number | undefined>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event in the global log, or undefined when the log is empty. */
  headPosition(): Promise<bigint | undefined>;
  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription;
  close(): Promise<void>;
}

/** DI token for the EventStore port. */
export const EVENT_STORE = Symbol('EventStore');
