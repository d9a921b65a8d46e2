import type { EventStore } from '../../platform/event-store/event-store.port.js';
import type { Projection, ProjectionIdentity } from '../../../projections/runner/projection.js';
import { ProjectionLease } from '../../../projections/runner/projection-lease.js';
import {
  ProjectionRegistry,
  type BuildRow,
  type ProjectionError,
  type RequestRow,
} from '../../../projections/runner/projection-registry.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';

export interface ReplayOptions {
  onDifference?: 'switch' | 'keep-live';
}

/**
 * A worker: a checkpointed consumer that acts (plans and fires deadlines, issues documents, feeds the event
 * bus) instead of building a read model. Ops see its status and can resume it; it cannot be replayed.
 */
export interface WorkerSource {
  identity: ProjectionIdentity;
  /** Where its checkpoint, state and lease are kept. */
  db: ReadModelDb;
  /** What status says about it besides its progress (e.g. that e-mail delivery is disabled). */
  notes?: string[];
}

export interface ProjectionReport {
  name: string;
  kind: 'projection' | 'worker';
  codeVersion: number;
  /** The build readers use; null before any instance has run the projection. */
  liveBuild: number | null;
  /** The live build's runner state as its holder last recorded it. */
  state: string;
  /** The instance holding the projection's lease, if any: without one, nothing advances it. */
  holder: string | null;
  position: string | null;
  head: string | null;
  /** Log positions between the first event not yet applied and the head (0 when caught up). */
  lagPositions: number;
  /** Age of the oldest event not yet applied, in seconds (0 when caught up). */
  lagSeconds: number;
  eventsApplied: number;
  lastError: ProjectionError | null;
  /** A worker's notes (configuration ops should know about), when it has any. */
  notes?: string[];
  rebuild: {
    requestId: string;
    state: string;
    build: number | null;
    position: string | null;
    eventsApplied: number;
    /** Fraction of the log (by position) the new build has covered. */
    progress: number;
  } | null;
}

/**
 * What ops can see and ask, from any instance (HTTP) or the CLI: it reads the registry the holders
 * write and records requests that the holder of each projection carries out.
 */
export class ProjectionOperations {
  readonly registry: ProjectionRegistry;

  constructor(
    private readonly store: EventStore,
    readonly db: ReadModelDb,
    readonly projections: Projection[],
    private readonly clock: () => number = Date.now,
    readonly workers: WorkerSource[] = [],
  ) {
    this.registry = new ProjectionRegistry(db);
  }

  private worker(name: string): WorkerSource | undefined {
    return this.workers.find((w) => w.identity.name === name);
  }

