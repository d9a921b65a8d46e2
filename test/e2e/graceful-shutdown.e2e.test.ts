import Big from 'big.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { allProjections } from '../../projections/all-projections.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { ProjectionOperations } from '../../src/ops/projections/projection-operations.js';
import { timelinePlannerProjection } from '../../projections/workers/timeline-planner.projection.js';
import { EventBusFeed } from '../../projections/workers/event-bus-feed.js';
import { StoredEventMetrics } from '../../src/ops/metrics/stored-event-metrics.handler.js';
import { startService, type Service } from '../support/service-process.js';
import { individual, usage } from '../support/requests.js';
import { KEYS, startTestApi } from '../support/api.js';

const BATCH_SIZE = 1000; // the most one batch may carry: long enough to still be running at SIGTERM

async function call(
  service: Service,
  method: string,
  path: string,
  body?: unknown,
  role: 'service' | 'ops' = 'service',
): Promise<{ status: number; body: any }> {
  const response = await fetch(service.baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${KEYS[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, body: json ? JSON.parse(text) : text };
}

/** Resolves true when a new TCP connection to the port is refused. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const usageRecord = (accountId: string, usageRecordId: string, at: string) => ({
  accountId,
  usageRecordId,
  sku: 'compute.vcpu.hour',
  quantity: '1',
  windowStart: at,
  windowEnd: at,
});

describe('graceful shutdown of the service (SIGTERM)', () => {
  let dataDir: string;
  const running: Service[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'graceful-shutdown-'));
  });
  afterEach(() => {
    for (const service of running.splice(0))
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new connections, exits 0, and a restart finds everything exactly once', async () => {
    const first = await startService(dataDir);
    running.push(first);
    const account = 'shutdown';
    // Opened now (the system clock): no period of it has ended, so the timelines add no events of their own.
    const { openedAt: _past, ...openedNow } = individual(account);
    expect((await call(first, 'POST', '/v1/accounts', openedNow)).status).toBe(201);
    const topUp = await call(first, 'POST', `/v1/accounts/${account}/top-ups`, {
      paymentId: 'top-up-1',
      amount: '100000.00',
      currency: 'RUB',
      channel: 'card',
    });
    expect(topUp.status).toBe(201);
    const balance = async (service: Service) =>
      (await call(service, 'GET', `/v1/accounts/${account}`)).body.balance as string;
    const beforeProbe = await balance(first);
    const usedAt = new Date().toISOString();
    const probe = await call(first, 'POST', `/v1/accounts/${account}/usage`, {
      ...usageRecord(account, 'probe', usedAt),
      accountId: undefined,
    });
    expect(probe.status).toBe(201);
    const afterProbe = await balance(first);
    // What one record costs, as the service rated it: the restarted balance must match to the kopeck.
    const charge = new Big(beforeProbe).minus(afterProbe);
    expect(charge.gt(0)).toBe(true);

    const records = Array.from({ length: BATCH_SIZE }, (_, i) => usageRecord(account, `batch-${i}`, usedAt));
    let batchSettled = false;
    const batch = call(first, 'POST', '/v1/usage/batch', { records }).finally(() => (batchSettled = true));

    // SIGTERM once the batch is being stored: some of its records are in the log, not all of them yet.
    const log = new DatabaseSync(join(dataDir, 'events.sqlite'), { readOnly: true });
    defineEventSqlFunctions(log); // compact rows keep their data in `body`
    const storedOfBatch = () =>
      Number(
        (
          log
            .prepare(
              `SELECT COUNT(*) AS n FROM events WHERE type = 'ResourceConsumed' AND json_extract(event_data(data, body), '$.usageRecordId') LIKE 'batch-%'`,
            )
            .get() as { n: number }
        ).n,
      );
    await within(
      10_000,
      'the batch to start being stored',
      (async () => {
        while (storedOfBatch() === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      })(),
    );
    const storedAtSignal = storedOfBatch();
    log.close();
    expect(batchSettled).toBe(false);
    expect(storedAtSignal).toBeLessThan(BATCH_SIZE);
    first.child.kill('SIGTERM');

    // The listener closes at once; the batch is still being stored meanwhile.
    await within(
      5_000,
      'new connections to be refused',
      (async () => {
        while (!(await refusesConnections(first.port)))
          await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
    );
    expect(batchSettled).toBe(false);
    // A repeated signal (an impatient supervisor) does not cut the drain short.
    first.child.kill('SIGTERM');

    const response = await batch;
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: BATCH_SIZE, duplicate: 0, rejected: 0 });
    expect(response.body.results).toEqual(
      records.map((record, index) => ({
        index,
        usageRecordId: record.usageRecordId,
        result: 'accepted',
        eventTypes: expect.arrayContaining(['ResourceConsumed']),
      })),
    );

    const exit = await within(10_000, 'the service to exit', first.exited);
    expect(exit).toEqual({ code: 0, signal: null });
    // Not held open by the batch's keep-alive connection until it idles out (about 3 s with this client).
    expect(Date.now() - answeredAt).toBeLessThan(2_000);
    expect(await refusesConnections(first.port)).toBe(true);
    expect(first.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(first.stderr()).toBe('');
    expect(first.logs.map((line) => line.message)).toContain('SIGTERM: shutting down');

    // Stopped, not crashed: every read model and the timeline planner committed up to the head, recorded
    // the stop and handed its lease back for the next instance.
    const store = SqliteEventStore.open({ path: join(dataDir, 'events.sqlite') });
    const readModels = new SqliteReadModelDb(join(dataDir, 'read-models.sqlite'));
    const timelines = new SqliteReadModelDb(join(dataDir, 'timelines.sqlite'));
    const head = (await store.headPosition())!.toString();
    const atStop = await new ProjectionOperations(store, readModels, allProjections()).status();
    const plannerAtStop = await new ProjectionOperations(store, timelines, [
      timelinePlannerProjection(new ProfileRegistry()),
    ]).status();
    await Promise.all([readModels.close(), timelines.close(), store.close()]);
    for (const report of [...atStop, ...plannerAtStop]) {
      expect({
        name: report.name,
        state: report.state,
        holder: report.holder,
        lag: report.lagPositions,
      }).toEqual({ name: report.name, state: 'stopped', holder: null, lag: 0 });
    }
    expect(atStop.find((r) => r.name === 'account-balances')!.position).toBe(head);

    const second = await startService(dataDir);
    running.push(second);
    // Every accepted record is stored exactly once: the balance and the history agree to the kopeck.
    expect(await balance(second)).toBe(new Big(afterProbe).minus(charge.times(BATCH_SIZE)).toFixed());
    const exported = await call(
      second,
      'GET',
      `/v1/audit/accounts/${account}/export?format=jsonl`,
      undefined,
      'ops',
    );
    expect(exported.status).toBe(200);
    const consumed = (exported.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === 'ResourceConsumed')
      .map((event) => event.data.usageRecordId as string);
    expect(consumed.sort()).toEqual(['probe', ...records.map((r) => r.usageRecordId)].sort());

    // The restarted instance continues from the checkpoints: no read model applied anything again, and
    // nothing it lists (workers included, where listed) is behind the head.
    const status = await call(second, 'GET', '/v1/ops/projections', undefined, 'ops');
    expect(status.status).toBe(200);
    const listed: any[] = status.body.projections;
    const readModelNames = new Set(atStop.map((r) => r.name));
    expect(
      listed
        .filter((p) => readModelNames.has(p.name))
        .map((p) => ({ name: p.name, eventsApplied: p.eventsApplied, lag: p.lagPositions })),
    ).toEqual(atStop.map((r) => ({ name: r.name, eventsApplied: r.eventsApplied, lag: 0 })));
    expect(listed.filter((p) => p.lagPositions !== 0 || p.head !== head)).toEqual([]);
    const readiness = await fetch(`${second.baseUrl}/ready`);
    expect(readiness.status).toBe(200);
    const ready = (await readiness.json()) as { status: string; projections: Array<{ name: string }> };
    expect(ready.status).toBe('ready');
    expect(ready.projections.map((p) => p.name)).toEqual(listed.map((p) => p.name));

    second.child.kill('SIGTERM');
    expect(await within(10_000, 'the restarted service to exit', second.exited)).toEqual({
      code: 0,
      signal: null,
    });
  }, 150_000);

  it('lets the event handlers see every event the feed checkpointed, those of the drained requests included', async () => {
    const storePath = join(dataDir, 'events.sqlite');
    const api = await startTestApi('2026-03-02T09:00:00.000Z', storePath);
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    const topUp = { paymentId: 'p-1', amount: '1000.00', currency: 'RUB', channel: 'card' };
    expect((await api.call('POST', '/v1/accounts/anna/top-ups', topUp)).status).toBe(201);
    const records = Array.from({ length: BATCH_SIZE }, (_, i) => ({
      accountId: 'anna',
      ...usage(`batch-${i}`, 'test.unit', '0.01', '2026-03-02T10:00:00+03:00'),
    }));
    const headBefore = (await api.store.headPosition())!;
    let batchSettled = false;
    const batch = api.call('POST', '/v1/usage/batch', { records }).finally(() => (batchSettled = true));
    await within(
      10_000,
      'the batch to start being stored',
      (async () => {
        while ((await api.store.headPosition())! === headBefore)
          await new Promise((resolve) => setTimeout(resolve, 2));
      })(),
    );
    // Close while the batch is in flight. Nest's close() alone unsubscribes the event handlers
    // (@nestjs/cqrs, onModuleDestroy) before it drains HTTP, while the feed goes on feeding the bus.
    expect(batchSettled).toBe(false);
    const closing = api.close();
    const response = await batch;
    await closing;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: BATCH_SIZE, rejected: 0 });

    const fedUpTo = BigInt(api.app.get(EventBusFeed).status.position!);
    const store = SqliteEventStore.open({ path: storePath });
    const fed = (await store.readAll({ filter: { eventTypes: ['ResourceConsumed'] } })).filter(
      (event) => event.position <= fedUpTo,
    );
    await store.close();
    expect(fed.length).toBeGreaterThan(0);
    // What the feed checkpointed counts as delivered for good: a handler that missed it never sees it.
    expect(await api.app.get(StoredEventMetrics).count('ResourceConsumed')).toBe(fed.length);
  });
});
