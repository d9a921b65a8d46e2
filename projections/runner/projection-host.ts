import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { compareBuilds, dropBuildTables, type BuildComparison } from './compare-builds.js';
import type { Projection } from './projection.js';
import { ProjectionLease } from './projection-lease.js';
import { ProjectionRegistry, type RequestRow } from './projection-registry.js';
import { ProjectionRunner } from './projection-runner.js';
import type { ReadModelDb } from './read-model-db.js';
import { SharedLogReader } from './shared-log-reader.js';

export interface HostOptions {
  /** This instance's name in leases and status (host name and process id, say). */
  holder: string;
  /** This process's lease token (PROCESS_LEASE_TOKEN); a test running two processes' hosts in one sets its own. */
  leaseToken?: string;
  /** How long a lease lasts without renewal: how long a crashed instance's projections wait for a new holder. */
  leaseTtlMs?: number;
  /** How often leases are renewed or sought and requests picked up; a third of the TTL by default. */
  tickMs?: number;
  batchSize?: number;
  /** How long a retired build's tables outlive the switch, for reads that resolved the old build just before. */
  retireGraceMs?: number;
  /**
   * When a rebuild of the same code version differs from the live build: switch to it (the usual reason
   * to replay is a live build that went wrong) or keep the live one and fail the request.
   */
  onDifference?: 'switch' | 'keep-live';
  log?: (message: string) => void;
  /** Where the runners read the log: the process's shared reader by default (see ProjectionRunner). */
  reader?: SharedLogReader | false;
}

interface Managed {
  projection: Projection;
  lease: ProjectionLease;
  held: boolean;
  live?: ProjectionRunner;
  building?: ProjectionRunner;
  rebuilding?: Promise<void>;
}

/**
 * Runs projections in one instance. For each projection it holds (or waits for) the lease; the holder
 * runs the live build and carries out requests recorded by ops from any instance, CLI or HTTP: replay
 * (a blue/green rebuild: build beside the live one, align both on one position, compare, switch readers
 * in one transaction, drop the old tables after a grace period) and resume (restart after a failure).
 */
