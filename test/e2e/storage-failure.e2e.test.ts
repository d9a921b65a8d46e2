import { startTestApi, type TestApi } from '../support/api.js';
import { individual, usage } from '../support/requests.js';
import { sqliteFullError } from '../support/storage-errors.js';

/** GET /ready without any key: probes carry none. */
async function ready(api: TestApi): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.baseUrl}/ready`);
  return { status: response.status, body: await response.json() };
}

const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * Issue 17, defect 4d: a storage failure (disk full …) answered 500 while /ready stayed 200. The event
 * store is made to fail as node:sqlite does when the disk is full (a real SQLITE_FULL error).
 */
describe('a failing storage: 503 with Retry-After, and readiness says why', () => {
  let api: TestApi;
  let failing = false;
  beforeEach(async () => {
    api = await startTestApi('2026-03-20T09:00:00.000Z');
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    const append = api.store.append.bind(api.store);
    failing = false;
    api.store.append = (...args) => {
      if (failing) throw sqliteFullError();
      return append(...args);
    };
  });
  afterEach(() => api.close());

  const topUp = (paymentId: string) => ({ paymentId, amount: '100', currency: 'RUB', channel: 'card' });

  it('answers 503 STORAGE_UNAVAILABLE naming SQLITE_FULL, /ready is 503 with the reason until a write succeeds', async () => {
    await until(async () => (await ready(api)).status === 200, 'ready at first');
    failing = true;
    const headers = { 'idempotency-key': 'top-up-while-full' };
    const refused = await api.call('POST', '/v1/accounts/anna/top-ups', topUp('p-1'), { headers });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({ code: 'STORAGE_UNAVAILABLE', storage: 'SQLITE_FULL' });
    expect(refused.body.detail).toContain('database or disk is full');

    const notReady = await ready(api);
    expect(notReady.status).toBe(503);
    expect(notReady.body.status).toBe('not-ready');
    expect(notReady.body.reasons).toEqual([
      expect.stringMatching(
        /^a storage write failed \d+\.\d s ago: SQLITE_FULL database or disk is full \(POST \/v1\/accounts\/anna\/top-ups\)$/,
      ),
    ]);
    expect(notReady.body.storage.lastFailure).toMatchObject({ code: 'SQLITE_FULL', kind: 'write' });
    // Reads work on a full disk: a successful read does not make the instance ready again.
    expect((await api.call('GET', '/v1/accounts/anna')).status).toBe(200);
    expect((await ready(api)).status).toBe(503);

    // The disk has room again: the retry with the same key runs the command (a 5xx is never replayed)…
    failing = false;
    const retried = await api.call('POST', '/v1/accounts/anna/top-ups', topUp('p-1'), { headers });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    // …and that successful write clears the failure.
    const again = await ready(api);
    expect([again.status, again.body.storage]).toEqual([200, undefined]);
  });

  it('fails a usage batch whose records meet the failure as a whole with 503, never 500', async () => {
    await api.call('POST', '/v1/accounts/anna/top-ups', topUp('p-2'));
    failing = true;
    const response = await api.call('POST', '/v1/usage/batch', {
      records: [
        { accountId: 'anna', ...usage('b-1', 'test.unit', '1') },
        { accountId: 'anna', ...usage('b-2', 'test.unit', '1') },
      ],
    });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('STORAGE_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('5');
  });
});
