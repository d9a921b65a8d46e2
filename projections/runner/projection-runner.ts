import type {
  EventStore,
  RecordedEvent,
  Subscription,
} from '../../src/platform/event-store/event-store.port.js';
import type { Projection } from './projection.js';
import { LeaseLostError } from './projection-lease.js';
import { ProjectionRegistry, type ProjectionError, type ProjectionState } from './projection-registry.js';
import type { ReadModelDb } from './read-model-db.js';
import { SharedLogReader } from './shared-log-reader.js';

export type { ProjectionState } from './projection-registry.js';

export interface ProjectionStatus {
  name: string;
  /** The projection's code version. */
  version: number;
  /** Which build (set of tables) this runner maintains. */
  build: number;
  state: ProjectionState;
  /** Position of the last applied event (checkpoint), as a string. */
  position: string | null;
  /** Events applied to this build since it was created. */
  eventsApplied: number;
  lastError?: ProjectionError;
}

export interface RunnerOptions {
  /** Events per read-model transaction once live (500 by default). */
  batchSize?: number;
  /**
   * Events per transaction while catching up: fewer commits on a rebuild or a restart (5 000 by default,
   * `batchSize` when that is given).
   */
  catchUpBatchSize?: number;
  /**
   * Where the events come from: the process's shared reader of this store (the default: the log read and
   * decoded once for every consumer), another shared reader, or `false` for a subscription of its own.
   */
  reader?: SharedLogReader | false;
  /** The build to maintain; defaults to the projection's code version (tables `<name>_v<version>`). */
  build?: number;
  /** Runs inside every batch's transaction; throws LeaseLostError once this instance lost the projection. */
  fence?: (db: ReadModelDb) => Promise<void>;
  /** Told when a batch was refused by the fence: the runner has stopped and applied nothing more. */
  onLeaseLost?: () => void;
  /** Recorded with the state, so status shows who runs the projection. */
  holder?: string;
}

