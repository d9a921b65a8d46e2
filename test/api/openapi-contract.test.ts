import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { CONTROLLERS } from '../../src/app.module.js';
import { loadAnchorConfig } from '../../src/platform/config/config.js';
import { loadAnchorKeys } from '../../src/platform/event-store/anchor/anchor-keys.js';
import { LogAnchor } from '../../src/platform/event-store/anchor/log-anchor.js';
import { ROLE_SCOPES, ROLES, type Role } from '../../src/platform/http/auth/scopes.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { settle } from '../support/given-accounts.js';

/**
 * The OpenAPI document tells the truth (issue 16, item 2):
 *  - Redocly's recommended rules find no error in it;
 *  - every operation has a summary, an operationId, a tag, a success response with a schema and problem+json
 *    errors; every body has examples; every POST declares Idempotency-Key;
 *  - every route the app serves is in it;
 *  - every documented request example, sent as it stands to a fresh engine (on the test clock the examples
 *    are dated for, as in docs/api.md's walk-through), answers a status the operation documents as success,
 *    with the success schema's required fields.
 */
const NOW = '2026-03-10T09:00:00.000Z';

type Operation = Record<string, any>;
type Document = { paths: Record<string, Record<string, Operation>>; components: Record<string, any> };

/** The operations in the order a person would use them; path parameters (and queries) only — bodies are the document's examples. */
interface Step {
  op: string;
  /** Path parameters, or a function of what earlier answers said. */
  params?: Record<string, string> | ((seen: Seen) => Record<string, string>);
  query?: Record<string, string>;
}
interface Seen {
  subscriptionId?: string;
  documentNumber?: string;
  /** A UPD or VAT invoice: the documents that have the tax service's XML. */
  xmlNumber?: string;
  esfNumber?: string;
  /** An act, VAT invoice or UPD: the documents an auditor can derive. */
  derivableNumber?: string;
  deliveryId?: string;
  requestId?: string;
}
const account = (accountId: string) => ({ accountId });
const STEPS: Step[] = [
  { op: 'GET /health' },
  { op: 'GET /ready' },
  { op: 'POST /v1/accounts' },
  { op: 'PUT /v1/accounts/{accountId}/legal-details', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/contract', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/payment-method', params: account('anna') },
  { op: 'PUT /v1/accounts/{accountId}/owner-email', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/credit-limit', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/credit-limit', params: account('kaz-tech') },
  // Per-account pricing (before the clock moves): a discount from now, its end an hour on, a commitment from April.
  { op: 'POST /v1/accounts/{accountId}/pricing/discounts', params: account('romashka') },
  {
    op: 'POST /v1/accounts/{accountId}/pricing/discounts/{discountId}/end',
    params: { accountId: 'romashka', discountId: 'romashka-vcpu-15' },
  },
  { op: 'POST /v1/accounts/{accountId}/pricing/commitments', params: account('romashka') },
  { op: 'GET /v1/accounts/{accountId}/pricing', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/auto-top-up', params: account('anna') },
  { op: 'POST /v1/accounts/{accountId}/grants', params: account('romashka') },
  { op: 'POST /v1/accounts/{accountId}/top-ups', params: account('anna') },
  // Refunds: ops refund part of anna's card top-up; the gateway (pending here) answers through its callback.
  { op: 'POST /v1/accounts/{accountId}/refunds', params: account('anna') },
  { op: 'POST /v1/payment-gateway/refunds/{refundId}', params: { refundId: 'refund-0001' } },
  { op: 'GET /v1/accounts/{accountId}/refunds', params: account('anna') },
  { op: 'POST /v1/accounts/{accountId}/usage', params: account('romashka') },
  { op: 'POST /v1/usage/batch' },
  // Corrections by ops (issue 14): re-rate, then void, anna's record of the batch; a credit for anna (the
  // documents and bill romashka's later steps read stay as they were).
  {
    op: 'POST /v1/accounts/{accountId}/usage/{usageRecordId}/rerate',
    params: { accountId: 'anna', usageRecordId: 'anna-vm-1' },
  },
  {
    op: 'POST /v1/accounts/{accountId}/usage/{usageRecordId}/void',
    params: { accountId: 'anna', usageRecordId: 'anna-vm-1' },
  },
  { op: 'POST /v1/accounts/{accountId}/adjustments', params: account('anna') },
  { op: 'POST /v1/accounts/{accountId}/bills', params: account('vector') },
  { op: 'POST /v1/accounts/{accountId}/grants/expire', params: account('anna') },
  { op: 'POST /v1/ops/webhooks' },
  { op: 'GET /v1/ops/webhooks' },
  { op: 'GET /v1/accounts/{accountId}', params: account('romashka') },
  {
    op: 'GET /v1/accounts/{accountId}/entitlements/{sku}',
    params: { accountId: 'romashka', sku: 'gpu.a100.hour' },
  },
  { op: 'GET /v1/ops/clock' },
  { op: 'POST /v1/ops/clock/advance' },
  {
    op: 'GET /v1/accounts/{accountId}',
    params: account('romashka'),
    query: { asOf: '2026-03-20T12:00:00+03:00', basis: 'recorded' },
  },
  { op: 'GET /v1/accounts/{accountId}/documents', params: account('romashka') },
  { op: 'GET /v1/accounts/{accountId}/withheld-documents', params: account('romashka') },
  { op: 'GET /v1/accounts/{accountId}/preview', params: account('romashka') },
  {
    op: 'GET /v1/accounts/{accountId}/documents/{number}',
    params: (s) => ({ accountId: 'romashka', number: s.documentNumber! }),
  },
  {
    op: 'GET /v1/accounts/{accountId}/documents/{number}/pdf',
    params: (s) => ({ accountId: 'romashka', number: s.documentNumber! }),
  },
  {
    op: 'GET /v1/accounts/{accountId}/documents/{number}/xml',
    params: (s) => ({ accountId: 'romashka', number: s.xmlNumber! }),
  },
  {
    op: 'GET /v1/accounts/{accountId}/documents/{number}/esf',
    params: (s) => ({ accountId: 'kaz-tech', number: s.esfNumber! }),
  },
  {
    op: 'GET /v1/accounts/{accountId}/reconciliation',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31' },
  },
  {
    op: 'GET /v1/accounts/{accountId}/reconciliation.pdf',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31' },
  },
  {
    op: 'GET /v1/accounts/{accountId}/billing-report',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31' },
  },
  {
    op: 'GET /v1/accounts/{accountId}/billing-report',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31', format: 'csv' },
  },
  {
    op: 'GET /v1/accounts/{accountId}/costs',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31', groupBy: 'project,sku' },
  },
  {
    op: 'GET /v1/accounts/{accountId}/costs',
    params: account('romashka'),
    query: { from: '2026-03-01', to: '2026-03-31', groupBy: 'label:env,day', format: 'csv' },
  },
  {
    op: 'POST /v1/accounts/{accountId}/bills/{billId}/payments',
    params: { accountId: 'romashka', billId: 'romashka-2026-03' },
  },
  {
    op: 'POST /v1/accounts/{accountId}/periods/{periodId}/close',
    params: { accountId: 'romashka', periodId: '2026-03' },
  },
  { op: 'POST /v1/payment-gateway/auto-top-ups/{requestId}', params: { requestId: 'anna-atu-1' } },
  { op: 'GET /v1/audit/accounts/{accountId}/events', params: account('romashka'), query: { limit: '100' } },
  { op: 'GET /v1/audit/events', query: { limit: '100' } },
  // The price list: a version scheduled ahead (the example's 2027), the list, and the version in force.
  { op: 'POST /v1/catalog/versions' },
  { op: 'GET /v1/catalog/versions' },
  { op: 'GET /v1/catalog', query: { asOf: '2027-01-01T00:00:00+03:00' } },
  { op: 'GET /v1/audit/accounts/{accountId}/export', params: account('romashka') },
  { op: 'GET /v1/audit/accounts/{accountId}/export', params: account('romashka'), query: { format: 'csv' } },
  { op: 'GET /v1/audit/accounts/{accountId}/verify', params: account('romashka') },
  {
    op: 'GET /v1/audit/documents/{number}/derivation',
    params: (s) => ({ number: s.derivableNumber! }),
  },
  {
    op: 'GET /v1/audit/documents/{number}/derivation',
    params: (s) => ({ number: s.derivableNumber! }),
    query: { format: 'csv' },
  },
  { op: 'GET /v1/audit/accounts/{accountId}/balance-derivation', params: account('romashka') },
  { op: 'POST /v1/audit/checkpoints' },
  { op: 'GET /v1/audit/verify' },
  { op: 'GET /v1/ops/deliveries' },
  { op: 'GET /v1/ops/deliveries/{deliveryId}', params: (s) => ({ deliveryId: s.deliveryId! }) },
  { op: 'POST /v1/ops/deliveries/{deliveryId}/redeliver', params: (s) => ({ deliveryId: s.deliveryId! }) },
  { op: 'DELETE /v1/ops/webhooks/{subscriptionId}', params: (s) => ({ subscriptionId: s.subscriptionId! }) },
  { op: 'GET /v1/ops/projections' },
  // Closing an account (issue 14, item 5): anna closes; the list then shows her closing.
  { op: 'POST /v1/accounts/{accountId}/closure', params: account('anna') },
  { op: 'GET /v1/accounts' },
  { op: 'GET /v1/profiles' },
  { op: 'GET /v1/whoami' },
  { op: 'GET /v1/ops/projections/{name}', params: { name: 'account-status' } },
  { op: 'POST /v1/ops/projections/{name}/replay', params: { name: 'account-status' } },
  { op: 'POST /v1/ops/projections/rebuild' },
  { op: 'GET /v1/ops/projections/requests/{id}', params: (s) => ({ id: s.requestId! }) },
  { op: 'POST /v1/ops/projections/{name}/resume', params: { name: 'account-status' } },
  // Budgets and alerts (issue 15, item 4)
  { op: 'POST /v1/accounts/{accountId}/budgets', params: account('romashka') },
  { op: 'PUT /v1/accounts/{accountId}/alert-settings', params: account('romashka') },
  { op: 'GET /v1/accounts/{accountId}/budgets', params: account('romashka') },
  {
    op: 'DELETE /v1/accounts/{accountId}/budgets/{budgetId}',
    params: { accountId: 'romashka', budgetId: 'web-shop' },
  },
  { op: 'GET /metrics' },
];

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );

