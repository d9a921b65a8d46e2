import type { IEvent, IEventHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';

/**
 * A stored event as the @nestjs/cqrs event bus carries it to handlers and sagas: the recorded event with
 * its position, stream, type, data and metadata. Handlers filter on `event.type`.
 *
 * The feed moves its checkpoint only after the work a handler hands to `track` has finished, so a crash
 * in between delivers the event again (at least once): handlers must be idempotent, for example by
 * deriving command ids from `event.id`.
 */
export class StoredEventPublished implements IEvent {
  private readonly reactions: Promise<unknown>[] = [];

  constructor(
    readonly event: RecordedEvent,
    /**
     * Which run of the feed delivered it (the feed counts its starts in this process). Within one run the feed
     * delivers every event of the log after its checkpoint, in order, without a gap, so a handler may rely
     * on what earlier events of the same run told it; a new run (a restart, a lease taken back after
     * another instance fed meanwhile) may follow a gap. Undefined: not from the feed.
     */
    readonly feedRun?: number,
  ) {}

  /** Hands in a reaction's work; the feed waits for it (and stops at the event if it fails). */
  track<T>(work: Promise<T>): Promise<T> {
    this.reactions.push(work);
    return work;
  }

  /** Whether a handler handed in work (the feed waits only then). */
  get reacting(): boolean {
    return this.reactions.length > 0;
  }

  /** Resolves when every tracked reaction finished; rejects with the first that failed. */
  async settled(): Promise<void> {
    await Promise.all(this.reactions);
  }
}

/**
 * A reaction the service itself runs on every stored event (the event metrics, the alert reactor): the feed
 * gives it each event directly, in log order, before the bus; it hands lasting work to `track` as a bus
 * handler does.
 */
export type StoredEventReactor = IEventHandler<StoredEventPublished>;
