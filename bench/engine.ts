// The whole engine as production wires it (Nest app, CQRS bus, named command handlers, durable embedded store),
// on a virtual clock so the benchmark month is the same on every run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { VirtualClock } from '../src/platform/clock/clock.js';
import type { CommandMeta } from '../src/platform/commands/command-outcome.js';
import { PersonalDataVault } from '../src/platform/personal-data/personal-data-vault.js';
import { developmentMasterKey } from '../src/platform/secrets/master-key.js';
import type { AppDependencies } from '../src/app.module.js';
import { closeApp, createApp, wireTimelines } from '../src/bootstrap.js';
import { loadConfig } from '../src/platform/config/config.js';
import type { EventStore } from '../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ApiKeyRegistry, apiKeyRecord, hashApiKey } from '../src/platform/http/auth/api-keys.js';
import { IdempotencyStore } from '../src/platform/http/idempotency/idempotency-store.js';
import { OpenAccount } from '../src/accounts/open-account/open-account.command.js';
import { namedLedgerCommand } from '../src/ledger/named-ledger-command.js';
import {
  loadProjectionsConfig,
  ProjectionsRuntime,
  runsProjectorChild,
} from '../src/ops/projections/projections-runtime.js';
import { ProjectorProcess } from '../src/ops/projections/projector-process.js';
import { TimelineEngine } from '../src/timelines/timeline-engine.js';
import { SqliteReadModelDb } from '../projections/runner/sqlite-read-model-db.js';
import { fundingCommand, openAccountCommand } from './workload.js';
import { pool } from './support.js';

export const SERVICE_KEY = 'bench-service-key';

export interface BenchEngine {
  app: INestApplication;
  store: SqliteEventStore;
  clock: VirtualClock;
  bus: CommandBus;
  deps: AppDependencies;
  projections: ProjectionsRuntime;
  timelines: TimelineEngine;
  /** Set when started with `listen`. */
  baseUrl?: string;
  /** Resolves once every read model, the deadline planner and the document issuer have seen the whole log. */
  settle(): Promise<void>;
  /** Settles further work elsewhere too (another process's read models); set by the run that needs it. */
  alsoSettle?: (head: bigint) => Promise<void>;
  /**
   * The projector child's peak RSS so far (MiB, the kernel's VmHWM), when the engine runs one (PROJECTOR=separate,
   * the default): its read models are part of what serving the accounts costs.
   */
  projectorPeakRssMiB(): number | undefined;
  close(): Promise<void>;
}

/**
 * Starts the engine as `npm start` runs it (src/main.ts), on files in `dir` and a virtual clock:
 * - events.sqlite: WAL, synchronous=FULL, so every acknowledged append is fsynced;
 * - the personal-data key vault and the idempotency store, durable SQLite files too;
 * - the read models (every projection of projections/all-projections.ts) run by the projection host on
 *   read-models.sqlite (the default PROJECTIONS=run, READ_MODEL_DB=<DATA_DIR>/…): in this process, or with
 *   PROJECTOR=separate in the projector child the service forks (ProjectorProcess), reading the log through
 *   the process's one shared reader;
 * - the timelines, as startTimelines wires them: the deadline planner on timelines.sqlite, the document
 *   issuer on documents.sqlite, due deadlines looked for every second.
 */
