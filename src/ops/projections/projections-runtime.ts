import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../../platform/event-store/event-store.port.js';
import { ConfigError, readerOf } from '../../platform/config/config.js';
import { allProjections } from '../../../projections/all-projections.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { ProjectionHost, type HostOptions } from '../../../projections/runner/projection-host.js';
import { PostgresReadModelDb } from '../../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { ProjectionOperations, type WorkerSource } from './projection-operations.js';
import type { WorkersConfig } from './workers-config.js';
import { TIMELINE_PLANNER } from '../../../projections/workers/timeline-planner.projection.js';
import { DOCUMENT_ISSUER } from '../../../projections/workers/document-issuer.projection.js';
import { EVENT_BUS_FEED } from '../../../projections/workers/event-bus-feed.projection.js';
import { AUTO_TOP_UP_REQUESTER } from '../../../projections/workers/auto-top-up.projection.js';
import { DOCUMENT_DELIVERY } from '../../../projections/workers/document-delivery.projection.js';
import { REFUND_PAYER } from '../../../projections/workers/refund-payout.projection.js';

/**
 * What an instance is for (SERVICE_ROLE). `commands`: it takes commands and runs no projection, and its
 * readiness does not depend on the read models (their lag or failure does not take it out of rotation);
 * `projections`: it runs the read models, and is ready only while they keep up; `all` (the default): both.
 */
export type ServiceRole = 'all' | 'commands' | 'projections';

export interface ProjectionsConfig {
  /** A SQLite file path or a postgres:// URL. */
  readModelDb: string;
  /** SERVICE_ROLE. */
  role: ServiceRole;
  /** Whether this instance runs projections (it always serves ops and reads). */
  run: boolean;
  /**
   * PROJECTOR (default `separate`): an instance running everything (SERVICE_ROLE=all) runs them in a child
   * process the service starts (projector-process.ts), not in the process that takes requests; `run` still
   * says whether this instance runs them at all. See runsProjectorChild.
   */
  projector: 'in-process' | 'separate';
  holder: string;
  leaseTtlMs: number;
  /** GET /ready answers 503 once any projection's oldest unapplied event is older than this. */
  readyMaxLagSeconds: number;
  /** How long a read waits for its read model to catch up with the log before answering from the log. */
  readModelWaitMs: number;
}

export const DEFAULT_READY_MAX_LAG_SECONDS = 60;

/**
 * READ_MODEL_DB (default `<DATA_DIR>/read-models.sqlite`; a postgres:// URL shares read models between
 * instances), SERVICE_ROLE=all|commands|projections (commands: PROJECTIONS off), PROJECTIONS=run|off, PROJECTION_LEASE_TTL_MS (default 15000), INSTANCE_ID (default host:pid),
 * READY_MAX_PROJECTION_LAG_SECONDS (default 60), READ_MODEL_WAIT_MS (default 2000), PROJECTOR=in-process|separate.
 */
