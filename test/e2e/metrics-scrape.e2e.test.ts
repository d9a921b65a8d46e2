import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashApiKey } from '../../src/platform/http/auth/api-keys.js';
import { eventually, startReceiver } from '../delivery/support/receivers.js';
import { KEYS } from '../support/api.js';
import { promtool, promtoolCheckMetrics, sample } from '../support/metrics.js';
import { startService, type Service } from '../support/service-process.js';

/**
 * GET /metrics of the real service (src/main.ts in its own process, its workers on their own databases), read
 * with a key that holds only the `metrics` scope, as a Prometheus scraper does. A month of a postpaid legal
 * entity opened without legal details: a rejected top-up, an idempotent replay, usage, and the month end on
 * the test clock — its bill is issued and announced to a webhook receiver that is down for the first call,
 * its UPD is withheld. Every family moves, and promtool finds nothing wrong with the exposition.
 */
const SCRAPER_KEY = 'prometheus-scraper-key';

let dir: string;
let service: Service;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const call = async (method: string, path: string, body?: unknown, key = KEYS.service, headers = {}) => {
  const response = await fetch(service.baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
};

const scrape = async () => {
  const response = await fetch(`${service.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${SCRAPER_KEY}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
};

const topUp = (paymentId: string, currency: string) => ({
  paymentId,
  amount: '500',
  currency,
  channel: 'card',
});

let before: string;
let after: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metrics-'));
  receiver = await startReceiver({ failFirst: 1 });
  service = await startService(join(dir, 'data'), {
    CLOCK: 'virtual:2026-03-01T09:00:00+03:00',
    API_KEYS: [
      `test-service:service:${hashApiKey(KEYS.service)}`,
      `test-ops:ops:${hashApiKey(KEYS.ops)}`,
      `prometheus:metrics:${hashApiKey(SCRAPER_KEY)}`,
    ].join(','),
    DELIVERY_POLL_MS: '25',
    DELIVERY_RETRY_BASE_MS: '50',
  });
  before = await scrape();

  expect(
    (
      await call(
        'POST',
        '/v1/ops/webhooks',
        { url: receiver.url, secret: 'whsec-0123456789abcdef' },
        KEYS.ops,
      )
    ).status,
  ).toBe(201);
  const opened = await call('POST', '/v1/accounts', {
    accountId: 'mx-vektor',
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'postpaid',
    profileId: 'vk-legal-postpaid',
  });
  expect(opened.status).toBe(201);
  expect((await call('POST', '/v1/accounts/mx-vektor/top-ups', topUp('mx-p0', 'KZT'))).status).toBe(422);
  const idempotent = { 'idempotency-key': 'mx-top-up-1' };
  const first = await call(
    'POST',
    '/v1/accounts/mx-vektor/top-ups',
    topUp('mx-p1', 'RUB'),
    KEYS.service,
    idempotent,
  );
  expect(first.status).toBe(201);
  const replayed = await call(
    'POST',
    '/v1/accounts/mx-vektor/top-ups',
    topUp('mx-p1', 'RUB'),
    KEYS.service,
    idempotent,
  );
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  expect(
    (await call('POST', '/v1/ops/clock/advance', { to: '2026-03-10T12:00:00+03:00' }, KEYS.ops)).status,
  ).toBe(200);
  const used = await call('POST', '/v1/accounts/mx-vektor/usage', {
    usageRecordId: 'mx-u1',
    sku: 'compute.vcpu.hour',
    quantity: '1000',
    windowStart: '2026-03-10T10:00:00+03:00',
    windowEnd: '2026-03-10T11:00:00+03:00',
  });
  expect(used.status).toBe(201);
  // The month end: March closes, its bill is issued and its UPD withheld (no buyer's requisites).
  expect(
    (await call('POST', '/v1/ops/clock/advance', { to: '2026-04-01T09:00:00+03:00' }, KEYS.ops)).status,
  ).toBe(200);
  // The feed and the delivery worker run on their own: wait until the bill is announced and the log fed.
  after = await eventually(async () => {
    const metrics = await scrape();
    return sample(metrics, 'billing_document_deliveries_total{channel="webhook",outcome="delivered"}') >= 1 &&
      sample(metrics, 'billing_events_total{type="DocumentsWithheld"}') >= 1
      ? metrics
      : undefined;
  }, 30_000);
}, 120_000);

afterAll(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const moved = (series: string, by = 1) => expect(sample(after, series) - sample(before, series)).toBe(by);

describe('GET /metrics of the running service', () => {
  it('passes promtool check metrics: nothing printed, exit 0', async () => {
    expect(await promtoolCheckMetrics(after)).toEqual({ status: 0, output: '' });
  });

  it('needs the metrics scope: the service key is refused', async () => {
    expect((await call('GET', '/metrics')).status).toBe(403);
  });

  it('commands by type and outcome, timed', () => {
    moved('billing_commands_total{type="OpenAccount",outcome="accepted"}');
    moved('billing_commands_total{type="TopUp",outcome="rejected",code="WRONG_CURRENCY"}');
    moved('billing_commands_total{type="TopUp",outcome="accepted"}');
    moved('billing_commands_total{type="ConsumeResource",outcome="accepted"}');
    moved('billing_command_duration_seconds_count{type="TopUp"}', 2);
  });

  it('HTTP requests by route template, method and status, with their latency', () => {
    moved('billing_http_requests_total{method="POST",route="/v1/accounts/:accountId/top-ups",status="422"}');
    moved(
      'billing_http_requests_total{method="POST",route="/v1/accounts/:accountId/top-ups",status="201"}',
      2,
    );
    moved(
      'billing_http_request_duration_seconds_count{method="POST",route="/v1/accounts/:accountId/usage",status="201"}',
    );
    expect(after).not.toMatch(/^billing_http_\S*mx-vektor/m);
  });

  it('idempotent replays by route', () => {
    moved('billing_idempotent_replays_total{route="/v1/accounts/:accountId/top-ups"}');
  });

  it('deadlines fired by kind and outcome: the month end closed March', () => {
    moved('billing_deadlines_fired_total{kind="period-close",outcome="acted"}');
  });

  it('documents issued, withheld and delivered', () => {
    moved('billing_documents_issued_total{kind="bill"}');
    moved('billing_documents_withheld_total{code="DOCUMENT_PAYER_DETAILS_REQUIRED"}');
    // The receiver was down for the first call: one failed attempt, then the delivery.
    moved('billing_document_deliveries_total{channel="webhook",outcome="failed"}');
    moved('billing_document_deliveries_total{channel="webhook",outcome="delivered"}');
    expect(sample(after, 'billing_events_total{type="PeriodClosed"}')).toBeGreaterThanOrEqual(1);
  });

  it('projection and worker lag and state, read from their status when scraped', () => {
    for (const name of [
      'account-balances',
      'documents',
      'timeline-deadlines',
      'document-issuer',
      'event-bus',
      'document-delivery',
      'refund-payouts',
    ]) {
      for (const family of ['projection_lag_seconds', 'projection_lag_positions', 'projection_failed'])
        expect(after).toMatch(new RegExp(`^${family}\\{projection="${name}"\\} \\d`, 'm'));
      expect(sample(after, `projection_running{projection="${name}"}`)).toBe(1);
    }
    expect(sample(after, 'projection_events_applied_total{projection="event-bus"}')).toBeGreaterThan(
      sample(before, 'projection_events_applied_total{projection="event-bus"}'),
    );
  });

  it('the process and the Node runtime', () => {
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after).toContain('# TYPE nodejs_eventloop_lag_seconds gauge\n');
    expect(after).toContain('# TYPE nodejs_gc_duration_seconds histogram\n');
  });
});

describe('docs/operations.md', () => {
  it("its scrape configuration is valid Prometheus configuration (promtool check config), with the scraper's key", async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/operations.md', import.meta.url)), 'utf8');
    const config = /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Metrics')))?.[1];
    expect(config).toContain('credentials_file: /etc/prometheus/billing-metrics.key');
    // The key file as an operator writes it (promtool checks that it exists).
    const keyFile = join(dir, 'billing-metrics.key');
    writeFileSync(keyFile, SCRAPER_KEY, { mode: 0o600 });
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, config!.replace('/etc/prometheus/billing-metrics.key', keyFile));
    const checked = await promtool(['check', 'config', configFile]);
    expect({ status: checked.status, output: checked.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    // The key the configuration names is one GET /metrics takes.
    const response = await fetch(`${service.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${readFileSync(keyFile, 'utf8')}` },
    });
    expect(response.status).toBe(200);
  });
});
