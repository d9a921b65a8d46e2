import { ApiPublic, ApiRead, OBJECT, objectWith } from '../../platform/http/api-contract.js';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { LogAnchor } from '../../platform/event-store/anchor/log-anchor.js';
import { Public } from '../../platform/http/auth/roles.js';
import { StorageHealth, type RecordedStorageFailure } from '../../platform/http/storage-health.js';
import { READY_MAX_LAG_SECONDS, SERVICE_ROLE } from '../ops.module.js';
import type { ServiceRole } from '../projections/projections-runtime.js';
import { ProjectionOperations, type ProjectionReport } from '../projections/projection-operations.js';

interface ProjectionReadiness {
  name: string;
  kind: ProjectionReport['kind'];
  state: string;
  holder: string | null;
  lagPositions: number;
  lagSeconds: number;
}

interface Readiness {
  status: 'ready' | 'not-ready';
  reasons?: string[];
  eventStore: { headPosition: string | null } | { error: string };
  projections?: ProjectionReadiness[];
  /** SERVICE_ROLE, when the instance has one (not `all`). */
  role?: Exclude<ServiceRole, 'all'>;
  /**
   * A commands instance: what would take an instance that serves the read models out of rotation (a lag, a
   * failure), reported but not counted — the commands it takes do not wait for the read models.
   */
  notCounted?: string[];
  /** The recent storage failure that keeps the instance out of rotation, when there is one. */
  storage?: { lastFailure: RecordedStorageFailure };
}

@ApiTags('Ops')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(ProjectionOperations) private readonly projections: ProjectionOperations,
    @Inject(READY_MAX_LAG_SECONDS) private readonly maxLagSeconds: number,
    @Inject(StorageHealth) private readonly storage: StorageHealth,
    @Optional() @Inject(LogAnchor) private readonly anchor?: LogAnchor,
    @Optional() @Inject(SERVICE_ROLE) private readonly role: ServiceRole = 'all',
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @Public()
  @ApiPublic()
  @ApiRead({ summary: 'Liveness', response: objectWith({ status: { type: 'string', enum: ['ok'] } }) })
  health() {
    return { status: 'ok' };
  }

  /**
   * Readiness: the event store answers and every read model is usable — none stopped at an event it
   * cannot apply, none further behind than READY_MAX_PROJECTION_LAG_SECONDS — and the store matched its last
   * signed checkpoint at start-up (a tampered log is not served). Each reason is reported. An instance
   * with SERVICE_ROLE=commands does not count the read models: one ingesting instance can outrun them, and
   * their lag must not take every command instance out of rotation with them.
   */
  @Get('ready')
  @Public()
  @ApiPublic()
  @ApiRead({
    summary: 'Readiness',
    description:
      '200 when the event store answers and every read model is usable; 503 with `reasons` otherwise.',
    response: objectWith({ status: { type: 'string', enum: ['ready', 'not-ready'] }, eventStore: OBJECT }),
  })
  @ApiResponse({ status: 503, description: 'Not ready: `reasons` says why' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = this.withStorageFailure(await this.check());
    // Written here rather than thrown: the problem+json filter would drop the reasons (and log a 5xx).
    response.status(readiness.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    response.setHeader('cache-control', 'no-store');
    return readiness;
  }

  /**
   * A request that met a failing storage (disk full, I/O error, read-only, the store unreachable) keeps
   * the instance not ready until storage works again or READY_STORAGE_FAILURE_SECONDS pass.
   */
  private withStorageFailure(readiness: Readiness): Readiness {
    const failure = this.storage.recentFailure();
    if (!failure) return readiness;
    const { ageSeconds, ...lastFailure } = failure;
    const reason =
      `a storage ${failure.kind} failed ${ageSeconds.toFixed(1)} s ago: ${failure.code} ${failure.message}` +
      (failure.request ? ` (${failure.request})` : '');
    return {
      ...readiness,
      status: 'not-ready',
      reasons: [...(readiness.reasons ?? []), reason],
      storage: { lastFailure },
    };
  }

  private async check(): Promise<Readiness> {
    const readiness = await this.checkStoreAndProjections();
    const tampered = this.anchor?.refusalReason();
    if (!tampered) return readiness;
    return { ...readiness, status: 'not-ready', reasons: [tampered, ...(readiness.reasons ?? [])] };
  }

  private async checkStoreAndProjections(): Promise<Readiness> {
    let headPosition: string | null;
    try {
      headPosition = (await this.eventStore.headPosition())?.toString() ?? null;
      this.storage.recordSuccess('read');
    } catch (error) {
      // Projection status needs the store too: its error would only repeat this one.
      return {
        status: 'not-ready',
        reasons: [`the event store does not answer: ${messageOf(error)}`],
        eventStore: { error: messageOf(error) },
      };
    }
    let reports: ProjectionReport[];
    try {
      reports = await this.projections.status();
    } catch (error) {
      return {
        status: 'not-ready',
        reasons: [`the projection status cannot be read (read-model database): ${messageOf(error)}`],
        eventStore: { headPosition },
      };
    }
    const reasons: string[] = [];
    for (const report of reports) {
      if (report.state === 'failed') {
        reasons.push(
          `${report.kind} ${report.name} has failed: ${report.lastError?.message ?? 'no error recorded'}`,
        );
      } else if (report.lagSeconds > this.maxLagSeconds) {
        reasons.push(
          `${report.kind} ${report.name} is ${report.lagSeconds.toFixed(1)} s behind ` +
            `(${report.lagPositions} positions; the limit is ${this.maxLagSeconds} s)`,
        );
      }
    }
    const projections = reports.map(({ name, kind, state, holder, lagPositions, lagSeconds }) => ({
      name,
      kind,
      state,
      holder,
      lagPositions,
      lagSeconds,
    }));
    if (this.role === 'commands')
      return {
        status: 'ready',
        role: this.role,
        eventStore: { headPosition },
        projections,
        ...(reasons.length > 0 ? { notCounted: reasons } : {}),
      };
    const role = this.role === 'all' ? {} : { role: this.role };
    return reasons.length === 0
      ? { status: 'ready', ...role, eventStore: { headPosition }, projections }
      : { status: 'not-ready', reasons, ...role, eventStore: { headPosition }, projections };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
