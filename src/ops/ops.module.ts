import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ReadModels } from '../../projections/queries/read-models.js';
import { ProjectionOperations } from './projections/projection-operations.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ProjectionMetrics } from './metrics/projection-metrics.js';
import { ProjectionsController } from './projections/projections.controller.js';
import { ProjectionsRuntime } from './projections/projections-runtime.js';

/** Starts the projections with the app and stops them (checkpoints committed, leases handed back) on shutdown. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ProjectionsRuntime) private readonly runtime: ProjectionsRuntime) {}

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}

export const OPS_CONTROLLERS = [ProjectionsController, MetricsController];

/** The projection lag, in seconds, beyond which GET /ready answers 503 (READY_MAX_PROJECTION_LAG_SECONDS). */
export const READY_MAX_LAG_SECONDS = Symbol('ReadyMaxLagSeconds');

/** This instance's SERVICE_ROLE: a commands instance's GET /ready does not count the read models. */
export const SERVICE_ROLE = Symbol('ServiceRole');

/** Without a configured runtime (tests), the projections run in memory in this process. */
export function opsProviders(eventStore: EventStore, runtime?: ProjectionsRuntime): Provider[] {
  const chosen =
    runtime ??
    new ProjectionsRuntime(eventStore, new SqliteReadModelDb(':memory:'), {
      run: true,
      holder: 'in-process',
    });
  return [
    { provide: ProjectionsRuntime, useValue: chosen },
    { provide: ProjectionOperations, useValue: chosen.operations },
    { provide: ReadModels, useValue: chosen.readModels },
    { provide: READY_MAX_LAG_SECONDS, useValue: chosen.readyMaxLagSeconds },
    { provide: SERVICE_ROLE, useValue: chosen.role },
    ProjectionsLifecycle,
    ProjectionMetrics,
  ];
}
