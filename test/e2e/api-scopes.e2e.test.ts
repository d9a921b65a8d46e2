import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { CONTROLLERS } from '../../src/app.module.js';
import { ANY_KEY, PUBLIC_KEY, SCOPES_KEY } from '../../src/platform/http/auth/roles.js';
import { SCOPES, type Scope } from '../../src/platform/http/auth/scopes.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { individual, usage } from '../support/requests.js';

/**
 * Least privilege, route by route: the scope each route needs (the policy, pinned here so a change to it
 * is deliberate), then every served route called with a key per scope — 403 unless the key holds the
 * route's scope. Routes come from the running app's router, so a new route without a declared scope fails.
 */
const EXPECTED: Record<string, Declaration> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  // The console asks which scopes the key it was given holds: any valid key may ask (401 without one).
  'GET /v1/whoami': 'any-key',
  'POST /v1/accounts': ['accounts:write'],
  'PUT /v1/accounts/:accountId/contract': ['accounts:write'],
  'PUT /v1/accounts/:accountId/payment-method': ['accounts:write'],
  'PUT /v1/accounts/:accountId/legal-details': ['accounts:write'],
  'PUT /v1/accounts/:accountId/owner-email': ['accounts:write'],
  'PUT /v1/accounts/:accountId/credit-limit': ['accounts:write'],
  'PUT /v1/accounts/:accountId/auto-top-up': ['accounts:write'],
  // The price list: ops publish a version; every reader may read it.
  'POST /v1/catalog/versions': ['ops'],
  'GET /v1/catalog/versions': ['read'],
  'GET /v1/catalog': ['read'],
  // Per-account pricing: ops grant and end discounts and record commitments; every reader may read them.
  'POST /v1/accounts/:accountId/pricing/discounts': ['ops'],
  'POST /v1/accounts/:accountId/pricing/discounts/:discountId/end': ['ops'],
  'POST /v1/accounts/:accountId/pricing/commitments': ['ops'],
  'GET /v1/accounts/:accountId/pricing': ['read'],
  'POST /v1/accounts/:accountId/usage': ['usage:write'],
  'POST /v1/usage/batch': ['usage:write'],
  'POST /v1/accounts/:accountId/top-ups': ['payments:write'],
  'POST /v1/accounts/:accountId/bills': ['payments:write'],
  'POST /v1/accounts/:accountId/bills/:billId/payments': ['payments:write'],
  'POST /v1/payment-gateway/auto-top-ups/:requestId': ['payments:write'],
  'POST /v1/accounts/:accountId/grants': ['grants:write'],
  'POST /v1/accounts/:accountId/grants/expire': ['periods:write'],
  'POST /v1/accounts/:accountId/periods/:periodId/close': ['periods:write'],
  'GET /v1/accounts': ['read'],
  'GET /v1/profiles': ['read'],
  'GET /v1/accounts/:accountId': ['read'],
  'GET /v1/accounts/:accountId/entitlements/:sku': ['read'],
  'GET /v1/accounts/:accountId/documents': ['read'],
  'GET /v1/accounts/:accountId/withheld-documents': ['read'],
  'GET /v1/accounts/:accountId/preview': ['read'],
  'GET /v1/accounts/:accountId/documents/:number': ['read'],
  'GET /v1/accounts/:accountId/documents/:number/pdf': ['read'],
  'GET /v1/accounts/:accountId/documents/:number/xml': ['read'],
  'GET /v1/accounts/:accountId/documents/:number/esf': ['read'],
  'GET /v1/accounts/:accountId/billing-report': ['read'],
  'GET /v1/accounts/:accountId/reconciliation': ['read'],
  'GET /v1/accounts/:accountId/reconciliation.pdf': ['read'],
  'GET /v1/ops/clock': ['read'],
  'POST /v1/ops/clock/advance': ['clock:write'],
  'GET /v1/audit/accounts/:accountId/events': ['audit'],
  'GET /v1/audit/events': ['audit'],
  'GET /v1/audit/accounts/:accountId/export': ['audit'],
  'GET /v1/audit/accounts/:accountId/verify': ['audit'],
  'GET /v1/audit/verify': ['audit'],
  'GET /v1/audit/documents/:number/derivation': ['audit'],
  'GET /v1/audit/accounts/:accountId/balance-derivation': ['audit'],
  'POST /v1/audit/checkpoints': ['ops'],
  'GET /metrics': ['metrics'],
  'GET /v1/ops/projections': ['ops'],
  'GET /v1/ops/projections/requests/:id': ['ops'],
  'GET /v1/ops/projections/:name': ['ops'],
  'POST /v1/ops/projections/rebuild': ['ops'],
  'POST /v1/ops/projections/:name/replay': ['ops'],
  'POST /v1/ops/projections/:name/resume': ['ops'],
  'POST /v1/ops/webhooks': ['ops'],
  'GET /v1/ops/webhooks': ['ops'],
  'DELETE /v1/ops/webhooks/:subscriptionId': ['ops'],
  'GET /v1/ops/deliveries': ['ops'],
  'GET /v1/ops/deliveries/:deliveryId': ['ops'],
  'POST /v1/ops/deliveries/:deliveryId/redeliver': ['ops'],
  // Budgets and alerts (issue 15, item 4)
  'POST /v1/accounts/:accountId/budgets': ['accounts:write'],
  'GET /v1/accounts/:accountId/budgets': ['read'],
  'DELETE /v1/accounts/:accountId/budgets/:budgetId': ['accounts:write'],
  'PUT /v1/accounts/:accountId/alert-settings': ['accounts:write'],
  // Refunds (issue 14, item 4): ops refund; the gateway answers like an auto top-up; readers list them.
  'POST /v1/accounts/:accountId/refunds': ['ops'],
  'GET /v1/accounts/:accountId/refunds': ['read'],
  'POST /v1/payment-gateway/refunds/:refundId': ['payments:write'],
  'POST /v1/accounts/:accountId/closure': ['accounts:write'],
  // Corrections by ops (issue 14)
  'POST /v1/accounts/:accountId/adjustments': ['ops'],
  'POST /v1/accounts/:accountId/usage/:usageRecordId/void': ['ops'],
  'POST /v1/accounts/:accountId/usage/:usageRecordId/rerate': ['ops'],
  // Issue 15: the cost query, a read.
  'GET /v1/accounts/:accountId/costs': ['read'],
};

