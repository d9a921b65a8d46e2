import type { EventStore, RecordedEvent, Subscription } from '../../src/event-store/event-store.port.js';
import type { Projection } from './projection.js';
import type { ReadModelDb } from './read-model-db.js';

export type ProjectionState = 'stopped' | 'catching-up' | 'live' | 'failed';

export interface ProjectionStatus {
  name: string;
  version: number;
  state: ProjectionState;
  /** Position of the last applied event (checkpoint), as a string. */
  position: string | null;
  eventsApplied: number;
  lastError?: { message: string; eventId: string; eventType: string; position: string; streamId: string };
}

const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (name, version))`;

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

/**
 * Keeps one projection up to date from the global log. Each batch of events and the checkpoint commit
 * in one read-model transaction, so after a crash every event has been applied exactly once. An event
 * the projection cannot apply stops it with an error naming the event; it is never skipped.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private pending: RecordedEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  readonly status: ProjectionStatus;
  private checkpoint: bigint | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    readonly projection: Projection,
    private readonly batchSize = 500,
  ) {
    this.status = {
      name: projection.name,
      version: projection.version,
      state: 'stopped',
      position: null,
      eventsApplied: 0,
    };
  }

  table = (name: string) => `${name}_v${this.projection.version}`;

  async start(): Promise<void> {
    await this.db.run(CHECKPOINTS);
    await this.projection.setup(this.db, this.table);
    const row = await this.db.get<{ position: string }>(
      'SELECT position FROM projection_checkpoints WHERE name = $1 AND version = $2',
      [this.projection.name, this.projection.version],
    );
    this.checkpoint = row ? BigInt(row.position) : undefined;
    this.status.position = row?.position ?? null;
    this.status.state = 'catching-up';
    this.subscription = this.store.subscribeToAll(
      { afterPosition: this.checkpoint, filter: this.projection.filter },
      {
        onEvent: (event) => this.enqueue(event),
        onCaughtUp: () => {
          void this.flush().then(() => {
            if (this.status.state === 'catching-up') this.status.state = 'live';
          });
        },
        onError: (error) => this.fail(error),
      },
    );
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    this.pending.push(event);
    if (this.pending.length >= this.batchSize) {
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
    if (this.status.state === 'failed' || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.applyInTransaction(batch);
    } catch {
      // Find the poison event: apply one event per transaction up to the one that fails.
      for (const event of batch) {
        try {
          await this.applyInTransaction([event]);
        } catch (error) {
          this.fail(new PoisonEventError(this.projection.name, event, error), event);
          return;
        }
      }
    }
  }

  private async applyInTransaction(events: RecordedEvent[]): Promise<void> {
    const last = events.at(-1)!;
    await this.db.transaction(async (db) => {
      for (const event of events) await this.projection.apply(db, event, this.table);
      await db.run(
        `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name, version) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
        [this.projection.name, this.projection.version, last.position.toString(), new Date().toISOString()],
      );
    });
    this.checkpoint = last.position;
    this.status.position = last.position.toString();
    this.status.eventsApplied += events.length;
  }

  private fail(error: Error, event?: RecordedEvent): void {
    this.status.state = 'failed';
    this.status.lastError = {
      message: error.message,
      eventId: event?.id ?? '',
      eventType: event?.type ?? '',
      position: event?.position.toString() ?? '',
      streamId: event?.streamId ?? '',
    };
    void this.subscription?.stop();
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

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.flush();
    if (this.status.state !== 'failed') this.status.state = 'stopped';
  }
}
