import 'reflect-metadata';
import { serveConsole } from './ops/console/console-static.js';
import { NestFactory } from '@nestjs/core';
import { Logger, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Server, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AppModule, type AppDependencies } from './app.module.js';
import { SystemClock, VirtualClock, type Clock } from './platform/clock/clock.js';
import type { EventStore } from './platform/event-store/event-store.port.js';
import { RunningTimelines } from './timelines/running-timelines.js';
import { ConfigError, loadAnchorConfig, type AppConfig } from './platform/config/config.js';
import { loadAnchorKeys } from './platform/event-store/anchor/anchor-keys.js';
import { LogAnchor } from './platform/event-store/anchor/log-anchor.js';
import { createEventStore } from './platform/event-store/create-event-store.js';
import { ApiKeyRegistry, ensureGeneratedKeys, parseApiKeyRecords } from './platform/http/auth/api-keys.js';
import { configureHttp } from './platform/http/http-setup.js';
import { ServiceMetrics } from './platform/metrics/service-metrics.js';
import { StorageHealth } from './platform/http/storage-health.js';
import { setupOpenApi } from './platform/http/openapi.js';
import { JsonLogger } from './platform/http/json-logger.js';
import { IdempotencyStore } from './platform/http/idempotency/idempotency-store.js';
import { openPersonalDataVault, personalDataVaultLocation } from './platform/personal-data/open-vault.js';
import { developmentMasterKey, type MasterKey } from './platform/secrets/master-key.js';
import {
  ensureDirCreatedPrivate,
  ensurePrivateDir,
  makeDataFilesPrivate,
  makeSqliteFilePrivate,
} from './platform/files/private-files.js';
import { existsSync, readFileSync } from 'node:fs';
import { ProfileRegistry } from './domain/policies/profile-registry.js';
import { loadProfileRegistry } from './platform/config/policy-profiles.js';
import { TimelineEngine } from './timelines/timeline-engine.js';
import {
  IssueMidPeriodBill,
  IssueTopUpBill,
  IssueWithheldDocuments,
  IssuePeriodDocuments,
  IssueClosedPeriodsDocuments,
  IssueCorrectiveDocuments,
} from './documents/issue-documents/issue-documents.command.js';
import type { ReadModelDb } from '../projections/runner/read-model-db.js';
import type { LeaseOptions } from '../projections/runner/leased-runner.js';
import { EventBusFeed } from '../projections/workers/event-bus-feed.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './ledger/payment-gateway/payment-gateway.port.js';
import { requestAutoTopUp } from './ledger/payment-gateway/request-auto-top-up.js';
import { payOutRefund } from './ledger/payment-gateway/pay-out-refund.js';
import {
  isSharedDatabase,
  loadProjectionsConfig,
  openReadModelDb,
  ProjectionsRuntime,
} from './ops/projections/projections-runtime.js';
import { loadWorkersConfig, type WorkersConfig } from './ops/projections/workers-config.js';

/** Builds the Nest application from ready infrastructure (tests pass their own). */
export async function createApp(deps: AppDependencies, logger: false | JsonLogger = false) {
  const app = await NestFactory.create(AppModule.register(deps), { bodyParser: false, logger });
  if (logger) app.use(logger.requests());
  configureHttp(app, {
    keys: deps.apiKeys,
    transport: deps.config.transport,
    storage: app.get(StorageHealth),
    metrics: app.get(ServiceMetrics),
  });
  setupOpenApi(app);
  serveConsole(app);
  drains.set(app, trackedDrain(app.getHttpServer() as Server));
  return app;
}

const drains = new WeakMap<INestApplication, () => Promise<void>>();

/**
 * Returns the function that drains the server: it stops accepting connections and resolves once every
 * request in flight is answered. server.close() alone would keep each keep-alive connection open until it
 * idles out (5 s) after its last response; so from then on every response goes out with
 * `Connection: close`, and its connection ends with it. Responses are tracked from the start for that.
 */