/** Every route the app declares, as `METHOD /path/{param}` (the Nest metadata the router is built from). */
function appRoutes(): string[] {
  const routes: string[] = [];
  for (const controller of CONTROLLERS as Array<new (...args: never[]) => object>) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/:(\w+)/g, '{$1}');
      routes.push(`${RequestMethod[method]} ${path}`);
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let api: TestApi;
  let document: Document;
  const root = mkdtempSync(join(tmpdir(), 'openapi-'));

  beforeAll(async () => {
    // With a log anchor, as in production, so that signing a checkpoint is an operation the document can show working.
    const keyFile = join(root, 'anchor-key.pem');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      {
        mode: 0o600,
      },
    );
    const anchorConfig = loadAnchorConfig(
      { ANCHOR_KEY_FILE: keyFile, ANCHOR_DB: join(root, 'anchor.sqlite'), DATA_DIR: root },
      root,
    );
    api = await startTestApi(NOW, ':memory:', {}, {}, (store) => ({
      anchor: LogAnchor.open(anchorConfig.db, store, loadAnchorKeys(anchorConfig, { forSigning: true })),
    }));
    await api.app.get(LogAnchor).start();
    document = (await api.call('GET', '/docs/openapi.json')).body;
  }, 60_000);

  afterAll(() => api?.close());

  it('passes Redocly’s recommended rules without an error', () => {
    const file = join(root, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(
      dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
      'bin/cli.js',
    );
    const run = spawnSync(
      process.execPath,
      [cli, 'lint', '--extends', 'recommended', file, '--format', 'json'],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
      },
    );
    const report = JSON.parse(run.stdout) as {
      problems: Array<{
        ruleId: string;
        severity: string;
        message: string;
        location: Array<{ pointer: string }>;
      }>;
    };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    // Redocly also checks each request example against its schema (a warning only in its rules): none may fail.
    expect(report.problems.filter((p) => p.ruleId === 'no-invalid-media-type-examples')).toEqual([]);
    // The warnings left (docs/api.md explains each): no license, two paths Redocly calls ambiguous, the
    // probes without a 4xx, and `type` beside a nested DTO's $ref.
    expect(report.problems.filter((p) => p.severity === 'warn').length).toBeLessThanOrEqual(8);
  }, 120_000);

  it('every route the app serves is documented, and nothing else', () => {
    const documented = operations(document)
      .map((o) => o.key)
      .sort();
    expect(documented).toEqual(appRoutes().sort());
  });

  it('every operation has a summary, an id, a tag, scopes or none, a success schema, problem answers and body examples', () => {
    const failures: string[] = [];
    const ids = new Set<string>();
    for (const { key, method, operation } of operations(document)) {
      const fail = (what: string) => failures.push(`${key}: ${what}`);
      if (!operation.summary) fail('no summary');
      if (!operation.operationId || ids.has(operation.operationId)) fail('no unique operationId');
      ids.add(operation.operationId);
      if (!operation.tags?.length) fail('no tag');
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      // A route for any valid key (GET /v1/whoami) says so; every other one names its scopes.
      if (!isPublic && !operation['x-required-scopes']?.length && operation['x-any-valid-key'] !== true)
        fail('neither public nor x-required-scopes');
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((s) => s.startsWith('2'));
      if (success.length === 0) fail('no success response');
      for (const status of success)
        if (!Object.values(operation.responses[status].content ?? {}).some((c: any) => c.schema))
          fail(`${status} without a schema`);
      // Every route with a key can meet the rate limit, except /metrics (exempt, like the public probes).
      const rateLimited = !isPublic && key !== 'GET /metrics';
      if (!isPublic)
        for (const status of rateLimited ? ['401', '403', '429'] : ['401', '403'])
          if (
            operation.responses[status]?.content?.['application/problem+json']?.schema?.$ref !==
            '#/components/schemas/Problem'
          )
            fail(`no problem+json ${status}`);
      const body = operation.requestBody?.content?.['application/json'];
      if (body && Object.keys(body.examples ?? {}).length === 0) fail('a body without examples');
      const idempotencyKey = (operation.parameters ?? []).find(
        (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      if (method === 'POST' && (!idempotencyKey || idempotencyKey.required))
        fail('no optional Idempotency-Key');
      for (const p of operation.parameters ?? [])
        if (p.in === 'query' && p.required) fail(`query ${p.name} marked required`);
    }
    expect(failures).toEqual([]);
    expect(document.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
    expect(document.components.schemas.Problem.properties).toEqual(
      expect.objectContaining({
        type: expect.anything(),
        code: expect.anything(),
        errors: expect.anything(),
      }),
    );
  });

  it('money keeps its decimal pattern; the positive rule is checked beside it, not instead of it', async () => {
    const amount = document.components.schemas.TopUpDto.properties.amount;
    const pattern = new RegExp(amount.pattern);
    expect(['100', '100.50', '0.01'].every((a) => pattern.test(a))).toBe(true);
    expect(['1e3', '-5', '10.005', '1,5'].some((a) => pattern.test(a))).toBe(false);
    const before = (await api.store.headPosition())?.toString();
    const zero = await api.call('POST', '/v1/accounts/nobody/top-ups', {
      paymentId: 'zero-1',
      amount: '0.00',
      currency: 'RUB',
      channel: 'card',
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors).toEqual([
      expect.objectContaining({ field: 'amount', rule: 'isGreaterThanZero' }),
    ]);
    expect((await api.store.headPosition())?.toString()).toBe(before);
  });

  it('every documented example, sent, answers a documented success status with the documented fields', async () => {
    const byKey = new Map(operations(document).map((o) => [o.key, o]));
    const driven = new Set<string>();
    const seen: Seen = {};
    const failures: string[] = [];
    const resolve = (schema: any): any =>
      schema?.$ref ? document.components.schemas[schema.$ref.split('/').at(-1)] : schema;
    for (const step of STEPS) {
      const documented = byKey.get(step.op);
      if (!documented) {
        failures.push(`${step.op}: not in the document`);
        continue;
      }
      driven.add(step.op);
      const { method, operation } = documented;
      const scopes: string[] = operation['x-required-scopes'] ?? [];
      const role = ROLES.find((r: Role) =>
        scopes.every((s) => (ROLE_SCOPES[r] as readonly string[]).includes(s)),
      );
      const params = typeof step.params === 'function' ? step.params(seen) : (step.params ?? {});
      let path = documented.path;
      for (const [name, value] of Object.entries(params))
        path = path.replace(`{${name}}`, encodeURIComponent(value));
      if (step.query) path += `?${new URLSearchParams(step.query).toString()}`;
      const examples: Array<[string, unknown]> = Object.entries(
        operation.requestBody?.content?.['application/json']?.examples ?? { none: { value: undefined } },
      ).map(([name, example]: [string, any]) => [name, example.value]);
      for (const [name, body] of examples) {
        const headers: Record<string, string> =
          method === 'POST' ? { 'idempotency-key': `contract-${operation.operationId}-${name}` } : {};
        const response = await api.call(method, path, body, { role: role ?? null, headers });
        const answer = operation.responses[String(response.status)];
        if (!String(response.status).startsWith('2') || !answer) {
          failures.push(`${method} ${path} (${name}) → ${response.status} ${JSON.stringify(response.body)}`);
          continue;
        }
        // The answer's media type is one the operation documents, and its schema's fields are there.
        const type = response.headers.get('content-type')?.split(';')[0] ?? '';
        if (answer.content && !answer.content[type])
          failures.push(`${method} ${path} (${name}) → ${type}, documented ${Object.keys(answer.content)}`);
        const schema = resolve(answer.content?.[type]?.schema);
        for (const field of schema?.required ?? [])
          if (typeof response.body !== 'object' || !(field in response.body))
            failures.push(`${method} ${path} (${name}) → ${response.status} without ${field}`);
        await settle(api);
        remember(step.op, response.body, seen);
      }
      if (step.op === 'POST /v1/ops/clock/advance') {
        const documents = await api.call('GET', '/v1/accounts/kaz-tech/documents');
        seen.esfNumber = (documents.body as Array<{ kind: string; number: string }>).find((d) =>
          /invoice/.test(d.kind),
        )?.number;
        if (!seen.esfNumber) failures.push(`kaz-tech has no VAT invoice: ${JSON.stringify(documents.body)}`);
      }
    }
    expect(failures).toEqual([]);
    // Every operation was driven (a new one must join STEPS).
    expect([...byKey.keys()].filter((k) => !driven.has(k))).toEqual([]);
  }, 120_000);
});

/** What a later step needs from an answer: ids the service chose. */
function remember(op: string, body: any, seen: Seen) {
  if (op === 'POST /v1/ops/webhooks') seen.subscriptionId = body.subscriptionId;
  if (op === 'GET /v1/accounts/{accountId}/documents') {
    seen.documentNumber = body[0]?.number;
    seen.xmlNumber = body.find((d: { kind: string }) => /upd|invoice/.test(d.kind))?.number;
    seen.derivableNumber = body.find((d: { kind: string }) => /^(act|upd|vat-invoice)$/.test(d.kind))?.number;
  }
  if (op === 'GET /v1/ops/deliveries') seen.deliveryId = body.deliveries?.[0]?.deliveryId;
  if (op === 'POST /v1/ops/projections/rebuild')
    seen.requestId = body.requests?.[0]?.requestId ?? body.requests?.[0]?.id;
}
