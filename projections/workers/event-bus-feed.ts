import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus } from '@nestjs/cqrs';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { LeasedRunner, type LeaseOptions } from '../runner/leased-runner.js';
import type { ProjectionStatus } from '../runner/projection-runner.js';
import type { ReadModelDb } from '../runner/read-model-db.js';
import { eventBusFeedProjection } from './event-bus-feed.projection.js';

/**
 * Feeds the @nestjs/cqrs event bus from the checkpointed subscription to the global log, so handlers and
 * sagas see every stored event — including those stored while this process was down — and a crash
 * between an event and its reaction loses nothing. One instance feeds the bus at a time (a lease).
 */
export class EventBusFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly worker: LeasedRunner;
  private upkeep?: NodeJS.Timeout;

  constructor(
    store: EventStore,
    bus: EventBus,
    private readonly db: ReadModelDb,
    private readonly lease?: LeaseOptions,
  ) {
    this.worker = new LeasedRunner(
      store,
      db,
      eventBusFeedProjection((event) => void bus.publish(event)),
      { lease, log: (message) => new Logger('EventBusFeed').log(message) },
    );
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