function trackedDrain(server: Server): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const endConnectionWith = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
    // A response already streaming: close its connection as soon as it is idle.
    else response.once('finish', () => server.closeIdleConnections());
  };
  server.on('request', (_request, response: ServerResponse) => {
    if (draining) return endConnectionWith(response);
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  return async () => {
    if (!draining) {
      draining = true;
      for (const response of inFlight) endConnectionWith(response);
    }
    if (server.listening)
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
  };
}

/** What the engine needs without its HTTP edge (tests, the simulation, the benchmarks). */
export type EngineDependencies = Pick<
  AppDependencies,
  'eventStore' | 'clock' | 'vault' | 'profiles' | 'catalog' | 'projections' | 'workers'
> &
  Partial<AppDependencies>;

/**
 * The engine without HTTP: the same module, books, command handlers and projections as the service, as a
 * Nest application context. Commands go through `context.get(CommandBus)` exactly as the controllers send them.
 */
export async function createEngine(deps: EngineDependencies): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    AppModule.register(deps as AppDependencies, { http: false, background: false }),
    { logger: false },
  );
  await context.init();
  return context;
}

/**
 * The timelines of an app or engine: deadlines planned into `dbs.timelines` and fired as commands on the
 * app's CommandBus; with `dbs.documents`, the document issuer too (its commands on the same bus); with
 * `dbs.autoTopUps`, the auto top-up worker (requests to the app's payment gateway, answers on the bus); with
 * `dbs.refunds`, the refund worker (refund parts paid out by the same gateway, answers on the bus).
 */
export function wireTimelines(
  app: INestApplicationContext,
  deps: Pick<AppDependencies, 'eventStore' | 'clock' | 'profiles' | 'projections'>,
  dbs: { timelines: ReadModelDb; documents?: ReadModelDb; autoTopUps?: ReadModelDb; refunds?: ReadModelDb },
  options: {
    lease?: LeaseOptions;
    log?: (message: string) => void;
    concurrency?: number;
    /** Default: whether the read models run in this process (their host is here). */
    plannerSharesLogReader?: boolean;
  } = {},
): TimelineEngine {
  const commands = app.get(CommandBus);
  const autoTopUps = dbs.autoTopUps && {
    requesting: requestAutoTopUp(app.get<symbol, PaymentGateway>(PAYMENT_GATEWAY), commands),
    db: dbs.autoTopUps,
  };
  const refunds = dbs.refunds && {
    paying: payOutRefund(app.get<symbol, PaymentGateway>(PAYMENT_GATEWAY), commands),
    db: dbs.refunds,
  };
  return new TimelineEngine(
    deps.eventStore,
    commands,
    deps.clock,
    dbs.timelines,
    deps.profiles ?? new ProfileRegistry(),
    dbs.documents && {
      issuing: {
        issueForClosedPeriod: (accountId, periodId) =>
          commands.execute(new IssuePeriodDocuments(accountId, periodId)),
        issueForClosedPeriods: (periods) => commands.execute(new IssueClosedPeriodsDocuments(periods)),
        issueMidPeriodBill: (accountId, periodId, billId) =>
          commands.execute(new IssueMidPeriodBill(accountId, periodId, billId)),
        issueTopUpBill: (accountId, periodId, billId) =>
          commands.execute(new IssueTopUpBill(accountId, periodId, billId)),
        issueWithheld: (accountId) => commands.execute(new IssueWithheldDocuments(accountId)),
        issueCorrectiveDocuments: (accountId, periodId, correctionId) =>
          commands.execute(new IssueCorrectiveDocuments(accountId, periodId, correctionId)),
      },
      db: dbs.documents,
    },
    {
      ...options,
      plannerSharesLogReader: options.plannerSharesLogReader ?? deps.projections?.host !== undefined,
      autoTopUps,
      refunds,
      metrics: app.get(ServiceMetrics),
    },
  );
}

/** The files in the data folder besides SQLite files that hold secrets or their hashes. */
const PRIVATE_NAMES = ['api-keys.json', 'api-keys.generated.txt', 'personal-data-master.key'];

/**
 * Opens everything the configuration names; an unreachable store, a bad key file or a master key that does
 * not open the vault stops start-up here. `notices` are for the operator's log: never a secret in them.
 */