export function loadProjectionsConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ProjectionsConfig {
  const problems: string[] = [];
  const read = readerOf(env, problems);
  const role = read('SERVICE_ROLE');
  const projections = read('PROJECTIONS');
  if (role === 'commands' && env.PROJECTIONS?.trim() === 'run')
    problems.push(
      'PROJECTIONS=run contradicts SERVICE_ROLE=commands: a commands instance runs no projection (unset PROJECTIONS)',
    );
  const config: ProjectionsConfig = {
    readModelDb: read('READ_MODEL_DB') ?? join(dataDir, 'read-models.sqlite'),
    role,
    run: role !== 'commands' && projections === 'run',
    projector: read('PROJECTOR'),
    holder: read('INSTANCE_ID') ?? `${hostname()}:${process.pid}`,
    leaseTtlMs: read('PROJECTION_LEASE_TTL_MS'),
    readyMaxLagSeconds: read('READY_MAX_PROJECTION_LAG_SECONDS'),
    readModelWaitMs: read('READ_MODEL_WAIT_MS'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Whether the service forks a projector child for its read models: PROJECTOR=separate (the default) on an
 * instance running everything. A SERVICE_ROLE=projections instance keeps them in its own process: it takes
 * no commands, so there is no command path to take them off.
 */
export const runsProjectorChild = (config: ProjectionsConfig): boolean =>
  config.run && config.role === 'all' && config.projector === 'separate';

/** A postgres:// URL: a database several instances share (a SQLite path is this instance's own). */
export const isSharedDatabase = (target: string): boolean => /^postgres(ql)?:\/\//.test(target);

export function openReadModelDb(target: string): ReadModelDb {
  return isSharedDatabase(target) ? new PostgresReadModelDb(target) : new SqliteReadModelDb(target);
}

/** The read models of one process: the database, the operations on them and, when it runs them, the host. */
export class ProjectionsRuntime {
  readonly operations: ProjectionOperations;
  readonly host?: ProjectionHost;
  /** The reads served from these read models, with read-your-writes and the fallback to the log. */
  readonly readModels: ReadModels;
  /** How far behind a projection may fall before GET /ready reports the instance not ready. */
  readonly readyMaxLagSeconds: number;
  /** SERVICE_ROLE: whether GET /ready counts the read models. */
  readonly role: ServiceRole;

  constructor(
    readonly store: EventStore,
    readonly db: ReadModelDb,
    {
      readyMaxLagSeconds,
      readModelWaitMs,
      role,
      ...options
    }: {
      run: boolean;
      readyMaxLagSeconds?: number;
      readModelWaitMs?: number;
      role?: ServiceRole;
    } & HostOptions,
    readonly projections: Projection[] = allProjections(),
    /** The workers ops see beside the projections, with connections this runtime closes. */
    private readonly workers: WorkerSource[] = [],
  ) {
    this.readyMaxLagSeconds = readyMaxLagSeconds ?? DEFAULT_READY_MAX_LAG_SECONDS;
    this.role = role ?? 'all';
    this.operations = new ProjectionOperations(store, db, projections, Date.now, workers);
    this.readModels = new ReadModels(store, db, { waitMs: readModelWaitMs });
    if (options.run) this.host = new ProjectionHost(store, db, projections, options);
  }

  static open(
    store: EventStore,
    config: ProjectionsConfig,
    log: (message: string) => void = (message) => new Logger('Projections').log(message),
    workers?: WorkersConfig,
  ): ProjectionsRuntime {
    const db = openReadModelDb(config.readModelDb);
    return new ProjectionsRuntime(
      store,
      db,
      {
        // A projector child runs them; this process only reads them (and records ops requests).
        run: config.run && !runsProjectorChild(config),
        role: config.role,
        holder: config.holder,
        leaseTtlMs: config.leaseTtlMs,
        readyMaxLagSeconds: config.readyMaxLagSeconds,
        readModelWaitMs: config.readModelWaitMs,
        log,
      },
      allProjections(),
      workers ? workerSources(workers, config.readModelDb, db) : [],
    );
  }

  async start(): Promise<void> {
    await this.operations.registry.ensureSchema();
    await this.host?.start();
  }

  /**
   * Lets every live read model this instance runs take in the log up to its current head, each for at most
   * `timeoutMs` (a failed or stuck one is left as it is: the stop that follows commits what it has).
   */
  async catchUpToHead(timeoutMs: number): Promise<void> {
    const head = await this.store.headPosition();
    if (head === undefined || !this.host) return;
    await Promise.all(
      this.projections.map((p) =>
        this.host
          ?.runner(p.name)
          ?.waitFor(head, timeoutMs)
          .catch(() => undefined),
      ),
    );
  }

  /** Graceful: runners commit what they received and hand their leases to the next instance. */
  async stop(): Promise<void> {
    await this.host?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.db.close();
    for (const db of new Set(this.workers.map((w) => w.db))) if (db !== this.db) await db.close();
  }
}

/**
 * Connections for reading the workers' status: one per distinct database (the read models' own when the
 * workers share it), separate from the connections the workers write through.
 */
export function workerSources(
  workers: WorkersConfig,
  readModelTarget: string,
  readModelDb: ReadModelDb,
): WorkerSource[] {
  const opened = new Map<string, ReadModelDb>([[readModelTarget, readModelDb]]);
  const dbFor = (target: string) => {
    if (!opened.has(target)) opened.set(target, openReadModelDb(target));
    return opened.get(target)!;
  };
  return [
    { identity: TIMELINE_PLANNER, db: dbFor(workers.databases.timelines) },
    { identity: DOCUMENT_ISSUER, db: dbFor(workers.databases.documents) },
    { identity: EVENT_BUS_FEED, db: dbFor(workers.databases['event-bus']) },
    { identity: AUTO_TOP_UP_REQUESTER, db: dbFor(workers.databases['auto-top-ups']) },
    {
      identity: DOCUMENT_DELIVERY,
      db: dbFor(workers.databases['document-delivery']),
      ...(workers.notes?.['document-delivery'] ? { notes: workers.notes['document-delivery'] } : {}),
    },
    // The refund worker runs in every service like the others: ops see its progress, failures and holder too.
    { identity: REFUND_PAYER, db: dbFor(workers.databases['refund-payouts']) },
  ];
}
