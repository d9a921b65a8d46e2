import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { AppModule, type AppDependencies } from './app.module.js';
import { SystemClock } from './application/clock/clock.js';
import { ConfigError, type AppConfig } from './config/config.js';
import { createEventStore } from './event-store/create-event-store.js';
import { ApiKeyRegistry, ensureGeneratedKeys, parseApiKeyRecords } from './http/auth/api-keys.js';
import { configureHttp } from './http/http-setup.js';
import { setupOpenApi } from './http/openapi.js';
import { JsonLogger } from './http/json-logger.js';
import { IdempotencyStore } from './http/idempotency/idempotency-store.js';
import { PersonalDataVault } from './application/personal-data/personal-data-vault.js';
import { readFileSync, readdirSync } from 'node:fs';
import { ProfileRegistry } from './domain/policies/profile-registry.js';
import { BillingService } from './application/billing/billing.service.js';
import { TimelineEngine } from './timelines/timeline-engine.js';
import { DocumentService } from './application/documents/document-service.js';
import { SqliteReadModelDb } from '../projections/runner/sqlite-read-model-db.js';
import { loadProjectionsConfig, ProjectionsRuntime } from './ops/projections-runtime.js';

/** Builds the Nest application from ready infrastructure (tests pass their own). */
export async function createApp(deps: AppDependencies, logger: false | JsonLogger = false) {
  const app = await NestFactory.create(AppModule.register(deps), { bodyParser: false, logger });
  if (logger) app.use(logger.requests());
  configureHttp(app);
  setupOpenApi(app);
  return app;
}

/** Opens everything the configuration names; an unreachable store or a bad key file stops start-up here. */
export async function openInfrastructure(config: AppConfig, env: NodeJS.ProcessEnv = process.env) {
  const eventStore = await createEventStore(config.eventStore);
  const idempotency = new IdempotencyStore(join(config.dataDir, 'idempotency.sqlite'));
  let generated: Record<string, string> | undefined;
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
    generated = ensured.created;
  }
  const profiles = new ProfileRegistry();
  if (config.policyProfilesDir) {
    for (const file of readdirSync(config.policyProfilesDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      try {
        profiles.add(JSON.parse(readFileSync(join(config.policyProfilesDir, file), 'utf8')));
      } catch (error) {
        throw new ConfigError([`POLICY_PROFILES_DIR: ${file}: ${(error as Error).message}`]);
      }
    }
  }
  return {
    deps: {
      config,
      eventStore,
      clock: new SystemClock(),
      apiKeys: new ApiKeyRegistry(records),
      idempotency,
      profiles,
      vault: new PersonalDataVault(join(config.dataDir, 'keys.sqlite')),
      projections: ProjectionsRuntime.open(eventStore, loadProjectionsConfig(config.dataDir, env)),
    },
    generated,
  };
}

export async function closeApp(app: INestApplication, deps: AppDependencies): Promise<void> {
  await app.close();
  await deps.projections?.close();
  await deps.eventStore.close();
  deps.idempotency.close();
  deps.vault.close();
}

/**
 * Starts the timelines on the system clock: deadlines are planned from the durable subscription into
 * `timelines.sqlite` and fired every second. Returns a stop function for shutdown.
 */
export async function startTimelines(
  app: INestApplication,
  deps: AppDependencies,
): Promise<() => Promise<void>> {
  const db = new SqliteReadModelDb(join(deps.config.dataDir, 'timelines.sqlite'));
  const documentsDb = new SqliteReadModelDb(join(deps.config.dataDir, 'documents.sqlite'));
  const engine = new TimelineEngine(
    deps.eventStore,
    app.get(BillingService),
    deps.clock,
    db,
    deps.profiles ?? new ProfileRegistry(),
    {
      service: app.get(DocumentService),
      db: documentsDb,
    },
  );
  await engine.start();
  engine.startPolling(1000);
  return async () => {
    await engine.stop();
    await db.close();
    await documentsDb.close();
  };
}