export async function openInfrastructure(config: AppConfig, env: NodeJS.ProcessEnv = process.env) {
  const notices: string[] = [];
  // The data folder and every file in it are the service user's only (0700 / 0600).
  const notPrivate = ensurePrivateDir(config.dataDir);
  if (notPrivate) notices.push(notPrivate);
  if (config.eventStore.kind === 'sqlite') ensureDirCreatedPrivate(dirname(config.eventStore.path));
  const masterKey = openMasterKey(config, notices);
  const eventStore = await createEventStore(config.eventStore);
  let generated: { path: string; roles: string[] } | undefined;
  let records;
  try {
    if (env.API_KEYS) records = parseApiKeyRecords(env.API_KEYS, false);
    else if (env.API_KEYS_FILE) records = parseApiKeyRecords(readFileSync(env.API_KEYS_FILE, 'utf8'), true);
  } catch (error) {
    throw new ConfigError([`${env.API_KEYS ? 'API_KEYS' : 'API_KEYS_FILE'}: ${(error as Error).message}`]);
  }
  if (!records) {
    const ensured = ensureGeneratedKeys(join(config.dataDir, 'api-keys.json'));
    records = ensured.records;
    if (!ensured.created && existsSync(join(config.dataDir, 'api-keys.generated.txt')))
      notices.push(
        `${join(config.dataDir, 'api-keys.generated.txt')} still holds the generated API keys: keep them elsewhere and delete it`,
      );
    if (ensured.created) {
      generated = ensured.created;
      notices.push(
        `First start: one API key per role (${generated.roles.join(', ')}) was generated; the keys are in ` +
          `${generated.path}, readable by this user only. Keep them elsewhere and delete that file: the ` +
          'service keeps only their hashes (api-keys.json).',
      );
    }
  }
  // Shared like the Idempotency-Key records: in PostgreSQL when instances share it, else keys.sqlite.
  const opened = openPersonalDataVault(
    personalDataVaultLocation(config.dataDir, env),
    masterKey,
    config.dataDir,
  );
  const vault = opened.vault;
  notices.push(...opened.notices);
  const profiles = loadProfileRegistry(config.policyProfilesDir);
  const projectionsConfig = loadProjectionsConfig(config.dataDir, env);
  // Idempotency-Key claims belong to this instance (INSTANCE_ID) under a lease; the ones it left
  // unfinished when it was killed are released now, so their retries run at once.
  // With PostgreSQL read models the records live there, shared: a retry that reaches another instance
  // replays the first answer instead of running the command again.
  const idempotencyOptions = {
    owner: projectionsConfig.holder,
    leaseMs: config.transport.idempotencyLeaseMs,
  };
  const idempotency = isSharedDatabase(projectionsConfig.readModelDb)
    ? await IdempotencyStore.shared(openReadModelDb(projectionsConfig.readModelDb), idempotencyOptions)
    : new IdempotencyStore(join(config.dataDir, 'idempotency.sqlite'), idempotencyOptions);
  await idempotency.releaseOwnClaims();
  const workers = loadWorkersConfig(
    config.dataDir,
    projectionsConfig.readModelDb,
    { holder: projectionsConfig.holder, ttlMs: projectionsConfig.leaseTtlMs },
    env,
  );
  const projections = ProjectionsRuntime.open(eventStore, projectionsConfig, undefined, workers);
  makeStoreFilesPrivate(config, [projectionsConfig.readModelDb]);
  // Signed checkpoints of the log: the key from outside the store; checked against the store in startAnchor.
  const anchorConfig = loadAnchorConfig(env, config.dataDir);
  const anchor = LogAnchor.open(
    anchorConfig.db,
    eventStore,
    loadAnchorKeys(anchorConfig, { forSigning: true }),
    {
      everyEvents: anchorConfig.everyEvents,
      intervalMs: anchorConfig.intervalMs,
      log: (message) => new Logger('LogAnchor').warn(message),
    },
  );
  return {
    deps: {
      config,
      eventStore,
      clock: await openClock(config.clock, eventStore),
      apiKeys: new ApiKeyRegistry(records),
      idempotency,
      profiles,
      vault,
      projections,
      workers,
      anchor,
    },
    generated,
    notices,
  };
}

