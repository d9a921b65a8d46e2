import Big from 'big.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { KEYS } from '../support/api.js';
import { individual } from '../support/requests.js';
import { startService, type Service } from '../support/service-process.js';

const BATCH_SIZE = 1000;
const LEASE_MS = 2000;

async function call(
  service: Service,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(service.baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${KEYS.service}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const usageRecord = (accountId: string, usageRecordId: string, at: string) => ({
  accountId,
  usageRecordId,
  sku: 'compute.vcpu.hour',
  quantity: '1',
  windowStart: at,
  windowEnd: at,
});

/**
 * Issue 17, defect 2: a request killed mid-flight must not leave its Idempotency-Key answering 409 forever.
 * The restarted service (a new process: another owner) takes the dead attempt's claim over once its lease
 * runs out and runs the batch again; deterministic event ids make the records already stored duplicates.
 */
describe('an Idempotency-Key whose request was killed mid-flight (kill -9)', () => {
  let dataDir: string;
  const running: Service[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'idempotency-crash-'));
  });
  afterEach(() => {
    for (const service of running.splice(0))
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['a new instance id: the dead claim expires after its lease', {}],
    ['the same INSTANCE_ID: the restart releases its own claims at once', { INSTANCE_ID: 'billing-1' }],
  ])(
    'retrying a 1 000-record usage batch after a restart gets its final answer (%s), every record counted once',
    async (_name, env: Record<string, string>) => {
      const config = { IDEMPOTENCY_LEASE_MS: String(LEASE_MS), ...env };
      const first = await startService(dataDir, config);
      running.push(first);
      const account = 'crashy';
      const { openedAt: _past, ...openedNow } = individual(account);
      expect((await call(first, 'POST', '/v1/accounts', openedNow)).status).toBe(201);
      const topUp = { paymentId: 'top-up-1', amount: '100000.00', currency: 'RUB', channel: 'card' };
      expect((await call(first, 'POST', `/v1/accounts/${account}/top-ups`, topUp)).status).toBe(201);
      const balance = async (service: Service) =>
        new Big((await call(service, 'GET', `/v1/accounts/${account}`)).body.balance as string);
      const usedAt = new Date().toISOString();
      const before = await balance(first);
      const { accountId: _a, ...probe } = usageRecord(account, 'probe', usedAt);
      expect((await call(first, 'POST', `/v1/accounts/${account}/usage`, probe)).status).toBe(201);
      const charge = before.minus(await balance(first));
      expect(charge.gt(0)).toBe(true);

      const records = Array.from({ length: BATCH_SIZE }, (_, i) =>
        usageRecord(account, `batch-${i}`, usedAt),
      );
      const key = { 'idempotency-key': 'batch-2026-03-10-01' };
      void call(first, 'POST', '/v1/usage/batch', { records }, key).catch(() => undefined);

      // kill -9 once the batch is being stored: some of its records are in the log, not all of them.
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
      const deadline = Date.now() + 10_000;
      while (storedOfBatch() === 0) {
        if (Date.now() > deadline) throw new Error('the batch was never stored');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      first.child.kill('SIGKILL');
      await first.exited;
      const storedAtKill = storedOfBatch();
      log.close();
      expect(storedAtKill).toBeGreaterThan(0);
      expect(storedAtKill).toBeLessThan(BATCH_SIZE);

      const second = await startService(dataDir, config);
      running.push(second);
      const restartedAt = Date.now();
      // The client retries with the same key, honouring Retry-After, until it has a final answer.
      let retry = await call(second, 'POST', '/v1/usage/batch', { records }, key);
      const inFlight: number[] = [];
      while (retry.status === 409) {
        expect(retry.body.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
        const after = Number(retry.headers.get('retry-after'));
        expect(after).toBeGreaterThanOrEqual(1);
        expect(after).toBeLessThanOrEqual(Math.ceil(LEASE_MS / 1000));
        inFlight.push(after);
        expect(Date.now() - restartedAt).toBeLessThan(LEASE_MS + 5_000);
        await new Promise((resolve) => setTimeout(resolve, 250));
        retry = await call(second, 'POST', '/v1/usage/batch', { records }, key);
      }
      const finalAfterMs = Date.now() - restartedAt;
      expect(retry.status).toBe(200);
      // The records stored before the kill are recognised: accepted + duplicate covers the batch once.
      expect(retry.body.rejected).toBe(0);
      expect(retry.body.accepted + retry.body.duplicate).toBe(BATCH_SIZE);
      expect(retry.body.duplicate).toBeGreaterThanOrEqual(storedAtKill);
      if (env.INSTANCE_ID) expect(inFlight).toEqual([]);
      // Every record charged once, to the kopeck.
      expect((await balance(second)).toString()).toBe(before.minus(charge.times(BATCH_SIZE + 1)).toString());
      // From now on the outcome is stored: a further retry replays it.
      const replay = await call(second, 'POST', '/v1/usage/batch', { records }, key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(retry.body);
      console.log(
        `idempotency after kill -9 (${_name}): ${storedAtKill} of ${BATCH_SIZE} stored at the kill; final answer ${finalAfterMs} ms after the restart (${inFlight.length} × 409 first)`,
      );
    },
    120_000, // two service starts and two 1 000-record batches: slow on a loaded 2-core machine
  );
});