export class PoisonEventError extends Error {
  override readonly name = 'PoisonEventError';
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super(
      `Projection ${projection} cannot apply ${event.type} ${event.id} at position ${event.position} ` +
        `(stream ${event.streamId}): ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

/** Marks an error thrown by the projection's own code, as opposed to the storage failing around it. */
class ApplyError extends Error {
  constructor(
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** Thrown by a projection's applyBatch: which event failed is found by applying the batch again, one by one. */
class BatchApplyError extends Error {
  constructor(override readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/**
 * Keeps one build of one projection up to date from the global log. Each batch of events and the
 * checkpoint commit in one read-model transaction, so after a crash every event has been applied exactly
 * once. An event the projection cannot apply stops it with an error naming the event; it is never skipped.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private pending: RecordedEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  /** Set when the runner must apply nothing more (failed, lease lost, stopping). */
  private halted = false;
  private checkpoint: bigint | undefined;
  /** How far the shared reader took this runner with nothing more for it (LogConsumer.passed). */
  private passedTo: bigint | undefined;
  private readonly tables = new Set<string>();
  /** Table names by short name: `table` runs for every statement of every event. */
  private readonly tableNames = new Map<string, string>();
  readonly status: ProjectionStatus;
  readonly registry: ProjectionRegistry;
  readonly build: number;
  private readonly batchSize: number;
  private readonly catchUpBatchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    readonly projection: Projection,
    options: RunnerOptions | number = {},
  ) {
    const opts = typeof options === 'number' ? { batchSize: options } : options;
    this.options = opts;
    this.batchSize = opts.batchSize ?? 500;
    // A batch size given explicitly holds for catch-up too (tests and tools that size their transactions).
    this.catchUpBatchSize = opts.catchUpBatchSize ?? (opts.batchSize === undefined ? 5_000 : this.batchSize);
    this.build = opts.build ?? projection.version;
    this.registry = new ProjectionRegistry(db);
    this.status = {
      name: projection.name,
      version: projection.version,
      build: this.build,
      state: 'stopped',
      position: null,
      eventsApplied: 0,
    };
  }

  private readonly options: RunnerOptions;

  /** The name of one of this build's tables; readers in this process may use it too. */
  table = (name: string): string => {
    let table = this.tableNames.get(name);
    if (table === undefined) {
      table = ProjectionRegistry.tableName(name, this.build);
      this.tableNames.set(name, table);
      this.tables.add(table);
    }
    return table;
  };

  /** Sets up the tables and loads the checkpoint, without subscribing (see applyUntil). */
  async prepare(): Promise<void> {
    await this.registry.ensureBuild(this.projection.name, this.build, this.projection.version);
    await this.projection.setup(this.db, this.table);
    await this.registry.recordTables(this.projection.name, this.build, this.tables);
    const row = (await this.registry.build(this.projection.name, this.build))!;
    this.checkpoint = row.position === null ? undefined : BigInt(row.position);
    this.status.position = row.position;
    this.status.eventsApplied = row.eventsApplied;
    this.status.lastError = undefined;
    this.halted = false;
    this.pending = [];
    this.passedTo = undefined;
  }

  async start(): Promise<void> {
    await this.prepare();
    await this.setState('catching-up');
    const onCaughtUp = () => {
      void this.flush().then(() => {
        if (this.status.state === 'catching-up') return this.setState('live');
      });
    };
    const onError = (error: Error) => void this.fail(error);
    const reader = this.options.reader ?? SharedLogReader.of(this.store);
    this.subscription = reader
      ? reader.subscribe(this.checkpoint, {
          filter: this.projection.filter,
          deliver: (events) => this.enqueueAll(events),
          passed: (position) => this.passed(position),
          onCaughtUp,
          onError,
        })
      : this.store.subscribeToAll(
          { afterPosition: this.checkpoint, filter: this.projection.filter },
          { onEvent: (event) => this.enqueue(event), onCaughtUp, onError },
        );
  }

  /** A page from the shared reader; resolving late (a full batch committing) holds the reader back. */
  private async enqueueAll(events: RecordedEvent[]): Promise<void> {
    if (this.halted) return;
    for (const event of events) this.pending.push(event);
    await this.flushWhenFull();
  }

  /**
   * Events its filter skips move the checkpoint too: with the next batch, or — when the reader has caught
   * up with nothing pending, once they span a batch's worth of positions, and at `stop` — in a transaction
   * of their own. Otherwise a read model whose filter matched nothing for long would read the log again
   * from its last match on every restart.
   */
  private passed(position: bigint): void {
    if (!this.halted) this.passedTo = position;
  }

  /** Skipped events span a batch's worth of positions past the checkpoint. */
  private passedFar(): boolean {
    const size = this.status.state === 'catching-up' ? this.catchUpBatchSize : this.batchSize;
    return this.passedTo !== undefined && this.passedTo - (this.checkpoint ?? 0n) >= BigInt(size);
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    if (this.halted) return;
    this.pending.push(event);
    await this.flushWhenFull();
  }

  private async flushWhenFull(): Promise<void> {
    const size = this.status.state === 'catching-up' ? this.catchUpBatchSize : this.batchSize;
    if (this.pending.length >= size) {
      await this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /** Applies the pending events; serialised so batches commit in order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.applyPending());
    return this.flushing;
  }

  private async applyPending(): Promise<void> {
    if (this.halted) return;
    if (this.pending.length === 0) return this.checkpointPassed(false);
    const batch = this.pending;
    this.pending = [];
    // Every event the filter keeps up to here is in this batch or before it.
    const passed = this.passedTo;
    try {
      try {
        await this.applyInTransaction(batch, this.projection.applyBatch !== undefined, passed);
      } catch (error) {
        if (!(error instanceof BatchApplyError)) throw error;
        // Rolled back: the same events once more through `apply`, which finds the poison one.
        await this.applyInTransaction(batch, false, passed);
      }
    } catch (error) {
      if (!(error instanceof ApplyError)) return this.failOutside(error);
      // Commit the events before the poison one, then stop at it: the checkpoint names exactly where.
      const before = batch.slice(0, batch.indexOf(error.event));
      try {
        if (before.length > 0) await this.applyInTransaction(before, false);
      } catch (again) {
        if (!(again instanceof ApplyError)) return this.failOutside(again);
      }
      await this.fail(new PoisonEventError(this.projection.name, error.event, error.cause), error.event);
    }
  }

  private async failOutside(error: unknown): Promise<void> {
    if (error instanceof LeaseLostError) {
      this.halted = true;
      this.pending = [];
      void this.subscription?.stop();
      this.status.state = 'stopped';
      this.options.onLeaseLost?.();
      return;
    }
    await this.fail(error as Error);
  }

  /**
   * The checkpoint moved over skipped events alone (see `passed`), fenced as every batch: once they span a
   * batch's worth of positions, or at `stop` (`always`) — not a commit each time the reader catches up live.
   */
  private async checkpointPassed(always: boolean): Promise<void> {
    const position = this.passedTo;
    if (this.halted || position === undefined) return;
    if (this.checkpoint !== undefined && position <= this.checkpoint) return;
    if (!always && !this.passedFar()) return;
    try {
      await this.db.transaction(async (db) => {
        await this.options.fence?.(db);
        await this.registry.checkpoint(db, this.projection.name, this.build, position, 0);
      });
    } catch (error) {
      return this.failOutside(error);
    }
    this.checkpoint = position;
    this.status.position = position.toString();
  }

  /**
   * `whole`: through the projection's applyBatch, in one call (see Projection.applyBatch). `passed`: where
   * the checkpoint may go past the last event, over skipped ones (only when `events` is all that was pending).
   */
  private async applyInTransaction(events: RecordedEvent[], whole: boolean, passed?: bigint): Promise<void> {
    const last = events.at(-1)!;
    const checkpoint = passed !== undefined && passed > last.position ? passed : last.position;
    await this.db.transaction(async (db) => {
      if (whole) {
        try {
          await this.projection.applyBatch!(db, events, this.table);
        } catch (error) {
          throw new BatchApplyError(error);
        }
      } else {
        for (const event of events) {
          try {
            await this.projection.apply(db, event, this.table);
          } catch (error) {
            throw new ApplyError(event, error);
          }
        }
      }
      // Last, just before commit: a holder stalled mid-batch does not block a takeover, and cannot
      // commit once it has happened.
      await this.options.fence?.(db);
      await this.registry.checkpoint(db, this.projection.name, this.build, checkpoint, events.length);
    });
    this.checkpoint = checkpoint;
    this.status.position = checkpoint.toString();
    this.status.eventsApplied += events.length;
  }

  private async fail(error: Error, event?: RecordedEvent): Promise<void> {
    this.halted = true;
    this.pending = [];
    this.status.lastError = {
      message: error.message,
      ...(event
        ? {
            eventId: event.id,
            eventType: event.type,
            position: event.position.toString(),
            streamId: event.streamId,
          }
        : {}),
    };
    void this.subscription?.stop();
    await this.setState('failed');
  }

  private async setState(state: ProjectionState): Promise<void> {
    this.status.state = state;
    try {
      await this.registry.setState(
        this.projection.name,
        this.build,
        state,
        this.status.lastError ?? null,
        this.options.holder ?? null,
      );
    } catch {
      // Status is informational; the storage error itself surfaces on the next batch.
    }
  }

  /**
   * Applies, without a subscription, every event the projection cares about up to `target` (inclusive):
   * used to bring two builds to exactly the same point before comparing them.
   */
  async applyUntil(target: bigint): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({
        afterPosition: this.checkpoint,
        maxCount: this.batchSize,
        filter: this.projection.filter,
      });
      const upTo = page.filter((event) => event.position <= target);
      if (upTo.length === 0) return;
      this.pending = upTo;
      await this.flush();
      if (this.status.state === 'failed') throw new Error(this.status.lastError?.message);
      if (this.halted) throw new Error(`Projection ${this.projection.name} stopped: lease lost`);
      if (upTo.length < page.length || page.length < this.batchSize) return;
    }
  }

  /**
   * Resolves once the projection has applied every event it cares about up to `position`
   * (read-your-writes). Events its filter skips never move the checkpoint, so those are looked up.
   */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.status.state === 'failed') throw new Error(this.status.lastError?.message);
      if (this.checkpoint !== undefined && this.checkpoint >= position) return;
      if (this.pending.length === 0) {
        const [next] = await this.store.readAll({
          afterPosition: this.checkpoint,
          maxCount: 1,
          filter: this.projection.filter,
        });
        if (!next || next.position > position) return;
      }
      if (Date.now() > deadline)
        throw new Error(`Projection ${this.projection.name} did not reach ${position} in time`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops delivery and commits what was already received. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    await this.flush();
    await (this.flushing = this.flushing.then(() => this.checkpointPassed(true)));
    if (this.status.state !== 'failed' && this.status.state !== 'stopped') await this.setState('stopped');
  }
}