/** A route is public, open to any valid key, or needs scopes. */
type Declaration = Scope[] | 'public' | 'any-key';

/** What each controller method declares, by `METHOD /path` (the Nest metadata the guard reads). */
function declarations(): Map<string, Declaration> {
  const declared = new Map<string, Declaration>();
  for (const controller of CONTROLLERS as Array<new (...args: never[]) => object>) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`;
      const scopes = (Reflect.getMetadata(SCOPES_KEY, handler) ??
        Reflect.getMetadata(SCOPES_KEY, controller)) as Scope[] | undefined;
      declared.set(
        `${RequestMethod[method]} ${path}`,
        Reflect.getMetadata(PUBLIC_KEY, handler)
          ? 'public'
          : Reflect.getMetadata(ANY_KEY, handler)
            ? 'any-key'
            : [...(scopes ?? [])].sort(),
      );
    }
  }
  return declared;
}

/** The routes the running app serves (Express's router), without the OpenAPI pages. */
function servedRoutes(api: TestApi): string[] {
  const express = api.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
        : [],
    )
    .filter((route) => !/ \/docs\b/.test(route));
}

const keyOf = (scopes: readonly Scope[]) => `scoped-${[...scopes].sort().join('+')}`;

describe('API keys with scopes: every route × every scope', () => {
  const declared = declarations();
  const scopeSets = [
    ...new Map(
      [
        ...SCOPES.map((s) => [s]),
        ...[...declared.values()].filter((d): d is Scope[] => Array.isArray(d) && d.length > 1),
      ].map((scopes) => [keyOf(scopes), scopes]),
    ).values(),
  ];
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      '2026-03-20T09:00:00.000Z',
      ':memory:',
      Object.fromEntries(scopeSets.map((scopes) => [keyOf(scopes), scopes])),
    );
    await api.call('POST', '/v1/accounts', individual('anna'));
  });
  afterAll(() => api.close());

  it('serves only routes that declare a scope (or are public), and the scope is the one pinned here', () => {
    const served = servedRoutes(api);
    expect(served.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    for (const route of served) {
      const declaration = declared.get(route);
      expect([
        route,
        declaration === undefined || (Array.isArray(declaration) && declaration.length === 0),
      ]).toEqual([route, false]);
      // A route not in the table yet is checked against what it declares below; a pinned one must match.
      if (route in EXPECTED)
        expect([route, declaration]).toEqual([
          route,
          typeof EXPECTED[route] === 'string' ? EXPECTED[route] : [...(EXPECTED[route] as Scope[])].sort(),
        ]);
    }
    // The table names no route that is gone.
    expect(Object.keys(EXPECTED).filter((route) => !served.includes(route))).toEqual([]);
  });

  it('the OpenAPI document names the scopes of each operation (x-required-scopes), as the guard enforces them', async () => {
    const document = (await (await fetch(`${api.baseUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-required-scopes'?: Scope[] }>>;
    };
    for (const [route, declaration] of declared) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect([route, operation && [...(operation['x-required-scopes'] ?? [])].sort()]).toEqual([
        route,
        typeof declaration === 'string' ? [] : declaration,
      ]);
    }
  });

  it('answers 403 to a key without the route scope, and lets a key with it through', async () => {
    const results: string[] = [];
    const wrong: string[] = [];
    for (const route of servedRoutes(api)) {
      const declaration = declared.get(route);
      if (declaration === 'public' || !declaration) continue;
      // Any valid key: every scope set is let through.
      const needs = declaration === 'any-key' ? [] : declaration;
      const [method, template] = route.split(' ') as [string, string];
      // Placeholders: the guard runs before any pipe or handler, so an unknown account is fine either way.
      const path = template.replace(/:\w+/g, (name) => (name === ':accountId' ? 'anna' : 'x'));
      for (const scopes of scopeSets) {
        const allowed = needs.every((s) => scopes.includes(s));
        const { status } = await api.call(method, path, method === 'GET' ? undefined : {}, {
          role: null,
          key: keyOf(scopes),
        });
        results.push(route);
        if (allowed ? status === 403 || status === 401 : status !== 403)
          wrong.push(
            `${route} with [${scopes.join(' ')}]: ${status}, expected ${allowed ? 'not 403' : '403'}`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(results.length).toBeGreaterThan(SCOPES.length * 30);
  });

  it('a meter (usage:write only) sends usage, and gets 403 for top-ups and closing periods; nothing stored', async () => {
    const meter = { role: null, key: keyOf(['usage:write']) };
    const used = await api.call(
      'POST',
      '/v1/accounts/anna/usage',
      usage('u-meter-1', 'compute.vcpu.hour', '1'),
      meter,
    );
    expect(used.status).toBe(201);
    const head = (await api.store.headPosition())?.toString();
    const topUp = await api.call(
      'POST',
      '/v1/accounts/anna/top-ups',
      { paymentId: 'p-meter', amount: '100', currency: 'RUB', channel: 'card' },
      meter,
    );
    expect(topUp.status).toBe(403);
    expect(topUp.body).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['payments:write'],
      detail: expect.stringContaining('payments:write'),
    });
    const close = await api.call('POST', '/v1/accounts/anna/periods/2026-03/close', undefined, meter);
    expect(close.status).toBe(403);
    expect(close.body.requiredScopes).toEqual(['periods:write']);
    expect((await api.call('GET', '/v1/accounts/anna', undefined, meter)).status).toBe(403);
    expect((await api.store.headPosition())?.toString()).toBe(head);
  });

  it('names the caller of a scoped key in the events it causes as key:<name>', async () => {
    await api.call('POST', '/v1/accounts/anna/usage', usage('u-meter-2', 'compute.vcpu.hour', '1'), {
      role: null,
      key: keyOf(['usage:write']),
    });
    const [last] = await api.store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(last?.metadata.actor).toBe(`key:test-${keyOf(['usage:write'])}`);
  });
});
