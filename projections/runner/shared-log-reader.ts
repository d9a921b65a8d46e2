import type {
  AllFilter,
  EventStore,
  RecordedEvent,
  Subscription,
} from '../../src/platform/event-store/event-store.port.js';

/** What a consumer of the shared reader is told; `deliver` resolving is the consumer's backpressure. */
export interface LogConsumer {
  filter?: AllFilter;
  /** Events after the consumer's position that its filter keeps, in order; never an empty list. */
  deliver(events: RecordedEvent[]): Promise<void>;
  /**
   * The reader took the consumer past `position` and its filter kept nothing more up to there: every event
   * it wants up to `position` has been delivered, so it may checkpoint there (a read model whose filter
   * matches little need not read the log again from its last match on a restart).
   */
  passed?(position: bigint): void;
  /** Everything stored so far has been delivered (may be called more than once). */
  onCaughtUp?(): void;
  /** The consumer was detached: its own `deliver` failed, or the log could not be read. */
  onError?(error: Error): void;
}

/** A consumer's handle: stop detaches it once the delivery in flight to it (if any) has settled. */
export interface SharedSubscription extends Subscription {
  /** True once the consumer has caught up on its own and receives the shared pages. */
  readonly joined: boolean;
}

interface Attached {
  consumer: LogConsumer;
  /** The last position this consumer has been given (or skipped past): pages deliver only what follows. */
  position: bigint;
  inFlight: Promise<void>;
  stopped: boolean;
  /** The reading (a store subscription) this consumer is attached to; -1 until it joins one. */
  generation: number;
}

export function matchesFilter(filter: AllFilter | undefined, event: RecordedEvent): boolean {
  if (!filter) return true;
  if (filter.eventTypes?.length && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes?.length && !filter.streamPrefixes.some((p) => event.streamId.startsWith(p)))
    return false;
  return true;
}

const readers = new WeakMap<EventStore, SharedLogReader>();

/**
 * One reader of the global log per process and store, for every checkpointed consumer (read models,
 * planner, issuer, feed): each page is read and JSON-decoded once and fanned out, filtered in memory, to
 * every consumer at that position — eight subscriptions each decoding the whole log cost more than the
 * read models' own work. Lockstep with backpressure: the next page goes out only once every consumer has
 * accepted this one (a cache of pages ahead of the slowest consumer was measured ×2 slower: it evicts what
 * the others still need). A consumer far behind (a rebuild of one projection) reads on its own, filtered,
 * until it reaches the shared position, then joins. Checkpoints stay each consumer's own business.
 */
export class SharedLogReader {
  private readonly attached = new Set<Attached>();
  private subscription?: Subscription;
  /** Last position taken out of the buffer for fan-out; a joiner at or past it needs nothing before it. */
  private dispatched = 0n;
  private buffer: RecordedEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private caughtUp = false;
  private holds = 0;
  /** Joined while held: where the reader starts is the lowest of their positions. */
  private waiting: Attached[] = [];
  private generation = 0;

  constructor(
    private readonly store: EventStore,
    private readonly pageSize = 500,
  ) {}

  /** The process-wide reader of `store`. */
  static of(store: EventStore): SharedLogReader {
    let reader = readers.get(store);
    if (!reader) readers.set(store, (reader = new SharedLogReader(store)));
    return reader;
  }

  /** Consumers attached (joined) right now; for status and tests. */
  get consumers(): number {
    return this.attached.size;
  }

  /**
   * While held, a reader not yet reading does not start: consumers started together (every projection
   * of a host) then all join at their checkpoints and the reader starts at the lowest of them.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.waiting.length > 0 && !this.subscription) this.begin();
    };
  }

  /** Delivers, to `consumer`, every event its filter keeps after `afterPosition` (0 or omitted: from the start). */
  subscribe(afterPosition: bigint | undefined, consumer: LogConsumer): SharedSubscription {
    let resolveCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
    const entry: Attached = {
      consumer: {
        ...consumer,
        onCaughtUp: () => {
          resolveCaughtUp();
          consumer.onCaughtUp?.();
        },
      },
      position: afterPosition ?? 0n,
      inFlight: Promise.resolve(),
      stopped: false,
      generation: -1,
    };
    let catchingUp: Promise<void> = Promise.resolve();
    if (!this.subscription && this.holds > 0) this.waiting.push(entry);
    else catchingUp = this.catchUpAndJoin(entry);
    return {
      caughtUp,
      get joined() {
        return entry.generation >= 0 && !entry.stopped;
      },
      stop: async () => {
        entry.stopped = true;
        this.waiting = this.waiting.filter((w) => w !== entry);
        await catchingUp.catch(() => undefined);
        await entry.inFlight.catch(() => undefined);
        this.detach(entry);
      },
    };
  }

