import { startTestApi, type TestApi } from '../../../test/support/api.js';

/** A second service key: its own budget, whatever the first one sends. */
const OTHER_KEY = 'other-service-key';
const ACCOUNT = '/v1/accounts/rl-nobody';

async function withApi(env: Record<string, string>, body: (api: TestApi) => Promise<void>): Promise<void> {
  const api = await startTestApi('2026-03-01T09:00:00.000Z', ':memory:', { [OTHER_KEY]: ['read'] }, env);
  try {
    await body(api);
  } finally {
    await api.close();
  }
}

describe('the per-key rate limit (RATE_LIMIT_PER_MINUTE)', () => {
  it('answers 429 problem+json RATE_LIMITED with Retry-After past the limit, and stores nothing', () =>
    withApi({ RATE_LIMIT_PER_MINUTE: '3' }, async (api) => {
      for (let i = 0; i < 3; i++) expect((await api.call('GET', ACCOUNT)).status).toBe(404);
      const before = await api.store.headPosition();
      const limited = await api.call('POST', '/v1/accounts', { type: 'individual' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', limit: 3 });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(limited.body.retryAfterSeconds).toBe(retryAfter);
      expect(await api.store.headPosition()).toEqual(before);
    }));

  it("counts each key on its own: another key is not limited by the first key's traffic", () =>
    withApi({ RATE_LIMIT_PER_MINUTE: '2' }, async (api) => {
      await api.call('GET', ACCOUNT);
      await api.call('GET', ACCOUNT);
      expect((await api.call('GET', ACCOUNT)).status).toBe(429);
      expect((await api.call('GET', ACCOUNT, undefined, { key: OTHER_KEY })).status).toBe(404);
      expect((await api.call('GET', ACCOUNT, undefined, { key: OTHER_KEY })).status).toBe(404);
      expect((await api.call('GET', ACCOUNT, undefined, { key: OTHER_KEY })).status).toBe(429);
    }));

  it('counts requests without a valid key by address, apart from the keys', () =>
    withApi({ RATE_LIMIT_PER_MINUTE: '2' }, async (api) => {
      const guess = { key: 'guessed-key' };
      expect((await api.call('GET', ACCOUNT, undefined, guess)).status).toBe(401);
      expect((await api.call('GET', ACCOUNT, undefined, { role: null })).status).toBe(401);
      const limited = await api.call('GET', ACCOUNT, undefined, guess);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect((await api.call('GET', ACCOUNT)).status).toBe(404);
    }));

  it('never limits /health, /ready or /metrics, nor counts them', () =>
    withApi({ RATE_LIMIT_PER_MINUTE: '2' }, async (api) => {
      for (let i = 0; i < 5; i++) {
        expect((await api.call('GET', '/health')).status).toBe(200);
        expect((await api.call('GET', '/ready')).status).not.toBe(429);
        expect((await api.call('GET', '/metrics', undefined, { role: 'ops' })).status).toBe(200);
      }
      expect((await api.call('GET', ACCOUNT)).status).toBe(404);
      expect((await api.call('GET', ACCOUNT)).status).toBe(404);
      expect((await api.call('GET', ACCOUNT)).status).toBe(429);
      expect((await api.call('GET', '/health')).status).toBe(200);
    }));

  it('is off with 0', () =>
    withApi({ RATE_LIMIT_PER_MINUTE: '0' }, async (api) => {
      for (let i = 0; i < 30; i++) expect((await api.call('GET', ACCOUNT)).status).toBe(404);
      expect((await api.call('GET', ACCOUNT)).headers.get('x-ratelimit-limit')).toBeNull();
    }));

  it('is on by default, generously (6000 a minute per key)', () =>
    withApi({}, async (api) => {
      expect((await api.call('GET', ACCOUNT)).headers.get('x-ratelimit-limit')).toBe('6000');
    }));
});