export async function startEngine(
  dir: string,
  options: {
    now: string;
    listen?: boolean;
    polling?: boolean;
    /** 'off': PROJECTIONS=off, the read models run in another process (see projector.ts). */
    projections?: 'in-process' | 'off';
    /** PROJECTOR as npm start reads it (default: the environment's, else the service's default). */
    projector?: 'in-process' | 'separate';
  },
): Promise<BenchEngine> {
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  const clock = new VirtualClock(options.now);
  // A benchmark measures the service, not the per-key rate limit.
  const config = loadConfig({ DATA_DIR: dir, RATE_LIMIT_PER_MINUTE: '0' });
  const projectionsEnv = {
    INSTANCE_ID: 'bench',
    PROJECTIONS: options.projections === 'off' ? 'off' : 'run',
    ...((options.projector ?? process.env.PROJECTOR)
      ? { PROJECTOR: options.projector ?? process.env.PROJECTOR }
      : {}),
  };
  const projectionsConfig = loadProjectionsConfig(dir, projectionsEnv);
  const projections = ProjectionsRuntime.open(store, projectionsConfig);
  // As src/service.ts: PROJECTOR=separate forks the projector child on the same files.
  const projector = runsProjectorChild(projectionsConfig)
    ? new ProjectorProcess({
        // Errors only: the benchmark's stdout is its JSON.
        env: {
          ...process.env,
          ...projectionsEnv,
          DATA_DIR: dir,
          SQLITE_PATH: join(dir, 'events.sqlite'),
          LOG_LEVEL: 'error',
        },
        holder: projectionsConfig.holder,
        log: (message) => console.error(message),
      })
    : undefined;
  await projector?.start();
  const deps: AppDependencies = {
    config,
    eventStore: store as EventStore,
    clock,
    apiKeys: new ApiKeyRegistry([apiKeyRecord('bench', { role: 'service' }, hashApiKey(SERVICE_KEY))]),
    idempotency: new IdempotencyStore(join(dir, 'idempotency.sqlite')),
    vault: new PersonalDataVault(
      join(dir, 'keys.sqlite'),
      developmentMasterKey(join(dir, 'personal-data-master.key')).key,
    ),
    projections,
  };
  const app = await createApp(deps);
  let baseUrl: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  } else {
    await app.init();
  }
  // As startTimelines (src/bootstrap.ts), keeping the engine so the benchmark can wait for it.
  const timelinesDb = new SqliteReadModelDb(join(dir, 'timelines.sqlite'));
  const documentsDb = new SqliteReadModelDb(join(dir, 'documents.sqlite'));
  const timelines = wireTimelines(app, deps, { timelines: timelinesDb, documents: documentsDb });
  await timelines.start();
  if (options.polling !== false) timelines.startPolling(1000);

  const settle = async (): Promise<void> => {
    for (let head = await store.headPosition(); head !== undefined;) {
      await engine.alsoSettle?.(head);
      // The projector's read models, seen through the read-model database as ops and /ready see them.
      // First until each says it caught up (its state, one registry row): the lag status reports looks
      // for the next event each one wants, and for a read model whose filter matches nothing ahead (the
      // documents' before the close) that scans the rest of the log — every 20 ms, on a core the child
      // needs (measured: half the bench process's CPU during replay-all).
      if (projector) await projectorCaughtUp(projections);
      if (projector)
        for (;;) {
          const reports = (await projections.operations.status()).filter((r) => r.kind === 'projection');
          if (reports.every((r) => r.lagPositions === 0)) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      await projections.host?.settled();
      for (const projection of projections.projections)
        await projections.host?.runner(projection.name)?.waitFor(head, 3_600_000);
      await timelines.planner.waitFor(head, 3_600_000);
      await timelines.issuer?.waitFor(head, 3_600_000);
      // (waitFor returns as soon as a runner's checkpoint reaches `head`; runners not yet past it are
      // awaited in turn, so when the loop ends every one of them is at the head.)
      // The issuer appends documents, which the read models then project: until nothing new arrives.
      const after = await store.headPosition();
      if (after === head) return;
      head = after;
    }
  };
  const engine: BenchEngine = {
    app,
    store,
    clock,
    bus: app.get(CommandBus),
    deps,
    projections,
    timelines,
    baseUrl,
    settle,
    projectorPeakRssMiB: () =>
      projector?.pid === undefined ? undefined : peakRssOfProcessMiB(projector.pid),
    close: async () => {
      await timelines.stop();
      await closeApp(app, deps);
      await projector?.stop();
      await timelinesDb.close();
      await documentsDb.close();
    },
  };
  return engine;
}

/** A live process's peak resident set (VmHWM in /proc/<pid>/status), in MiB. */
function peakRssOfProcessMiB(pid: number): number | undefined {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Math.round(Number(kib) / 1024);
}

export const meta = (commandId: string): CommandMeta => ({ commandId, actor: 'service:bench' });

/** Opens `ids` through the command bus and funds each (top-up or credit limit), `concurrency` at a time. */
export async function openAndFund(
  engine: BenchEngine,
  ids: string[],
  at: string,
  concurrency = 64,
): Promise<void> {
  await pool(ids.length, concurrency, async (i) => {
    const id = ids[i]!;
    await engine.bus.execute(new OpenAccount(openAccountCommand(id, i, at), meta(`open/${id}`)));
    await engine.bus.execute(namedLedgerCommand(id, fundingCommand(i, id, at), meta(`fund/${id}`)));
  });
}

/** Resolves once every read model's live build has caught up with the log once (or failed: status says). */
async function projectorCaughtUp(projections: ProjectionsRuntime): Promise<void> {
  const { registry } = projections.operations;
  for (;;) {
    const builds = await Promise.all(projections.projections.map((p) => registry.liveBuild(p.name)));
    if (builds.every((build) => build?.state === 'live' || build?.state === 'failed')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
