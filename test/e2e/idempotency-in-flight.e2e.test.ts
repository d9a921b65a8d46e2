import { IdempotencyStore } from '../../src/platform/http/idempotency/idempotency-store.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { individual } from '../support/requests.js';

/** Issue 17, defect 2, over HTTP in one process: what a retry gets while the first attempt runs. */
describe('Idempotency-Key while the first request is still running', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A lease shorter than the first attempt: only its renewal keeps the retry from taking it over.
    api = await startTestApi('2026-03-20T09:00:00.000Z', ':memory:', {}, { IDEMPOTENCY_LEASE_MS: '600' });
  });
  afterAll(() => api.close());

  it('answers 409 with Retry-After while the first runs (its claim renewed), then replays its answer', async () => {
    const store = api.app.get(IdempotencyStore);
    expect(store.leaseMs).toBe(600);
    // The first attempt's append takes 1.5 s.
    const append = api.store.append.bind(api.store);
    api.store.append = async (...args) => {
      api.store.append = append;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return append(...args);
    };
    const headers = { 'idempotency-key': 'open-slow' };
    const first = api.call('POST', '/v1/accounts', individual('slow'), { headers });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const meanwhile = await api.call('POST', '/v1/accounts', individual('slow'), { headers });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });
    expect(Number(meanwhile.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(meanwhile.headers.get('retry-after'))).toBe(1);
    expect((await first).status).toBe(201);
    const retry = await api.call('POST', '/v1/accounts', individual('slow'), { headers });
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(retry.body).toEqual((await first).body);
  });
});
