import type { EventStore } from '../platform/event-store/event-store.port.js';
import { LeasedRunner, type LeaseOptions } from '../../projections/runner/leased-runner.js';
import type { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import {
  DEFAULT_RETRY_POLICY,
  DeliveryOutbox,
  documentDeliveryProjection,
  type DeliverySending,
  type RetryPolicy,
} from '../../projections/workers/document-delivery.projection.js';

export interface DeliveryWorkerOptions {
  lease?: LeaseOptions;
  log?: (message: string) => void;
  retry?: RetryPolicy;
  /** How often the holder looks for due deliveries (ms). */
  pollMs?: number;
  /** Real time for back-off (deliveries meet real networks, whatever the engine's clock). */
  now?: () => number;
  /** Documents stored before this instant are not delivered (DELIVERY_SINCE). */
  since?: string;
}

/**
 * The document delivery worker: the outbox projection (`document-delivery`) under its lease, plus the
 * dispatcher the lease holder runs every `pollMs` — it sends what is due and records each outcome.
 */
export class DeliveryWorker {
  readonly leased: LeasedRunner;
  readonly outbox: DeliveryOutbox;
  private timer?: NodeJS.Timeout;
  private upkeep?: NodeJS.Timeout;
  private dispatching: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    readonly db: ReadModelDb,
    private readonly sending: DeliverySending,
    private readonly options: DeliveryWorkerOptions = {},
  ) {
    this.leased = new LeasedRunner(store, db, documentDeliveryProjection({ since: options.since }), {
      lease: options.lease,
      log: options.log,
      batchSize: 100,
    });
    this.outbox = new DeliveryOutbox(db, options.retry ?? DEFAULT_RETRY_POLICY, options.now);
  }

  get runner(): ProjectionRunner {
    return this.leased.runner;
  }

  /** Whether this instance delivers now (always, without a lease). */
  get held(): boolean {
    return this.leased.held;
  }

  async start(): Promise<void> {
    await this.leased.tend();
    const pollMs = this.options.pollMs ?? 1_000;
    this.timer = setInterval(
      () =>
        void this.dispatchDue().catch((error: unknown) =>
          // The round is retried at the next tick; the message names no secret (senders scrub theirs).
          this.options.log?.(
            `document-delivery: a dispatch round failed: ${(error as Error)?.message ?? error}`,
          ),
        ),
      pollMs,
    );
    this.timer.unref?.();
    if (this.options.lease) {
      this.upkeep = setInterval(
        () => void this.leased.tend().catch(() => undefined),
        Math.max(50, this.options.lease.ttlMs / 3),
      );
      this.upkeep.unref?.();
    }
  }

  /** One round: every due delivery, in batches, one at a time; rounds never overlap. */
  dispatchDue(): Promise<number> {
    const run = this.dispatching.then(async () => {
      let total = 0;
      while (!this.stopped && this.leased.held) {
        const sent = await this.outbox.dispatchDue(this.sending, this.leased.lease?.fence);
        total += sent;
        if (sent < 50) break;
      }
      return total;
    });
    this.dispatching = run.catch(() => undefined);
    return run;
  }

  /** Tests and tools: every stored event planned, then everything due now sent. */
  async settle(): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== undefined && this.leased.held) await this.runner.waitFor(head);
    await this.dispatchDue();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.upkeep) clearInterval(this.upkeep);
    await this.dispatching.catch(() => undefined);
    await this.leased.stop();
  }
}
