import { startTestApi, type TestApi } from '../../../test/support/api.js';

describe('GET /v1/whoami: the presented key, for the console', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('2026-03-10T09:00:00.000Z', ':memory:', { meter: ['usage:write'] });
  });
  afterAll(() => api.close());

  it('names an auditor key and its scopes (read, audit: no write scope for the console to offer)', async () => {
    const answer = await api.call('GET', '/v1/whoami', undefined, { role: 'auditor' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ name: 'test-auditor', role: 'auditor', scopes: ['read', 'audit'] });
  });

  it('answers any valid key, even one without the read scope (a key with scopes and no role has no role)', async () => {
    const answer = await api.call('GET', '/v1/whoami', undefined, { role: null, key: 'meter' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ name: 'test-meter', scopes: ['usage:write'] });
  });

  it('an ops key holds the ops and clock scopes the console shows the ops screen for', async () => {
    const answer = await api.call('GET', '/v1/whoami', undefined, { role: 'ops' });
    expect(answer.body.scopes).toEqual(expect.arrayContaining(['ops', 'clock:write', 'audit', 'read']));
  });

  it('refuses a missing or unknown key with 401 problem+json', async () => {
    const none = await api.call('GET', '/v1/whoami', undefined, { role: null });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const unknown = await api.call('GET', '/v1/whoami', undefined, {
      role: null,
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('UNAUTHENTICATED');
  });
});