  projection(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  /** The live table of a projection, resolved per query: a switch moves readers at once. */
  async liveTable(name: string, table: string): Promise<string> {
    const live = await this.registry.liveBuild(name);
    if (!live) throw new Error(`Projection ${name} has no live build yet`);
    return ProjectionRegistry.tableName(table, live.build);
  }

  async list(): Promise<
    Array<{ name: string; codeVersion: number; liveBuild: number | null; streams: string[] }>
  > {
    const result = [];
    for (const p of this.projections) {
      const live = await this.registry.liveBuild(p.name);
      result.push({
        name: p.name,
        codeVersion: p.version,
        liveBuild: live?.build ?? null,
        streams: p.filter?.streamPrefixes ?? ['(all)'],
      });
    }
    return result;
  }

  /** Every projection, then every worker. */
  async status(): Promise<ProjectionReport[]> {
    const head = await this.store.headPosition();
    const reports = [];
    for (const p of this.projections) reports.push(await this.report(p, head));
    for (const w of this.workers) reports.push(withNotes(await this.report(w.identity, head, w.db), w));
    return reports;
  }

  async statusOf(name: string): Promise<ProjectionReport | undefined> {
    const p = this.projection(name);
    const w = this.worker(name);
    if (p) return this.report(p, await this.store.headPosition());
    return w && withNotes(await this.report(w.identity, await this.store.headPosition(), w.db), w);
  }

  private async report(
    p: ProjectionIdentity,
    head: bigint | undefined,
    workerDb?: ReadModelDb,
  ): Promise<ProjectionReport> {
    const db = workerDb ?? this.db;
    const registry = workerDb ? new ProjectionRegistry(workerDb) : this.registry;
    const builds = await registry.builds(p.name);
    // A worker's code version names the build it maintains (there is no switch between builds).
    const live = workerDb ? builds.find((b) => b.build === p.version) : builds.find((b) => b.role === 'live');
    const lease = await ProjectionLease.holderOf(db, p.name);
    const lag = await this.lag(p, live, head);
    const [request] = await registry.requests(p.name, ['pending', 'running']);
    let rebuild: ProjectionReport['rebuild'] = null;
    if (request?.kind === 'replay') {
      const build =
        typeof request.detail.build === 'number'
          ? builds.find((b) => b.build === request.detail.build)
          : undefined;
      rebuild = {
        requestId: request.id,
        state: request.state,
        build: build?.build ?? null,
        position: build?.position ?? null,
        eventsApplied: build?.eventsApplied ?? 0,
        progress: progressOf(build?.position ?? null, head),
      };
    }
    return {
      name: p.name,
      kind: workerDb ? 'worker' : 'projection',
      codeVersion: p.version,
      liveBuild: live?.build ?? null,
      state: live?.state ?? 'never-run',
      holder: lease?.holder ?? null,
      position: live?.position ?? null,
      head: head?.toString() ?? null,
      lagPositions: lag.positions,
      lagSeconds: lag.seconds,
      eventsApplied: live?.eventsApplied ?? 0,
      lastError: live?.lastError ?? null,
      rebuild,
    };
  }

  /** Events the projection's filter skips never move its checkpoint, so lag starts at the next event it wants. */
  private async lag(p: ProjectionIdentity, live: BuildRow | undefined, head: bigint | undefined) {
    if (head === undefined) return { positions: 0, seconds: 0 };
    // At the head: nothing to look for. The filtered read below scans the log past the checkpoint, all of it
    // when the filter matches nothing ahead — and /ready asks for every read model on every probe.
    if (live?.position && BigInt(live.position) >= head) return { positions: 0, seconds: 0 };
    const [next] = await this.store.readAll({
      afterPosition: live?.position ? BigInt(live.position) : undefined,
      maxCount: 1,
      filter: p.filter,
    });
    if (!next) return { positions: 0, seconds: 0 };
    return {
      positions: Number(head - next.position + 1n),
      seconds: Math.max(0, (this.clock() - next.storedAt.getTime()) / 1000),
    };
  }

  /** A blue/green rebuild; `onDifference: 'keep-live'` refuses to switch to a build that differs. */
  requestReplay(name: string, requestedBy: string, options: ReplayOptions = {}): Promise<RequestRow> {
    this.assertKnown(name);
    return this.registry.addRequest(name, 'replay', requestedBy, { ...options });
  }

  async requestReplayAll(requestedBy: string, options: ReplayOptions = {}): Promise<RequestRow[]> {
    const requests = [];
    for (const p of this.projections) {
      requests.push(await this.registry.addRequest(p.name, 'replay', requestedBy, { ...options }));
    }
    return requests;
  }

  /** Restarts a failed projection or worker from its checkpoint (after the cause was fixed). */
  requestResume(name: string, requestedBy: string): Promise<RequestRow> {
    const worker = this.worker(name);
    if (worker) return new ProjectionRegistry(worker.db).addRequest(name, 'resume', requestedBy);
    this.assertKnown(name);
    return this.registry.addRequest(name, 'resume', requestedBy);
  }

  async request(id: string): Promise<RequestRow | undefined> {
    for (const db of [this.db, ...this.workers.map((w) => w.db)]) {
      const found = await new ProjectionRegistry(db).request(id);
      if (found) return found;
    }
    return undefined;
  }

  private assertKnown(name: string): void {
    if (this.worker(name)) throw new WorkerNotReplayableError(name);
    if (!this.projection(name))
      throw new UnknownProjectionError(
        name,
        this.projections.map((p) => p.name),
      );
  }
}

export class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
  constructor(
    readonly projection: string,
    known: string[],
  ) {
    super(`No projection named ${projection}; known: ${known.join(', ')}`);
  }
}

/** Replaying a worker would send its commands or issue its documents again: only resume applies. */
export class WorkerNotReplayableError extends UnknownProjectionError {
  constructor(worker: string) {
    super(worker, []);
    this.message = `${worker} is a worker, not a read model: it can be resumed, not replayed`;
  }
}

function progressOf(position: string | null, head: bigint | undefined): number {
  if (head === undefined || head === 0n) return 1;
  if (position === null) return 0;
  return Math.min(1, Number(BigInt(position)) / Number(head));
}

/** A worker's notes join its report (only when it has some: the other reports keep their shape). */
const withNotes = (report: ProjectionReport, worker: WorkerSource): ProjectionReport =>
  worker.notes?.length ? { ...report, notes: worker.notes } : report;