  /** Reads, filtered, on the consumer's own until it reaches the shared position, then joins it. */
  private async catchUpAndJoin(entry: Attached): Promise<void> {
    try {
      for (;;) {
        if (entry.stopped) return;
        if (!this.subscription) {
          // Nobody reads yet: this consumer starts the shared reader at its own position.
          this.waiting.push(entry);
          if (this.holds === 0) this.begin();
          return;
        }
        const target = this.dispatched;
        if (entry.position >= target) return this.attach(entry);
        const page = await this.store.readAll({
          afterPosition: entry.position,
          maxCount: this.pageSize,
          filter: entry.consumer.filter,
        });
        const upTo = page.filter((event) => event.position <= target);
        if (entry.stopped) return;
        if (upTo.length > 0) {
          entry.inFlight = entry.consumer.deliver(upTo);
          await entry.inFlight;
        }
        const delivered = upTo.at(-1)?.position ?? entry.position;
        // A full page wholly before the target may have more after it; else everything up to the target
        // the filter keeps has been delivered.
        entry.position =
          upTo.length === this.pageSize
            ? upTo.at(-1)!.position
            : target > entry.position
              ? target
              : entry.position;
        if (entry.position > delivered) entry.consumer.passed?.(entry.position);
        // No await between this check and attaching: no page can be taken out in between.
        if (!entry.stopped && this.subscription && this.dispatched === entry.position)
          return this.attach(entry);
      }
    } catch (error) {
      entry.stopped = true;
      entry.consumer.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private attach(entry: Attached): void {
    if (entry.stopped) return;
    entry.generation = this.generation;
    this.attached.add(entry);
    if (this.caughtUp && this.queued === 0) entry.consumer.onCaughtUp?.();
  }

  private detach(entry: Attached): void {
    this.attached.delete(entry);
    if (this.attached.size === 0 && this.waiting.length === 0 && this.subscription) {
      // Nobody left: stop reading; the next consumer starts a fresh reader at its own position.
      const subscription = this.subscription;
      this.subscription = undefined;
      this.generation++;
      this.caughtUp = false;
      void this.chain.then(() => subscription.stop());
    }
  }

  private begin(): void {
    const joining = this.waiting;
    this.waiting = [];
    const start = joining.reduce<bigint | undefined>(
      (lowest, entry) => (lowest === undefined || entry.position < lowest ? entry.position : lowest),
      undefined,
    );
    this.dispatched = start ?? 0n;
    this.buffer = [];
    this.caughtUp = false;
    const generation = ++this.generation;
    for (const entry of joining) {
      if (entry.stopped) continue;
      entry.generation = generation;
      this.attached.add(entry);
    }
    // The store may call onEvent before subscribeToAll returns: the generation, not the handle, says
    // whether this reading is still the current one.
    const isCurrent = () => this.generation === generation;
    this.subscription = this.store.subscribeToAll(
      this.dispatched > 0n ? { afterPosition: this.dispatched } : {},
      {
        onEvent: async (event) => {
          if (!isCurrent()) return;
          this.caughtUp = false;
          // Backpressure: the store's read waits while a page is being taken up by the consumers.
          if (this.queued > 0 && this.buffer.length === 0) await this.chain;
          this.buffer.push(event);
          if (this.buffer.length >= this.pageSize) await this.takePage();
        },
        onCaughtUp: () => {
          if (!isCurrent()) return;
          void this.takePage().then(() => {
            if (!isCurrent() || this.buffer.length > 0 || this.queued > 0) return;
            this.caughtUp = true;
            for (const entry of [...this.attached]) entry.consumer.onCaughtUp?.();
          });
        },
        onError: (error) => {
          if (!isCurrent()) return;
          this.subscription = undefined;
          this.generation++;
          void this.chain.then(() => {
            for (const entry of [...this.attached]) {
              if (entry.generation !== generation) continue;
              this.attached.delete(entry);
              entry.stopped = true;
              entry.consumer.onError?.(error);
            }
          });
        },
      },
    );
  }

  /** Takes the buffered events out as one page and fans it out after the pages before it. */
  private takePage(): Promise<void> {
    if (this.buffer.length === 0) return this.chain;
    const page = this.buffer;
    this.buffer = [];
    this.dispatched = page.at(-1)!.position;
    this.queued++;
    const generation = this.generation;
    this.chain = this.chain.then(() => this.fanOut(page, generation)).finally(() => void this.queued--);
    return this.chain;
  }

  /** One page to every attached consumer, each given only what follows its position; waits for all. */
  private async fanOut(page: RecordedEvent[], generation: number): Promise<void> {
    const last = page.at(-1)!.position;
    const deliveries: Promise<void>[] = [];
    for (const entry of [...this.attached]) {
      // A consumer of a later reading (the reader restarted) is not given an earlier reading's pages.
      if (entry.stopped || entry.generation !== generation || entry.position >= last) continue;
      const after = entry.position;
      const events = page.filter((e) => e.position > after && matchesFilter(entry.consumer.filter, e));
      entry.position = last;
      if (events.length === 0) {
        entry.consumer.passed?.(last);
        continue;
      }
      entry.inFlight = entry.consumer.deliver(events);
      // Handed over (a consumer takes a page in synchronously): nothing more for it up to the page's end.
      if (events.at(-1)!.position < last) entry.consumer.passed?.(last);
      deliveries.push(
        entry.inFlight.catch((error: unknown) => {
          // This consumer alone is detached; the others' pages and checkpoints are untouched.
          entry.stopped = true;
          this.attached.delete(entry);
          entry.consumer.onError?.(error instanceof Error ? error : new Error(String(error)));
        }),
      );
    }
    await Promise.all(deliveries);
  }
}
