import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import type { Projection } from './projection.js';
import { ProjectionLease } from './projection-lease.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionRunner } from './projection-runner.js';
import type { ReadModelDb } from './read-model-db.js';

export interface LeaseOptions {
  /** This instance's name in the lease and in status. */
  holder: string;
  /** How long the lease lasts without renewal: how long a crashed holder's work waits for another instance. */
  ttlMs: number;
}

/**
 * One checkpointed consumer that must run on exactly one instance at a time, but is not a read model ops
 * rebuild (its effects are commands or documents, not tables): the timeline planner, the document issuer,
 * the event-bus feed. `tend()` takes or renews the lease and starts or stops the runner accordingly; every
 * batch is fenced by the lease, so an instance paused past its expiry cannot commit after a takeover.
 * Without lease options it simply runs (a single process: tests, the simulation).
 */
export class LeasedRunner {
  readonly runner: ProjectionRunner;
  readonly lease?: ProjectionLease;
  private holding = false;
  private stopped = false;
  /** Serialises tend/stop so a start and a stop never interleave. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    store: EventStore,
    readonly db: ReadModelDb,
    projection: Projection,
    options: { lease?: LeaseOptions; batchSize?: number; log?: (message: string) => void } = {},
  ) {
    const { lease, batchSize, log } = options;
    if (lease) this.lease = new ProjectionLease(db, projection.name, lease.holder, lease.ttlMs);
    this.log = log ?? (() => undefined);
    this.runner = new ProjectionRunner(store, db, projection, {
      batchSize,
      // Its own subscription, not the shared reader: a worker's apply acts (sends commands, waits on a
      // handler or a gateway) and may take long or wait for a read model; in lockstep with the read models
      // it would hold them all back, or wait on itself. One that only writes its tables (the planner) shares.
      reader: projection.sharesLogReader ? undefined : false,
      fence: this.lease?.fence,
      holder: lease?.holder,
      onLeaseLost: () => void this.serialised(() => this.lose()),
    });
  }

  private readonly log: (message: string) => void;

  get name(): string {
    return this.runner.projection.name;
  }

  /** True while this instance runs the consumer. */
  get held(): boolean {
    return this.holding;
  }

  /** Takes the lease when free (starting the runner), renews it when held, stops the runner when lost. */
  tend(): Promise<boolean> {
    return this.serialised(async () => {
      if (this.stopped) return false;
      if (!this.lease) {
        if (!this.holding) await this.take();
        return true;
      }
      if (!this.holding) {
        await new ProjectionRegistry(this.db).ensureSchema();
        if (await this.lease.tryAcquire()) await this.take();
      } else if (!(await this.lease.renew())) {
        await this.lose();
      }
      if (this.holding) await this.recover();
      return this.holding;
    });
  }

  /**
   * A storage failure (no event to blame) is retried from the checkpoint at once; a failing event waits for
   * ops to fix the cause and ask for a resume (`npm run projections -- resume <name>`, or over HTTP).
   */
  private async recover(): Promise<void> {
    const registry = new ProjectionRegistry(this.db);
    const [request] = await registry.requests(this.name, ['pending']);
    const failed = this.runner.status.state === 'failed';
    if (request?.kind === 'resume') {
      await registry.updateRequest(request.id, 'running', {});
      await this.runner.stop();
      await this.runner.start();
      await registry.updateRequest(request.id, 'done', {});
    } else if (request) {
      await registry.updateRequest(request.id, 'failed', {
        error: { message: `${this.name} builds no read model: it can be resumed, not replayed` },
      });
    } else if (failed && !this.runner.status.lastError?.eventId) {
      await this.runner.stop();
      await this.runner.start();
    }
  }

  private async take(): Promise<void> {
    this.holding = true;
    if (this.lease) this.log(`${this.name}: lease taken by ${this.lease.holder}`);
    await this.runner.start();
  }

  private async lose(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    this.log(`${this.name}: lease lost by ${this.lease?.holder}`);
    await this.runner.stop().catch(() => undefined);
  }

  /** Stops the runner (committing what it received) and hands the lease to the next instance. */
  stop(): Promise<void> {
    return this.serialised(async () => {
      this.stopped = true;
      if (!this.holding) return;
      this.holding = false;
      await this.runner.stop().catch(() => undefined);
      await this.lease?.release().catch(() => undefined);
    });
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }
}
