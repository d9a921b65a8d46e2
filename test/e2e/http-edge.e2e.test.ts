import fc from 'fast-check';
import { CONTROLLERS } from '../../src/app.module.js';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ROLES, type Role, type Scope } from '../../src/platform/http/auth/api-keys.js';
import { ANY_KEY, PUBLIC_KEY, SCOPES_KEY } from '../../src/platform/http/auth/roles.js';
import { ROLE_SCOPES } from '../../src/platform/http/auth/scopes.js';
import { KEYS, startTestApi, type TestApi } from '../support/api.js';
import { individual, usage } from '../support/requests.js';

describe('HTTP edge: malformed input, idempotency, authorization, concurrency', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi('2026-03-20T09:00:00.000Z');
    await api.call('POST', '/v1/accounts', individual('anna'));
  });
  afterEach(() => api.close());

  const head = async () => (await api.store.headPosition())?.toString();
  const topUp = { paymentId: 'p-1', amount: '100', currency: 'RUB', channel: 'card' };

  it.each([
    ['malformed JSON', { rawBody: '{"paymentId":' }, 400, 'MALFORMED_JSON'],
    [
      'a text/plain body',
      { rawBody: 'amount=1', headers: { 'content-type': 'text/plain' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an unknown field', { body: { ...topUp, colour: 'red' } }, 400, 'VALIDATION_FAILED'],
    ['a JSON number for money', { body: { ...topUp, amount: 100 } }, 400, 'VALIDATION_FAILED'],
    ['too many decimals', { body: { ...topUp, amount: '1.001' } }, 400, 'VALIDATION_FAILED'],
    ['an oversized body', { body: { ...topUp, paymentId: 'x'.repeat(3_000_000) } }, 413, 'BODY_TOO_LARGE'],
    ['a JSON array', { rawBody: '[1,2]' }, 400, 'VALIDATION_FAILED'],
  ])('answers %s with %i %s and stores nothing', async (_name, request, status, code) => {
    const before = await head();
    const { body, ...options } = request as {
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    };
    const response = await api.call('POST', '/v1/accounts/anna/top-ups', body, options);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await head()).toBe(before);
  });

  it('lets an auditor read an account whose period has ended without storing anything', async () => {
    api.clock.set('2026-05-02T00:00:00.000Z');
    const before = await head();
    const summary = await api.call('GET', '/v1/accounts/anna', undefined, { role: 'auditor' });
    expect(summary.status).toBe(200);
    expect(summary.body.period.id).toBe('2026-03');
    expect(await head()).toBe(before);
  });

  it('names each invalid field and rule', async () => {
    const response = await api.call('POST', '/v1/accounts/anna/top-ups', {
      ...topUp,
      amount: '-5',
      currency: 'EUR',
    });
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'amount', rule: 'matches' }),
        expect.objectContaining({ field: 'currency', rule: 'isIn' }),
      ]),
    );
  });

  it('replays the original response for a retry with the same Idempotency-Key, refuses a different body', async () => {
    const headers = { 'idempotency-key': 'key-1' };
    const first = await api.call('POST', '/v1/accounts/anna/top-ups', topUp, { headers });
    const afterFirst = await head();
    const retry = await api.call('POST', '/v1/accounts/anna/top-ups', topUp, { headers });
    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await head()).toBe(afterFirst);
    const reused = await api.call(
      'POST',
      '/v1/accounts/anna/top-ups',
      { ...topUp, amount: '200' },
      { headers },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // A rejection is remembered as well.
    const low = { ...topUp, paymentId: 'p-2', amount: '1' };
    const rejected = await api.call('POST', '/v1/accounts/anna/top-ups', low, {
      headers: { 'idempotency-key': 'key-2' },
    });
    const replayed = await api.call('POST', '/v1/accounts/anna/top-ups', low, {
      headers: { 'idempotency-key': 'key-2' },
    });
    expect([rejected.status, rejected.body.code]).toEqual([422, 'TOP_UP_BELOW_MINIMUM']);
    expect([replayed.status, replayed.body]).toEqual([422, rejected.body]);
    // The same payment id without a key changes nothing either.
    const again = await api.call('POST', '/v1/accounts/anna/top-ups', topUp);
    expect(again.body.status).toBe('duplicate');
    expect((await api.call('GET', '/v1/accounts/anna')).body.balance).toBe('100');
  });

  it('charges concurrent usage from many clients exactly once each, to the kopeck', async () => {
    await api.call('POST', '/v1/accounts/anna/top-ups', { ...topUp, amount: '1000' });
    const clients = 10;
    const perClient = 15;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; i < perClient; i++) {
          const record = usage(`c${c}-${i}`, 'test.unit', '0.37');
          const response = await api.call('POST', '/v1/accounts/anna/usage', record);
          expect(response.status).toBe(201);
          // Every client also retries once: the retry is a duplicate.
          if (i === 0)
            expect((await api.call('POST', '/v1/accounts/anna/usage', record)).body.status).toBe('duplicate');
        }
      }),
    );
    expect((await api.call('GET', '/v1/accounts/anna')).body.balance).toBe('944.5');
  });

  it('ingests a batch with a result per record; one bad record does not reject the others', async () => {
    await api.call('POST', '/v1/accounts/anna/top-ups', { ...topUp, amount: '1000' });
    const response = await api.call('POST', '/v1/usage/batch', {
      records: [
        { accountId: 'anna', ...usage('b-1', 'test.unit', '1') },
        { accountId: 'anna', ...usage('b-1', 'test.unit', '1') },
        { accountId: 'anna', ...usage('b-2', 'no.such.sku', '1') },
        { accountId: 'anna', ...usage('b-3', 'test.unit', 'lots') },
        { accountId: 'ghost', ...usage('b-4', 'test.unit', '1') },
        { accountId: 'anna', ...usage('b-5', 'test.unit', '2') },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { result: string; code?: string }) => r.code ?? r.result)).toEqual([
      expect.stringMatching(/accepted|duplicate/),
      expect.stringMatching(/accepted|duplicate/),
      'UNKNOWN_SKU',
      'VALIDATION_FAILED',
      'NOT_FOUND',
      'accepted',
    ]);
    expect(response.body.accepted + response.body.duplicate).toBe(3);
    expect((await api.call('GET', '/v1/accounts/anna')).body.balance).toBe('997');
  });

  it('walks the whole route table: 401 without a key, 403 for roles whose preset lacks the route scope', async () => {
    const routes: Array<{ method: string; path: string; roles: Role[] }> = [];
    for (const controller of CONTROLLERS as Array<new (...args: never[]) => object>) {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        if (Reflect.getMetadata(PUBLIC_KEY, handler)) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/:\w+/g, 'anna');
        routes.push({
          method: RequestMethod[method],
          path,
          // The roles whose preset holds every scope the route declares (none if it declares none);
          // every role for a route open to any valid key (GET /v1/whoami).
          roles: Reflect.getMetadata(ANY_KEY, handler)
            ? [...ROLES]
            : ((scopes: Scope[]) =>
                scopes.length ? ROLES.filter((r) => scopes.every((s) => ROLE_SCOPES[r].includes(s))) : [])(
                Reflect.getMetadata(SCOPES_KEY, handler) ?? [],
              ),
        });
      }
    }
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const route of routes) {
      expect(route.roles.length).toBeGreaterThan(0);
      const anonymous = await api.call(route.method, route.path, undefined, { role: null });
      expect([route.method, route.path, anonymous.status]).toEqual([route.method, route.path, 401]);
      const wrongKey = await api.call(route.method, route.path, undefined, {
        role: null,
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrongKey.status).toBe(401);
      for (const role of ROLES.filter((r) => !route.roles.includes(r))) {
        const forbidden = await api.call(route.method, route.path, undefined, { role });
        expect([route.method, route.path, role, forbidden.status]).toEqual([
          route.method,
          route.path,
          role,
          403,
        ]);
      }
    }
    // The auditor can read everything and change nothing.
    const auditorWrites = routes.filter((r) => r.method !== 'GET' && r.roles.includes('auditor'));
    expect(auditorWrites).toEqual([]);
    expect(KEYS.auditor).toBeDefined();
  });

  it('never answers random bodies on command routes with a 5xx, and stores nothing for them', async () => {
    const routes = [
      ['POST', '/v1/accounts'],
      ['POST', '/v1/accounts/anna/top-ups'],
      ['POST', '/v1/accounts/anna/usage'],
      ['POST', '/v1/usage/batch'],
      ['POST', '/v1/accounts/anna/grants'],
      ['PUT', '/v1/accounts/anna/credit-limit'],
      ['POST', '/v1/accounts/anna/bills/b-1/payments'],
    ] as const;
    const before = await head();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async ([method, path], body) => {
        const response = await api.call(method, path, undefined, { rawBody: JSON.stringify(body) ?? 'null' });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(await head()).toBe(before);
  });
});

describe('OpenAPI', () => {
  it('serves the document at /docs/openapi.json with every route and the DTO schemas from their validation rules', async () => {
    const api = await startTestApi();
    try {
      const response = await fetch(`${api.baseUrl}/docs/openapi.json`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as {
        paths: Record<string, unknown>;
        components: { schemas: Record<string, any> };
      };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/v1/accounts',
          '/v1/accounts/{accountId}/top-ups',
          '/v1/usage/batch',
          '/v1/audit/events',
          '/v1/ops/clock/advance',
        ]),
      );
      expect(document.components.schemas.AdvanceClockDto.required).toEqual(['to']);
      expect(document.components.schemas.TopUpDto.properties.amount).toMatchObject({ type: 'string' });
      expect(document.components.schemas.TopUpDto.required).toEqual(
        expect.arrayContaining(['paymentId', 'amount', 'currency', 'channel']),
      );
      expect((await fetch(`${api.baseUrl}/docs`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
