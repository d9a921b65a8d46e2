import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus } from '@nestjs/cqrs';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { LeasedRunner, type LeaseOptions } from '../runner/leased-runner.js';
import type { ProjectionStatus } from '../runner/projection-runner.js';
import type { ReadModelDb } from '../runner/read-model-db.js';
import { eventBusFeedProjection } from './event-bus-feed.projection.js';
import type { StoredEventPublished, StoredEventReactor } from './stored-event-published.js';

/**
 * Feeds the @nestjs/cqrs event bus from the checkpointed subscription to the global log, so handlers and
 * sagas see every stored event — including those stored while this process was down — and a crash
 * between an event and its reaction loses nothing. One instance feeds the bus at a time (a lease). The
 * service's own reactions (StoredEventReactor) are given each event directly, before the bus.
 */
export class EventBusFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly worker: LeasedRunner;
  private upkeep?: NodeJS.Timeout;

  constructor(
    store: EventStore,
    bus: EventBus,
    private readonly db: ReadModelDb,
    private readonly lease?: LeaseOptions,
    /**
     * The service's own reactions, called directly: through the bus each cost a few µs of rxjs per event on
     * the command path (issue 18). The bus is given the event too whenever a handler or saga listens there.
     */
    reactors: readonly StoredEventReactor[] = [],
  ) {
    const publish = (event: StoredEventPublished) => {
      for (const reactor of reactors) react(reactor, event);
      if (bus.subject$.observed) bus.publish(event);
    };
    this.worker = new LeasedRunner(store, db, eventBusFeedProjection(publish), {
      lease,
      log: (message) => new Logger('EventBusFeed').log(message),
    });
  }

  get status(): ProjectionStatus & { held: boolean } {
    return { ...this.worker.runner.status, held: this.worker.held };
  }

  /** Resolves once the bus has been fed (and its tracked reactions finished) up to `position`. */
  waitFor(position: bigint, timeoutMs?: number): Promise<void> {
    return this.worker.runner.waitFor(position, timeoutMs);
  }

  // After the CQRS module registered the handlers and sagas (it bootstraps first, as an imported module).
  async onApplicationBootstrap(): Promise<void> {
    await this.worker.tend();
    if (this.lease) {
      this.upkeep = setInterval(
        () => void this.worker.tend().catch(() => undefined),
        Math.max(50, this.lease.ttlMs / 3),
      );
      this.upkeep.unref?.();
    }
  }

  /**
   * Stops feeding (the checkpoint covers what handlers were given) and hands the lease on. Call it before
   * Nest's close(): that unsubscribes the handlers first, and events fed after would reach nobody.
   */
  async stop(): Promise<void> {
    if (this.upkeep) clearInterval(this.upkeep);
    await this.worker.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
    await this.db.close();
  }
}

/**
 * As the bus runs a handler: what it throws, or a promise it returns rejects with, is logged and does not stop
 * the feed (only work handed to `track` does).
 */
function react(reactor: StoredEventReactor, event: StoredEventPublished): void {
  const failed = (error: unknown) =>
    new Logger('EventBusFeed').error(
      `"${reactor.constructor.name}" has thrown an unhandled exception.`,
      (error as Error)?.stack ?? String(error),
    );
  try {
    const result: unknown = reactor.handle(event);
    if (result instanceof Promise) result.catch(failed);
  } catch (error) {
    failed(error);
  }
}
