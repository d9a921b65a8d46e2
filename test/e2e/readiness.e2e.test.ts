import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allProjections } from '../../projections/all-projections.js';
import type { AppDependencies } from '../../src/app.module.js';
import { SystemClock } from '../../src/platform/clock/clock.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { closeApp, createApp } from '../../src/bootstrap.js';
import { ConfigError, loadConfig } from '../../src/platform/config/config.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ApiKeyRegistry } from '../../src/platform/http/auth/api-keys.js';
import { IdempotencyStore } from '../../src/platform/http/idempotency/idempotency-store.js';
import {
  DEFAULT_READY_MAX_LAG_SECONDS,
  loadProjectionsConfig,
  ProjectionsRuntime,
} from '../../src/ops/projections/projections-runtime.js';
import { loadWorkersConfig, type WorkersConfig } from '../../src/ops/projections/workers-config.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { spawnTs } from '../support/child-process.js';
import { individual } from '../support/requests.js';
import { startTestApi, testCatalog, type TestApi } from '../support/api.js';

const PROJECTION_NAMES = allProjections().map((p) => p.name);

const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** GET /ready without any key: probes carry none. */
async function ready(baseUrl: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: await response.json() };
}

describe('GET /ready with the in-process projections', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => api.close());

  it('is ready once every projection has caught up, listing each with its lag', async () => {
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    await until(
      async () =>
        (await ready(api.baseUrl)).body.projections.every(
          (p: any) => p.lagPositions === 0 && p.state === 'live',
        ),
      'the projections to catch up',
    );
    const { status, body } = await ready(api.baseUrl);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      eventStore: { headPosition: (await api.store.headPosition())!.toString() },
      projections: PROJECTION_NAMES.map((name) => ({
        name,
        kind: 'projection',
        state: 'live',
        holder: 'in-process',
        lagPositions: 0,
        lagSeconds: 0,
      })),
    });
    expect(await (await fetch(`${api.baseUrl}/health`)).json()).toEqual({ status: 'ok' });
  });

  it('is not ready while a projection is stopped at an event it cannot apply, naming it and the error', async () => {
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    // A payment for a bill that was never issued: the balances projection cannot apply it.
    await api.store.append('ledger-anna@2026-03', [
      {
        id: randomUUID(),
        type: 'BillPaymentApplied',
        data: {
          billId: 'no-such-bill',
          paymentId: 'p',
          amount: '1',
          remaining: '0',
          fullyPaid: true,
          at: '2026-03-02T00:00:00Z',
        },
      },
    ]);
    await until(async () => (await ready(api.baseUrl)).status === 503, 'readiness to drop');
    const { body } = await ready(api.baseUrl);
    expect(body.status).toBe('not-ready');
    expect(body.reasons).toEqual([
      expect.stringMatching(
        /^projection account-balances has failed: .*BillPaymentApplied.*bill no-such-bill, which was never issued/,
      ),
    ]);
    expect(body.projections.find((p: any) => p.name === 'account-balances')).toMatchObject({
      state: 'failed',
      lagPositions: 1,
    });
    expect(body.projections.map((p: any) => p.name)).toEqual(PROJECTION_NAMES);
  });
});

