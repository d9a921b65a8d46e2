import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import type { ProjectionIdentity } from '../runner/projection.js';
import { ProjectionLease } from '../runner/projection-lease.js';
import { ProjectionRegistry, type BuildRow } from '../runner/projection-registry.js';
import type { ReadModelDb } from '../runner/read-model-db.js';

/** The reads served from read models, as the fallback metric labels them. */
export const READS = [
  'account-summary',
  'account-documents',
  'billing-report',
  'reconciliation-report',
  'account-list',
  'refunds',
  'cost-query',
] as const;
export type ReadName = (typeof READS)[number];

/** A query on one build of a read model: `table('documents')` is that build's table. */
export type ReadModelQuery<T> = (db: ReadModelDb, table: (name: string) => string) => Promise<T>;

export type ReadOutcome<T> = { served: true; value: T } | { served: false; reason: string };

export const DEFAULT_READ_MODEL_WAIT_MS = 2000;

/**
 * Reads served from read models, consistent with the writes before them (read-your-writes): a read first
 * waits until the read model has applied every event it reads up to the log's head at the time of the
 * request, for at most `waitMs`. When it cannot — the projection failed, stopped, is rebuilding for new
 * code, has no holder, or lags beyond the wait (another instance behind, PROJECTIONS=off with shared
 * PostgreSQL) — the read is not served and the caller answers from the log (strongly consistent); each
 * such fallback is counted per read (`billing_read_model_fallbacks_total`).
 */
export class ReadModels {
  readonly registry: ProjectionRegistry;
  private readonly fallbacks = new Map<ReadName, number>(READS.map((read) => [read, 0]));
  /**
   * Per projection (name and code version: the filter), a stretch of the log known to hold no event it
   * reads: (after, through]. The log only grows at its head, so what was verified stays true, and the
   * next read scans only what was appended since.
   */
  private readonly quiet = new Map<string, { after: bigint; through: bigint }>();

  constructor(
    private readonly store: EventStore,
    readonly db: ReadModelDb,
    readonly options: { waitMs?: number; pollMs?: number } = {},
  ) {
    this.registry = new ProjectionRegistry(db);
  }

  get waitMs(): number {
    return this.options.waitMs ?? DEFAULT_READ_MODEL_WAIT_MS;
  }

  /**
   * Runs `query` on the live build of `projection` once that build has applied the log up to its head at
   * the time of the call; `{ served: false }` (counted as a fallback of `read`) when it cannot within the
   * wait. A query that throws is a fallback too: the log is always there to answer.
   */
  async read<T>(
    read: ReadName,
    projection: ProjectionIdentity,
    query: ReadModelQuery<T>,
  ): Promise<ReadOutcome<T>> {
    const head = await this.store.headPosition();
    const deadline = Date.now() + this.waitMs;
    let pause = this.options.pollMs ?? 2;
    for (;;) {
      const live = await this.registry.liveBuild(projection.name);
      const behind = await this.behind(projection, live, head);
      if (behind === undefined) {
        try {
          const value = await query(this.db, (name) => ProjectionRegistry.tableName(name, live!.build));
          return { served: true, value };
        } catch (error) {
          return this.fallBack(read, `the query failed: ${(error as Error).message}`);
        }
      }
      if (!behind.worthWaiting) return this.fallBack(read, behind.reason);
      if (!(await ProjectionLease.holderOf(this.db, projection.name)))
        return this.fallBack(read, `${behind.reason}, and no instance holds it`);
      if (Date.now() + pause > deadline)
        return this.fallBack(read, `${behind.reason} after ${this.waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }

  /** Undefined when the live build has applied every event it reads up to `head`; else why not. */
  private async behind(
    projection: ProjectionIdentity,
    live: BuildRow | undefined,
    head: bigint | undefined,
  ): Promise<{ reason: string; worthWaiting: boolean } | undefined> {
    const name = projection.name;
    if (!live) return { reason: `${name} has no build yet`, worthWaiting: false };
    if (live.codeVersion !== projection.version)
      return {
        reason: `${name} is being rebuilt for code version ${projection.version}`,
        worthWaiting: false,
      };
    if (head === undefined) return undefined;
    const checkpoint = live.position === null ? undefined : BigInt(live.position);
    if (checkpoint !== undefined && checkpoint >= head) return undefined;
    if ((await this.nextEventRead(projection, checkpoint, head)) === undefined) return undefined;
    // Only a build following the log live catches up within a read's wait; one that failed, stopped or
    // is replaying a long log would not.
    return {
      reason: `${name} is ${live.state} at ${checkpoint ?? 'the start'}, the log at ${head}`,
      worthWaiting: live.state === 'live',
    };
  }

  /**
   * The position of the first event after `after` (the start when undefined) and up to `head` that the
   * projection reads; undefined when there is none.
   */
  private async nextEventRead(projection: ProjectionIdentity, after: bigint | undefined, head: bigint) {
    const key = `${projection.name}@${projection.version}`;
    const start = after ?? -1n;
    const quiet = this.quiet.get(key);
    const from = quiet && quiet.after <= start && quiet.through > start ? quiet.through : start;
    if (from >= head) return undefined;
    const [next] = await this.store.readAll({
      afterPosition: from < 0n ? undefined : from,
      maxCount: 1,
      filter: projection.filter,
    });
    const found = next !== undefined && next.position <= head ? next.position : undefined;
    const through = found === undefined ? head : found - 1n;
    if (!quiet || through > quiet.through) this.quiet.set(key, { after: start, through });
    return found;
  }

  private fallBack(read: ReadName, reason: string): ReadOutcome<never> {
    this.fallbacks.set(read, (this.fallbacks.get(read) ?? 0) + 1);
    return { served: false, reason };
  }

  /** How many reads of `read` this instance answered from the log because the read model could not. */
  fallbacksOf(read: ReadName): number {
    return this.fallbacks.get(read) ?? 0;
  }
}