export class ProjectionHost {
  readonly registry: ProjectionRegistry;
  private readonly managed = new Map<string, Managed>();
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly ttlMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: Projection[],
    private readonly options: HostOptions,
  ) {
    this.registry = new ProjectionRegistry(db);
    this.ttlMs = options.leaseTtlMs ?? 15_000;
    this.log = options.log ?? (() => undefined);
    for (const projection of projections) {
      this.managed.set(projection.name, {
        projection,
        lease: new ProjectionLease(db, projection.name, options.holder, this.ttlMs, options.leaseToken),
        held: false,
      });
    }
  }

  get holder(): string {
    return this.options.holder;
  }

  async start(): Promise<void> {
    await this.registry.ensureSchema();
    this.stopped = false;
    // Every projection taken in this first round joins the shared reader at its checkpoint before it reads
    // a page: a rebuild of them all reads the log once, not once per projection.
    const reader = this.options.reader ?? SharedLogReader.of(this.store);
    const release = reader ? reader.hold() : () => undefined;
    try {
      await this.tick();
    } finally {
      release();
    }
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? Math.max(50, this.ttlMs / 3));
    this.timer.unref?.();
  }

  /** One round of lease upkeep and request handling; rounds never overlap. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(async () => {
      for (const m of this.managed.values()) {
        if (this.stopped) return;
        try {
          await this.tend(m);
        } catch (error) {
          this.log(`projection ${m.projection.name}: ${(error as Error).message}`);
        }
      }
    });
    return this.ticking;
  }

  /** The live runner of a projection this instance holds (in-process readers use its table names). */
  runner(name: string): ProjectionRunner | undefined {
    return this.managed.get(name)?.live;
  }

  holds(name: string): boolean {
    return this.managed.get(name)?.held ?? false;
  }

  /** Resolves when every rebuild this instance is running has finished. */
  async settled(): Promise<void> {
    await this.ticking;
    await Promise.all([...this.managed.values()].map((m) => m.rebuilding));
  }

  private async tend(m: Managed): Promise<void> {
    if (!m.held) {
      if (!(await m.lease.tryAcquire())) return;
      m.held = true;
      this.log(`projection ${m.projection.name}: lease taken by ${this.holder}`);
      await this.takeOver(m);
    } else if (!(await m.lease.renew())) {
      await this.lose(m);
      return;
    }
    // The storage failed (no event to blame): try again; a poison event waits for ops.
    if (m.live?.status.state === 'failed' && !m.live.status.lastError?.eventId && !m.rebuilding) {
      await m.live.stop();
      await m.live.start();
    }
    if (!m.rebuilding) {
      const [request] = await this.registry.requests(m.projection.name, ['pending', 'running']);
      if (request?.kind === 'resume') await this.resume(m, request);
      else if (request?.kind === 'replay') {
        m.rebuilding = this.rebuild(m, request)
          .catch((error: Error) => this.log(`projection ${m.projection.name}: rebuild: ${error.message}`))
          .finally(() => {
            m.rebuilding = undefined;
            m.building = undefined;
          });
      }
    }
    await this.dropRetired(m);
  }

  private runnerFor(m: Managed, build: number): ProjectionRunner {
    return new ProjectionRunner(this.store, this.db, m.projection, {
      build,
      batchSize: this.options.batchSize,
      reader: this.options.reader,
      fence: m.lease.fence,
      holder: this.holder,
      onLeaseLost: () => void this.lose(m),
    });
  }

  private async takeOver(m: Managed): Promise<void> {
    const { name, version } = m.projection;
    const live =
      (await this.registry.liveBuild(name)) ?? (await this.registry.ensureBuild(name, version, version));
    if (live.codeVersion === version) {
      m.live = this.runnerFor(m, live.build);
      await m.live.start();
    } else {
      // New code cannot maintain tables built by other code: they keep serving, frozen, until the
      // rebuild with this code catches up and replaces them.
      this.log(
        `projection ${name}: live build ${live.build} is code version ${live.codeVersion}; rebuilding for ${version}`,
      );
      const open = await this.registry.requests(name, ['pending', 'running']);
      if (!open.some((r) => r.kind === 'replay'))
        await this.registry.addRequest(name, 'replay', `${this.holder} (code version ${version})`);
    }
  }

  private async lose(m: Managed): Promise<void> {
    if (!m.held) return;
    m.held = false;
    this.log(`projection ${m.projection.name}: lease lost by ${this.holder}`);
    const runners = [m.live, m.building];
    m.live = undefined;
    for (const runner of runners) await runner?.stop().catch(() => undefined);
  }

  private async resume(m: Managed, request: RequestRow): Promise<void> {
    await this.registry.updateRequest(request.id, 'running', {});
    if (m.live) {
      await m.live.stop();
      await m.live.start();
    } else {
      await this.takeOver(m);
    }
    await this.registry.updateRequest(request.id, 'done', { build: m.live?.build ?? null });
  }

  private async rebuild(m: Managed, request: RequestRow): Promise<void> {
    const { name, version } = m.projection;
    // A rebuild interrupted by a crash continues where its build stopped.
    const earlier =
      typeof request.detail.build === 'number'
        ? await this.registry.build(name, request.detail.build)
        : undefined;
    const build = earlier?.role === 'building' ? earlier : await this.registry.createBuild(name, version);
    const liveRow = await this.registry.liveBuild(name);
    const onDifference = request.detail.onDifference ?? this.options.onDifference ?? 'switch';
    const detail: Record<string, unknown> = {
      ...request.detail,
      build: build.build,
      liveBuild: liveRow?.build ?? null,
      startedAt: new Date().toISOString(),
    };
    await this.registry.updateRequest(request.id, 'running', detail);
    this.log(`projection ${name}: building build ${build.build} beside live build ${liveRow?.build}`);

    const candidate = this.runnerFor(m, build.build);
    m.building = candidate;
    await candidate.start();
    while (candidate.status.state === 'catching-up') await new Promise((resolve) => setTimeout(resolve, 20));
    if (!m.held || this.stopped) return; // the next holder continues this request
    if (candidate.status.state === 'failed') {
      await candidate.stop();
      await this.registry.setRole(name, build.build, 'abandoned');
      await this.registry.updateRequest(request.id, 'failed', {
        ...detail,
        error: candidate.status.lastError,
      });
      return;
    }

    // Bring both builds to the same position, then compare what each holds.
    const live = m.live;
    await candidate.stop();
    if (live) await live.stop();
    const target = (await this.store.headPosition()) ?? 0n;
    let comparison: BuildComparison | { skipped: string };
    try {
      await candidate.applyUntil(target);
      if (!liveRow) comparison = { skipped: 'no live build to compare with' };
      else if (liveRow.codeVersion !== version)
        comparison = { skipped: `live build is code version ${liveRow.codeVersion}` };
      else if (!live || live.status.state === 'failed')
        comparison = { skipped: 'the live build had stopped at an error' };
      else {
        await live.applyUntil(target);
        comparison = await compareBuilds(this.db, name, liveRow.build, build.build);
      }
    } catch (error) {
      if (live && m.held) await live.start();
      await this.registry.setRole(name, build.build, 'abandoned');
      await this.registry.updateRequest(request.id, 'failed', {
        ...detail,
        error: { message: (error as Error).message },
      });
      return;
    }
    detail.comparedAt = target.toString();
    detail.comparison = comparison;
    if ('identical' in comparison && !comparison.identical && onDifference === 'keep-live') {
      await live!.start();
      await this.registry.setRole(name, build.build, 'abandoned');
      await this.registry.updateRequest(request.id, 'failed', {
        ...detail,
        error: { message: 'the rebuilt build differs from the live one' },
      });
      return;
    }

    // The switch: readers resolve the live build per query, so one transaction moves all of them.
    await this.db.transaction(async (db) => {
      await m.lease.fence(db);
      if (liveRow) await this.registry.setRole(name, liveRow.build, 'retired', db);
      await this.registry.setRole(name, build.build, 'live', db);
    });
    m.live = candidate;
    await candidate.start();
    m.building = undefined;
    detail.switchedAt = new Date().toISOString();
    await this.registry.updateRequest(request.id, 'done', detail);
    this.log(`projection ${name}: build ${build.build} is live`);
    await this.dropRetired(m);
  }

  private async dropRetired(m: Managed): Promise<void> {
    const grace = this.options.retireGraceMs ?? 10_000;
    for (const build of await this.registry.builds(m.projection.name)) {
      const since =
        build.role === 'retired' ? build.retiredAt : build.role === 'abandoned' ? build.updatedAt : null;
      if (since === null || Date.now() - Date.parse(since) < grace) continue;
      await dropBuildTables(this.db, m.projection.name, build.build);
      await this.registry.setRole(m.projection.name, build.build, 'dropped');
      this.log(`projection ${m.projection.name}: dropped build ${build.build}`);
    }
  }

  /** Stops every runner (committing what each received) and hands the leases back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const m of this.managed.values()) {
      await m.building?.stop().catch(() => undefined);
      await m.live?.stop().catch(() => undefined);
      if (m.held) await m.lease.release().catch(() => undefined);
      m.held = false;
      m.live = undefined;
    }
    await Promise.all([...this.managed.values()].map((m) => m.rebuilding));
  }
}