describe('GET /ready with a runtime that runs no projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  let app: INestApplication | undefined;
  let deps: AppDependencies;
  let baseUrl: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'readiness-'));
    store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    if (app) await closeApp(app, deps);
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** The app on its own store and a runtime configured from the environment, as main.ts builds it. */
  async function start(env: NodeJS.ProcessEnv, workers?: WorkersConfig): Promise<ProjectionsRuntime> {
    const projections = ProjectionsRuntime.open(
      store,
      loadProjectionsConfig(dir, { PROJECTIONS: 'off', READ_MODEL_DB: ':memory:', ...env }),
      () => undefined,
      workers,
    );
    deps = {
      config: loadConfig({ DATA_DIR: dir }),
      eventStore: store,
      clock: new SystemClock(),
      apiKeys: new ApiKeyRegistry([]),
      idempotency: new IdempotencyStore(':memory:'),
      catalog: testCatalog(),
      vault: new PersonalDataVault(':memory:'),
      projections,
    };
    app = await createApp(deps);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    return projections;
  }

  /** An event every account projection wants, stored now; nothing applies it (no instance runs them). */
  const storeAnAccountEvent = () =>
    store.append('account-anna', [{ id: randomUUID(), type: 'AccountOpened', data: individual('anna') }]);

  it('is not ready while a worker has stopped at an event, naming the worker and its error', async () => {
    const workers = loadWorkersConfig(dir, ':memory:', { holder: 'instance-a', ttlMs: 15_000 }, {});
    const feedDb = new SqliteReadModelDb(workers.databases['event-bus']);
    const registry = new ProjectionRegistry(feedDb);
    await registry.ensureBuild('event-bus', 1, 1);
    await registry.setState('event-bus', 1, 'failed', { message: 'cannot react to X', eventId: 'e-1' }, null);
    await feedDb.close();
    await start({}, workers);
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(503);
    expect(body.reasons).toEqual(['worker event-bus has failed: cannot react to X']);
    expect(
      body.projections.filter((p: any) => p.kind === 'worker').map((p: any) => [p.name, p.state]),
    ).toEqual([
      ['timeline-deadlines', 'never-run'],
      ['document-issuer', 'never-run'],
      ['event-bus', 'failed'],
      ['auto-top-ups', 'never-run'],
      ['document-delivery', 'never-run'],
      ['refund-payouts', 'never-run'],
    ]);
  });

  it('tolerates a projection that has not run yet while its lag is under the limit', async () => {
    await start({});
    await storeAnAccountEvent();
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    const balances = body.projections.find((p: any) => p.name === 'account-balances');
    expect(balances).toMatchObject({ state: 'never-run', holder: null, lagPositions: 1 });
    expect(balances.lagSeconds).toBeLessThan(DEFAULT_READY_MAX_LAG_SECONDS);
  });

  it('is not ready once a projection lags more than READY_MAX_PROJECTION_LAG_SECONDS', async () => {
    await start({ READY_MAX_PROJECTION_LAG_SECONDS: '0' });
    expect((await ready(baseUrl)).status).toBe(200); // only the seeded price list: nothing to lag behind
    await storeAnAccountEvent();
    // Any wait at all puts the unapplied event past a limit of 0 s.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(503);
    expect(body.status).toBe('not-ready');
    const lagging = ['account-balances', 'account-status', 'billing-report', 'costs'];
    expect(body.reasons).toEqual(
      lagging.map((name) =>
        expect.stringMatching(
          new RegExp(`^projection ${name} is \\d+\\.\\d s behind \\(1 positions; the limit is 0 s\\)$`),
        ),
      ),
    );
    // The documents projections want no account events: they are not behind.
    expect(body.projections.find((p: any) => p.name === 'documents')).toMatchObject({ lagSeconds: 0 });
    // The two price-list versions seeded at start come first in the log.
    expect(body.eventStore).toEqual({ headPosition: '3' });
  });

  describe('per SERVICE_ROLE', () => {
    const lagging = ['account-balances', 'account-status', 'billing-report', 'costs'];
    const lagReasons = lagging.map((name) =>
      expect.stringMatching(
        new RegExp(`^projection ${name} is \\d+\\.\\d s behind \\(1 positions; the limit is 0 s\\)$`),
      ),
    );

    it('a commands instance stays ready while the read models lag, reporting what it does not count', async () => {
      await start({ SERVICE_ROLE: 'commands', READY_MAX_PROJECTION_LAG_SECONDS: '0' });
      await storeAnAccountEvent();
      await until(
        async () => (await ready(baseUrl)).body.notCounted?.length === lagging.length,
        'the lag to pass the limit of 0 s',
      );
      const { status, body } = await ready(baseUrl);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ready', role: 'commands' });
      expect(body.reasons).toBeUndefined();
      expect(body.notCounted).toEqual(lagReasons);
      expect(body.projections.find((p: any) => p.name === 'account-balances')).toMatchObject({
        lagPositions: 1,
      });
    });

    it('a projections instance with the same lag is out of rotation', async () => {
      await start({ SERVICE_ROLE: 'projections', READY_MAX_PROJECTION_LAG_SECONDS: '0' });
      await storeAnAccountEvent();
      await until(async () => (await ready(baseUrl)).status === 503, 'readiness to drop');
      const { body } = await ready(baseUrl);
      expect(body).toMatchObject({ status: 'not-ready', role: 'projections' });
      expect(body.reasons).toEqual(lagReasons);
      expect(body.notCounted).toBeUndefined();
    });

    it('a commands instance stays ready while a worker has failed; the failure is reported', async () => {
      const workers = loadWorkersConfig(dir, ':memory:', { holder: 'instance-a', ttlMs: 15_000 }, {});
      const feedDb = new SqliteReadModelDb(workers.databases['event-bus']);
      const registry = new ProjectionRegistry(feedDb);
      await registry.ensureBuild('event-bus', 1, 1);
      await registry.setState(
        'event-bus',
        1,
        'failed',
        { message: 'cannot react to X', eventId: 'e-1' },
        null,
      );
      await feedDb.close();
      await start({ SERVICE_ROLE: 'commands' }, workers);
      const { status, body } = await ready(baseUrl);
      expect(status).toBe(200);
      expect(body.notCounted).toEqual(['worker event-bus has failed: cannot react to X']);
    });

    it('a commands instance is not ready when the event store does not answer', async () => {
      await start({ SERVICE_ROLE: 'commands' });
      await store.close();
      const { status, body } = await ready(baseUrl);
      expect(status).toBe(503);
      expect(body.reasons).toEqual([expect.stringMatching(/^the event store does not answer: /)]);
    });
  });

  it('is not ready when the read-model database cannot be read', async () => {
    const runtime = await start({});
    await runtime.db.close();
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(503);
    expect(body.status).toBe('not-ready');
    expect(body.reasons).toEqual([expect.stringMatching(/^the projection status cannot be read/)]);
    // The log holds only the two price-list versions seeded at start.
    expect(body.eventStore).toEqual({ headPosition: '2' });
  });

  it('is not ready when the event store does not answer', async () => {
    await start({});
    await store.close();
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(503);
    expect(body.status).toBe('not-ready');
    expect(body.reasons).toEqual([expect.stringMatching(/^the event store does not answer: /)]);
    expect(body.eventStore.error).toEqual(expect.any(String));
  });
});

