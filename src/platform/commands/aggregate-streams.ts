import { deterministicEventId } from '../event-store/event-ids.js';
import type { EventStore, NewEvent, RecordedEvent, StreamForLoad } from '../event-store/event-store.port.js';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../event-store/errors.js';
import { GENESIS_HASH, chainEvents } from '../event-store/hash-chain.js';
import type { Clock } from '../clock/clock.js';
import {
  CommandRejectedError,
  ConcurrencyConflictError,
  type CommandMeta,
  type CommandOutcome,
} from './command-outcome.js';

export interface DomainEvent {
  type: string;
  data: unknown;
}

export type DecisionResult<E> =
  | { ok: true; events: E[]; duplicate?: boolean }
  | { ok: false; code: string; message: string; field?: string };

interface Loaded<S> {
  state: S;
  /** Revision of the last event; undefined when the stream does not exist yet. */
  revision: number | undefined;
  lastHash: string;
  /** Commands already applied to this stream: a retry with the same command id stores nothing. */
  commandIds: Set<string>;
}

/**
 * How much a cache holds: a number of streams (each weighs 1), or `{ maxEvents }`: a budget of events
 * folded into the cached states — what a state's size grows with (a month-end ledger state of ≈ 100
 * events weighs ≈ 20 KiB), so a few long streams and many short ones fit the same memory.
 */
export type CacheBound =
  | number
  | {
      readonly maxEvents: number;
      readonly maxStreams?: number;
      /**
       * What a state weighs before any event, counted in events (its empty maps, sets and amounts): a light
       * state of 4 events weighs ≈ 10 events' worth of memory, not 4 (issue 18, measured by the memory bench).
       */
      readonly eventsPerStream?: number;
    };

const SCHEMA_VERSION = 1;
/**
 * Another instance writing the same stream (a request the load balancer did not route by account) makes the
 * append's expected revision fail; the decision is then made again on the fresh stream after a short random
 * pause, so two instances racing on one account both get through instead of answering 409 (issue 18).
 */
const MAX_ATTEMPTS = 30;
const conflictPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));

/**
 * Runs decisions against one kind of event-sourced stream: load (from a bounded cache, else the store),
 * decide, append with the expected revision, and on a concurrent change reload and decide again.
 * Event ids derive from the stream and the command id, so a retried command stores nothing twice.
 */