/** The configured master key, or in development the generated key file (announced in the notices). */
function openMasterKey(config: AppConfig, notices: string[]): MasterKey {
  const setting = config.personalDataMasterKey;
  if (setting.kind === 'given') return setting.key;
  const { key, created } = developmentMasterKey(setting.path);
  notices.push(
    `${created ? 'Generated' : 'Using'} the development master key ${setting.path} for the personal-data keys: ` +
      'a key beside the data it protects protects little. In production set NODE_ENV=production and ' +
      'PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE (docs/security.md).',
  );
  return key;
}

/** After the stores are open: their files (SQLite creates its own) tightened to 0600. */
export function makeStoreFilesPrivate(config: AppConfig, extra: readonly string[] = []): void {
  makeDataFilesPrivate(config.dataDir, PRIVATE_NAMES);
  if (config.eventStore.kind === 'sqlite') makeSqliteFilePrivate(config.eventStore.path);
  for (const path of extra) makeSqliteFilePrivate(path);
}

/**
 * The shutdown sequence: writers stop before readers. First the HTTP server drains: no new connections,
 * the requests in flight answered, while the application is whole — Nest's close() would unsubscribe the
 * event handlers (@nestjs/cqrs, in onModuleDestroy) before closing the server. Then `stopBackgroundWork`
 * (the timelines, which send commands). Then the event-bus feed stops while its handlers are still
 * subscribed, so it checkpoints only events they were given (the rest are fed at the next start). Then
 * Nest closes (the projections commit and hand back their leases) and the stores close.
 */
export async function closeApp(
  app: INestApplication,
  deps: AppDependencies,
  stopBackgroundWork?: () => Promise<void>,
): Promise<void> {
  await drains.get(app)?.();
  await stopBackgroundWork?.();
  await app.get(EventBusFeed).stop();
  await app.close();
  await deps.projections?.close();
  // Its last checkpoint covers everything stored until now, so a restart finds nothing unanchored.
  await deps.anchor?.stop();
  await deps.eventStore.close();
  await deps.idempotency.close();
  deps.vault.close();
}

/**
 * Starts the timelines on the system clock: deadlines are planned from the durable subscription into the
 * workers' database and fired every second, by whichever instance holds the timelines' lease. Returns a
 * stop function for shutdown.
 */
export async function startTimelines(
  app: INestApplication,
  deps: AppDependencies,
): Promise<() => Promise<void>> {
  const workers = deps.workers ?? defaultWorkers(deps.config.dataDir);
  const db = openReadModelDb(workers.databases.timelines);
  const documentsDb = openReadModelDb(workers.databases.documents);
  const autoTopUpsDb = openReadModelDb(workers.databases['auto-top-ups']);
  const refundsDb = openReadModelDb(workers.databases['refund-payouts']);
  makeStoreFilesPrivate(deps.config, Object.values(workers.databases));
  const engine = wireTimelines(
    app,
    deps,
    { timelines: db, documents: documentsDb, autoTopUps: autoTopUpsDb, refunds: refundsDb },
    { lease: workers.lease, log: (message) => new Logger('Timelines').log(message) },
  );
  await engine.start();
  engine.startPolling(1000);
  app.get(RunningTimelines).engine = engine;
  return async () => {
    await engine.stop();
    await db.close();
    await documentsDb.close();
    await autoTopUpsDb.close();
    await refundsDb.close();
  };
}

/**
 * The system clock, or a test clock that resumes where the log's last decision left it: a restart with the
 * same CLOCK=virtual:<start> never moves the engine's time back.
 */
export async function openClock(setting: AppConfig['clock'], store: EventStore): Promise<Clock> {
  if (setting.kind === 'system') return new SystemClock();
  const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  const lastDecided = last?.metadata.recordedAt;
  return new VirtualClock(
    lastDecided && Date.parse(lastDecided) > Date.parse(setting.start) ? lastDecided : setting.start,
  );
}

/** One process on its own data folder: per-worker SQLite files, a lease that this process always gets. */
export function defaultWorkers(dataDir: string): WorkersConfig {
  return loadWorkersConfig(dataDir, '', { holder: `${hostname()}:${process.pid}`, ttlMs: 15_000 }, {});
}
