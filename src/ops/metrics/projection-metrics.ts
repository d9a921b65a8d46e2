import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ServiceMetrics } from '../../platform/metrics/service-metrics.js';
import { ReadModels, READS } from '../../../projections/queries/read-models.js';
import { ProjectionOperations, type ProjectionReport } from '../projections/projection-operations.js';

/**
 * What the projections and workers are doing, read from their status when scraped (not counted as it
 * happens): the status is in the read-model database, written by whichever instance holds each one, so any
 * instance reports every projection and worker alike. Also the reads answered from the log because their read
 * model could not answer (counted by this instance's ReadModels).
 */
@Injectable()
export class ProjectionMetrics {
  private pending?: Promise<ProjectionReport[]>;

  constructor(
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
    @Inject(ProjectionOperations) private readonly ops: ProjectionOperations,
    @Optional() @Inject(ReadModels) reads?: ReadModels,
  ) {
    const registers = [metrics.registry];
    const labelNames = ['projection'] as const;
    const perProjection = (name: string, help: string, value: (r: ProjectionReport) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect: async function (this: Gauge<'projection'>) {
          const reports = await statusOnce();
          this.reset();
          for (const report of reports) this.set({ projection: report.name }, value(report));
        },
      });
    // Every family reads the same status, once per scrape: they are collected side by side.
    const statusOnce = () =>
      (this.pending ??= this.ops.status().finally(() => {
        this.pending = undefined;
      }));

    perProjection(
      'projection_lag_positions',
      'Log positions between the first event a projection or worker has not applied and the head.',
      (r) => r.lagPositions,
    );
    perProjection(
      'projection_lag_seconds',
      'Age of the oldest event a projection or worker has not applied yet (0 when caught up).',
      (r) => r.lagSeconds,
    );
    new Counter({
      name: 'projection_events_applied_total',
      help: 'Events applied to the live build of a projection or worker.',
      labelNames,
      registers,
      collect: async function (this: Counter<'projection'>) {
        const reports = await statusOnce();
        this.reset();
        for (const report of reports) this.inc({ projection: report.name }, report.eventsApplied);
      },
    });
    perProjection(
      'projection_failed',
      '1 when the live build stopped at an event it cannot apply or a storage error.',
      (r) => (r.state === 'failed' ? 1 : 0),
    );
    perProjection(
      'projection_running',
      '1 when some instance holds the lease of the projection or worker.',
      (r) => (r.holder ? 1 : 0),
    );
    perProjection('projection_live_build', 'The build readers use (0 before any).', (r) => r.liveBuild ?? 0);
    perProjection(
      'projection_rebuild_progress',
      'Fraction of the log covered by a rebuild in progress (0 when none).',
      (r) => r.rebuild?.progress ?? 0,
    );
    if (reads)
      new Counter({
        name: 'billing_read_model_fallbacks_total',
        help: 'Reads answered from the log because their read model was not caught up (failed, stopped, rebuilding or lagging beyond READ_MODEL_WAIT_MS).',
        labelNames: ['read'] as const,
        registers,
        collect: function (this: Counter<'read'>) {
          this.reset();
          for (const read of READS) this.inc({ read }, reads.fallbacksOf(read));
        },
      });
  }
}
