import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../event-store/event-store.port.js';
import { ConfigError } from '../config/config.js';
import { allProjections } from '../../projections/all-projections.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionHost, type HostOptions } from '../../projections/runner/projection-host.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ProjectionOperations } from './projection-operations.js';

export interface ProjectionsConfig {
  /** A SQLite file path or a postgres:// URL. */
  readModelDb: string;
  /** Whether this instance runs projections (it always serves ops and reads). */
  run: boolean;
  holder: string;
  leaseTtlMs: number;
}

/**
 * READ_MODEL_DB (default `<DATA_DIR>/read-models.sqlite`; a postgres:// URL shares read models between
 * instances), PROJECTIONS=run|off, PROJECTION_LEASE_TTL_MS (default 15000), INSTANCE_ID (default host:pid).
 */
export function loadProjectionsConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ProjectionsConfig {
  const problems: string[] = [];
  const run = env.PROJECTIONS?.trim() || 'run';
  if (run !== 'run' && run !== 'off') problems.push(`PROJECTIONS must be one of run, off (got '${run}')`);
  const ttlRaw = env.PROJECTION_LEASE_TTL_MS?.trim() || '15000';
  const leaseTtlMs = /^\d+$/.test(ttlRaw) ? Number(ttlRaw) : NaN;
  if (!(leaseTtlMs >= 1000))
    problems.push(`PROJECTION_LEASE_TTL_MS must be a whole number ≥ 1000 (got '${ttlRaw}')`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    readModelDb: env.READ_MODEL_DB?.trim() || join(dataDir, 'read-models.sqlite'),
    run: run === 'run',
    holder: env.INSTANCE_ID?.trim() || `${hostname()}:${process.pid}`,
    leaseTtlMs,
  };
}

export function openReadModelDb(target: string): ReadModelDb {
  return /^postgres(ql)?:\/\//.test(target) ? new PostgresReadModelDb(target) : new SqliteReadModelDb(target);
}

/** The read models of one process: the database, the operations on them and, when it runs them, the host. */
export class ProjectionsRuntime {
  readonly operations: ProjectionOperations;
  readonly host?: ProjectionHost;

  constructor(
    readonly store: EventStore,
    readonly db: ReadModelDb,
    options: { run: boolean } & HostOptions,
    readonly projections: Projection[] = allProjections(),
  ) {
    this.operations = new ProjectionOperations(store, db, projections);
    if (options.run) this.host = new ProjectionHost(store, db, projections, options);
  }

  static open(
    store: EventStore,
    config: ProjectionsConfig,
    log: (message: string) => void = (message) => new Logger('Projections').log(message),
  ): ProjectionsRuntime {
    return new ProjectionsRuntime(store, openReadModelDb(config.readModelDb), {
      run: config.run,
      holder: config.holder,
      leaseTtlMs: config.leaseTtlMs,
      log,
    });
  }

  async start(): Promise<void> {
    await this.operations.registry.ensureSchema();
    await this.host?.start();
  }

  /** Graceful: runners commit what they received and hand their leases to the next instance. */
  async stop(): Promise<void> {
    await this.host?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.db.close();
  }
}
