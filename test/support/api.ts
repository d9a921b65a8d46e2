import type { INestApplication } from '@nestjs/common';
import { VirtualClock } from '../../src/platform/clock/clock.js';
import { closeApp, createApp, wireTimelines } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/platform/config/config.js';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import {
  ApiKeyRegistry,
  apiKeyRecord,
  hashApiKey,
  type Role,
  type Scope,
} from '../../src/platform/http/auth/api-keys.js';
import { IdempotencyStore } from '../../src/platform/http/idempotency/idempotency-store.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import type { AppDependencies } from '../../src/app.module.js';
import { RunningTimelines } from '../../src/timelines/running-timelines.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ProjectionsRuntime } from '../../src/ops/projections/projections-runtime.js';
import { testCatalog } from './catalog.js';

export const KEYS: Record<Role, string> = { service: 'svc-key', ops: 'ops-key', auditor: 'aud-key' };

export { testCatalog };

export interface TestApi {
  app: INestApplication;
  store: SqliteEventStore;
  clock: VirtualClock;
  /** The read models this app serves reads from (in memory, run in this process). */
  projections: ProjectionsRuntime;
  baseUrl: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: {
      role?: Role | null;
      /** A key given to startTestApi's `scopedKeys`, sent instead of the role's key. */
      key?: string;
      headers?: Record<string, string>;
      rawBody?: string;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Moves the virtual clock, firing every due deadline (month ends, suspensions …) and issuing documents. */
  advanceTo(to: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The whole HTTP app on an in-memory embedded store and a virtual clock, listening on a free port. */
export async function startTestApi(
  now = '2026-03-01T09:00:00.000Z',
  storePath = ':memory:',
  /** Extra keys with explicit scopes (besides one key per role, KEYS): key → its scopes. */
  scopedKeys: Record<string, readonly Scope[]> = {},
  /** Configuration variables (e.g. short HTTP timeouts), validated as at start-up. */
  env: Record<string, string> = {},
  /** More infrastructure for the app (e.g. the log anchor over `store`, built from it). */
  extra: (store: SqliteEventStore) => Partial<AppDependencies> = () => ({}),
): Promise<TestApi> {
  const store = SqliteEventStore.open({ path: storePath });
  const clock = new VirtualClock(now);
  const config = loadConfig(env);
  const deps: AppDependencies = {
    config,
    eventStore: store as EventStore,
    clock,
    apiKeys: new ApiKeyRegistry([
      ...(Object.keys(KEYS) as Role[]).map((role) =>
        apiKeyRecord(`test-${role}`, { role }, hashApiKey(KEYS[role])),
      ),
      ...Object.entries(scopedKeys).map(([key, scopes]) =>
        apiKeyRecord(`test-${key}`, { scopes }, hashApiKey(key)),
      ),
    ]),
    idempotency: new IdempotencyStore(':memory:', { leaseMs: config.transport.idempotencyLeaseMs }),
    catalog: testCatalog(),
    vault: new PersonalDataVault(':memory:'),
    ...extra(store),
  };
  const app = await createApp(deps);
  await app.listen(0, '127.0.0.1');
  // The timelines and the document issuer, driven by the virtual clock (advance with api.advanceTo).
  const timelinesDb = new SqliteReadModelDb(':memory:');
  const documentsDb = new SqliteReadModelDb(':memory:');
  // The refund worker too: refund parts go to the app's payment gateway (pending, unless a test gives one).
  const refundsDb = new SqliteReadModelDb(':memory:');
  const engine = wireTimelines(app, deps, {
    timelines: timelinesDb,
    documents: documentsDb,
    refunds: refundsDb,
  });
  await engine.start();
  app.get(RunningTimelines).engine = engine;
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    store,
    clock,
    projections: app.get(ProjectionsRuntime),
    baseUrl,
    async call(method, path, body, options = {}) {
      const role = options.role === undefined ? 'service' : options.role;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      else if (role) headers.authorization = `Bearer ${KEYS[role]}`;
      if (body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(baseUrl + path, {
        method,
        headers,
        body: options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    advanceTo: (to: string) => engine.advanceTo(to, clock),
    close: async () => {
      await engine.stop();
      await closeApp(app, deps);
      await timelinesDb.close();
      await documentsDb.close();
      await refundsDb.close();
    },
  };
}