describe('READY_MAX_PROJECTION_LAG_SECONDS', () => {
  it('defaults to 60 and takes any whole number of seconds from 0', () => {
    expect(loadProjectionsConfig('/data', {}).readyMaxLagSeconds).toBe(60);
    expect(loadProjectionsConfig('/data', { READY_MAX_PROJECTION_LAG_SECONDS: '0' }).readyMaxLagSeconds).toBe(
      0,
    );
    expect(
      loadProjectionsConfig('/data', { READY_MAX_PROJECTION_LAG_SECONDS: ' 300 ' }).readyMaxLagSeconds,
    ).toBe(300);
  });

  it.each(['-1', '1.5', 'soon', '1e3'])('refuses %p, naming the variable and the value', (value) => {
    let error: unknown;
    try {
      loadProjectionsConfig('/data', { READY_MAX_PROJECTION_LAG_SECONDS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `READY_MAX_PROJECTION_LAG_SECONDS must be a whole number of seconds from 0 to 31536000 (got '${value}')`,
    ]);
  });

  it('stops the service at start-up with that message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readiness-config-'));
    try {
      const child = spawnTs(fileURLToPath(new URL('../../src/main.ts', import.meta.url)), [], {
        DATA_DIR: dir,
        PORT: '0',
        READY_MAX_PROJECTION_LAG_SECONDS: 'soon',
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(
        "READY_MAX_PROJECTION_LAG_SECONDS must be a whole number of seconds from 0 to 31536000 (got 'soon')",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