export class AggregateStreams<S, E extends DomainEvent> {
  private readonly cache = new Map<string, Loaded<S>>();
  /** The weight of every cached state (see CacheBound), kept as entries come, grow and go. */
  private cachedWeight = 0;
  /** Decisions on one stream run one at a time in this process; other processes are caught by the revision check. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * Per cached entry, the objects of its state that decisions' evolutions made since the state was last
   * handed out (load): nobody else holds them, so evolveOwned changes them in place instead of copying the
   * state and its maps on every event (issue 18). Dropped when the state is handed out.
   */
  private readonly owned = new WeakMap<Loaded<S>, WeakSet<object>>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly initialState: () => S,
    private readonly evolve: (state: S, event: E) => S,
    private readonly cacheBound: CacheBound = 20_000,
    /** Transforms event data at rest (e.g. sealing personal data); identity by default. */
    private readonly codec: {
      encode(streamId: string, data: unknown): unknown;
      decode(streamId: string, data: unknown): unknown;
    } = {
      encode: (_streamId, data) => data,
      decode: (_streamId, data) => data,
    },
    /**
     * Folds a loaded stream's events into its state: the same state as reducing them with `evolve` from the
     * initial state, by a faster path when the aggregate has one (the ledger's foldLedger).
     */
    private readonly fold?: (events: E[]) => S,
    /**
     * Applies an event to a state whose objects in `owned` nobody else sees, changing those in place (the
     * ledger's evolveOwnedLedger): the same state as `evolve` gives. Absent: every event goes through `evolve`.
     */
    private readonly evolveOwned?: (state: S, event: E, owned: WeakSet<object>) => S,
  ) {}

  /**
   * The stream's state, revision and command ids, cached. The state is handed out: the caller may hold it
   * across awaits, so it never changes — the next decision's evolution copies what it changes.
   */
  async load(streamId: string): Promise<Loaded<S>> {
    const loaded = this.cachedEntry(streamId) ?? (await this.loadEntry(streamId));
    this.owned.delete(loaded);
    return loaded;
  }

  /**
   * Reads the stream's state without handing it out: `read` runs at once, and what it returns must hold
   * nothing of the state (a later decision may change in place what the cache alone holds).
   */
  async inspect<T>(streamId: string, read: (state: S) => T): Promise<T> {
    return read((this.cachedEntry(streamId) ?? (await this.loadEntry(streamId))).state);
  }

  /**
   * `inspect` of a stream that exists; undefined, without loading it into the cache, when it does not (what
   * `exists` then `inspect` answer, in one call: asked of every usage record, issue 18).
   */
  async inspectExisting<T>(streamId: string, read: (state: S) => T): Promise<T | undefined> {
    const cached = this.cachedEntry(streamId);
    if (cached) return cached.revision === undefined ? undefined : read(cached.state);
    if ((await this.store.streamRevision(streamId)) === undefined) return undefined;
    return read((await this.loadEntry(streamId)).state);
  }

  /**
   * The cached entry, made the most recently used; undefined when not cached. Synchronous: a cached load
   * (nearly every one on the command path) awaits nothing (issue 18: ≈ 70 promises per usage command).
   */
  private cachedEntry(streamId: string): Loaded<S> | undefined {
    const cached = this.cache.get(streamId);
    if (cached) {
      // Refresh LRU order.
      this.cache.delete(streamId);
      this.cache.set(streamId, cached);
    }
    return cached;
  }

  private async loadEntry(streamId: string): Promise<Loaded<S>> {
    const cached = this.cachedEntry(streamId);
    if (cached) return cached;
    const loaded = await this.readEntry(streamId, this.fold);
    this.remember(streamId, loaded);
    return loaded;
  }

  /** The stream read from the store and folded (by `fold` when given), not cached. */
  private async readEntry(streamId: string, fold?: (events: E[]) => S): Promise<Loaded<S>> {
    const stream = await this.read(streamId);
    // Data at rest may be transformed (personal data sealed): the state is built from what it decodes to.
    const decoded = stream.events.map(
      (e) => ({ type: e.type, data: this.codec.decode(streamId, e.data) }) as E,
    );
    const state = fold ? fold(decoded) : decoded.reduce(this.evolve, this.initialState());
    const commandIds = new Set<string>();
    for (const event of stream.events)
      if (typeof event.commandId === 'string') commandIds.add(event.commandId);
    return { state, revision: stream.revision, lastHash: stream.lastHash ?? GENESIS_HASH, commandIds };
  }

  /**
   * The stream as a load needs it: the store's lighter read when it has one (the embedded store decodes only
   * each event's command id and the last hash, not every metadata field), else readStream.
   */
  private async read(
    streamId: string,
  ): Promise<{ events: StreamForLoad['events']; revision?: number; lastHash?: string }> {
    if (this.store.readStreamForLoad) return (await this.store.readStreamForLoad(streamId)) ?? { events: [] };
    let events: RecordedEvent[] = [];
    try {
      events = await this.store.readStream(streamId);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const last = events.at(-1);
    return {
      events: events.map((e) => ({
        type: e.type,
        data: e.data,
        commandId: typeof e.metadata.commandId === 'string' ? e.metadata.commandId : undefined,
      })),
      revision: last?.revision,
      lastHash: last?.metadata.hash as string | undefined,
    };
  }

  /** Whether the stream exists, without loading it into the cache when it does not. */
  async exists(streamId: string): Promise<boolean> {
    if (this.cache.has(streamId)) return this.cache.get(streamId)!.revision !== undefined;
    return (await this.store.streamRevision(streamId)) !== undefined;
  }

  /**
   * Decides and appends, one decision per stream at a time in this process. `beforeAppend` runs once a
   * decision is accepted with events and before they are appended (again on a retry after a conflict): a
   * step that must succeed for the events to be stored — it throws to store nothing.
   */
  decide(
    streamId: string,
    decide: (state: S) => DecisionResult<E>,
    meta: CommandMeta,
    effectiveAt: string,
    beforeAppend?: () => Promise<void>,
  ): Promise<CommandOutcome> {
    return this.inTurn(streamId, () => this.decideNow(streamId, decide, meta, effectiveAt, beforeAppend));
  }

  /**
   * Decides as `decide` does — on the cached state when the stream is cached — but a stream not in memory is
   * folded by `fold` and left out of the cache: a last decision that needs only part of the state (the
   * month-end close of a cold period, issue 18). Answers the outcome and the state after it (undefined
   * when the store reported an earlier identical append: the caller loads it).
   */
  async decideUncached(
    streamId: string,
    fold: (events: E[]) => S,
    decide: (state: S) => DecisionResult<E>,
    meta: CommandMeta,
    effectiveAt: string,
  ): Promise<{ outcome: CommandOutcome; state: S | undefined }> {
    let after: S | undefined;
    const outcome = await this.inTurn(streamId, () =>
      this.decideNow(streamId, decide, meta, effectiveAt, undefined, {
        fold,
        decided: (state) => (after = state),
      }),
    );
    return { outcome, state: after };
  }

  /** Runs `run` once every decision sent earlier on the stream has settled. */
  private inTurn(streamId: string, run: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
    const previous = this.queues.get(streamId);
    // Nothing queued on the stream (the usual case): start now, without waiting a turn behind a
    // resolved promise.
    const next = previous ? previous.then(run, run) : run();
    this.queues.set(streamId, next);
    const cleanUp = () => {
      if (this.queues.get(streamId) === next) this.queues.delete(streamId);
    };
    next.then(cleanUp, cleanUp);
    return next;
  }

  private async decideNow(
    streamId: string,
    decide: (state: S) => DecisionResult<E>,
    meta: CommandMeta,
    effectiveAt: string,
    beforeAppend?: () => Promise<void>,
    uncached?: { fold: (events: E[]) => S; decided: (state: S) => void },
  ): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt++) {
      // The decision reads the state synchronously and keeps nothing of it: not a hand-out.
      const loaded =
        this.cachedEntry(streamId) ??
        (uncached ? await this.readEntry(streamId, uncached.fold) : await this.loadEntry(streamId));
      if (loaded.commandIds.has(meta.commandId)) {
        uncached?.decided(this.handedOut(loaded));
        return { status: 'duplicate', streamId, eventTypes: [], revision: loaded.revision };
      }
      const decision = decide(loaded.state);
      if (!decision.ok) throw new CommandRejectedError(decision.code, decision.message, decision.field);
      if (decision.events.length === 0) {
        uncached?.decided(this.handedOut(loaded));
        return { status: 'duplicate', streamId, eventTypes: [], revision: loaded.revision };
      }
      if (beforeAppend) await beforeAppend();
      const firstRevision = (loaded.revision ?? -1) + 1;
      const recordedAt = this.clock.now().toISOString();
      const newEvents: NewEvent[] = decision.events.map((event, index) => ({
        id: deterministicEventId(`${streamId}/${meta.commandId}/${index}`),
        type: event.type,
        data: this.codec.encode(streamId, event.data),
        metadata: {
          commandId: meta.commandId,
          correlationId: meta.correlationId ?? meta.commandId,
          causationId: meta.causationId ?? meta.commandId,
          actor: meta.actor,
          recordedAt,
          effectiveAt,
          schemaVersion: SCHEMA_VERSION,
        },
      }));
      const chained = chainEvents(streamId, firstRevision, loaded.lastHash, newEvents);
      try {
        const result = await this.store.append(streamId, chained, loaded.revision ?? 'no_stream');
        if (result.nextExpectedRevision !== firstRevision + newEvents.length - 1) {
          // The store reported an earlier identical append: our cached view is stale.
          this.forget(streamId);
          return { status: 'duplicate', streamId, eventTypes: [], revision: result.nextExpectedRevision };
        }
        const weightBefore = this.weightOf(loaded);
        this.evolveCached(loaded, decision.events);
        loaded.revision = result.nextExpectedRevision;
        loaded.commandIds.add(meta.commandId);
        loaded.lastHash = chained.at(-1)!.metadata!.hash as string;
        this.grown(streamId, loaded, weightBefore);
        uncached?.decided(this.handedOut(loaded));
        return {
          status: 'accepted',
          streamId,
          eventTypes: decision.events.map((e) => e.type),
          position: result.position.toString(),
          revision: result.nextExpectedRevision,
        };
      } catch (error) {
        this.forget(streamId);
        if (error instanceof WrongExpectedRevisionError) {
          if (attempt < MAX_ATTEMPTS) {
            await conflictPause(attempt);
            continue;
          }
          throw new ConcurrencyConflictError(streamId, MAX_ATTEMPTS);
        }
        throw error;
      }
    }
  }

  /** The entry's state, handed out: later decisions copy what they change instead of changing it in place. */
  private handedOut(loaded: Loaded<S>): S {
    this.owned.delete(loaded);
    return loaded.state;
  }

  /** The cached state after the decision's events: in place where the cache alone holds what changes. */
  private evolveCached(loaded: Loaded<S>, events: readonly E[]): void {
    if (!this.evolveOwned) {
      for (const event of events) loaded.state = this.evolve(loaded.state, event);
      return;
    }
    let owned = this.owned.get(loaded);
    if (!owned) {
      owned = new WeakSet();
      this.owned.set(loaded, owned);
    }
    for (const event of events) loaded.state = this.evolveOwned(loaded.state, event, owned);
  }

  forget(streamId: string): void {
    const cached = this.cache.get(streamId);
    if (!cached) return;
    this.cache.delete(streamId);
    this.cachedWeight -= this.weightOf(cached);
  }

  /** What the cache holds now: streams, and their weight against the bound (streams, or events). */
  cacheUse(): { streams: number; weight: number } {
    return { streams: this.cache.size, weight: this.cachedWeight };
  }

  private weightOf(loaded: Loaded<S>): number {
    if (typeof this.cacheBound === 'number') return 1;
    return Math.max(1, (loaded.revision ?? -1) + 1 + (this.cacheBound.eventsPerStream ?? 0));
  }

  private remember(streamId: string, loaded: Loaded<S>): void {
    this.forget(streamId);
    this.cache.set(streamId, loaded);
    this.cachedWeight += this.weightOf(loaded);
    this.evictOverBound(streamId);
  }

  /** A cached state took more events (it stays the most recently used). */
  private grown(streamId: string, loaded: Loaded<S>, weightBefore: number): void {
    if (this.cache.get(streamId) !== loaded) return;
    this.cachedWeight += this.weightOf(loaded) - weightBefore;
    this.evictOverBound(streamId);
  }

  /** Least recently used first, never the stream just used (a stream heavier than the budget stays alone). */
  private evictOverBound(keep: string): void {
    const limit = typeof this.cacheBound === 'number' ? this.cacheBound : this.cacheBound.maxEvents;
    // Light states weigh more than their events (maps, sets, amounts): a stream bound caps their number too.
    const maxStreams =
      typeof this.cacheBound === 'number' ? Infinity : (this.cacheBound.maxStreams ?? Infinity);
    for (const [streamId, loaded] of this.cache) {
      if (this.cachedWeight <= limit && this.cache.size <= maxStreams) return;
      if (streamId === keep) continue;
      this.cache.delete(streamId);
      this.cachedWeight -= this.weightOf(loaded);
    }
  }
}
