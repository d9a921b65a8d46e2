import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { projectionsCaughtUp } from '../../../test/support/read-models.js';
import { individual } from '../../../test/support/requests.js';
import { promtoolCheckMetrics, sample } from '../../../test/support/metrics.js';
import { EventBusFeed } from '../../../projections/workers/event-bus-feed.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NAMES = [
  'account-balances',
  'account-status',
  'deadlines',
  'documents',
  'document-registers',
  'billing-report',
];

type Role = 'service' | 'ops' | 'auditor' | null;
const get = (path: string, role: Role = 'ops') => ({ method: 'GET' as const, path, role });

/** An account with a top-up, applied by every projection. */
const history = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual('pj-anna'));
  await api.call('POST', '/v1/accounts/pj-anna/top-ups', {
    paymentId: 'pj-p1',
    amount: '100',
    currency: 'RUB',
    channel: 'card',
  });
  await projectionsCaughtUp(api);
});

const scrape = async (api: TestApi) =>
  (await api.call('GET', '/metrics', undefined, { role: 'ops' })).body as string;

const topUp = (paymentId: string, amount = '10') => ({
  paymentId,
  amount,
  currency: 'RUB',
  channel: 'card',
});

describe('GET /metrics', () => {
  const counter = sample;
  const TOP_UPS = 'billing_commands_total{type="TopUp",outcome="accepted"}';

  it('counts each command by its class name and outcome: a top-up through the API is a TopUp', async () => {
    const api = await spec.api();
    await history(api);
    const before = (await api.call('GET', '/metrics', undefined, { role: 'ops' })).body as string;
    const fed = async () => api.app.get(EventBusFeed).waitFor((await api.store.headPosition())!);
    await spec
      .given(
        (a) =>
          a.call('POST', '/v1/accounts/pj-anna/top-ups', {
            paymentId: 'pj-p2',
            amount: '10',
            currency: 'RUB',
            channel: 'card',
          }),
        // The event-type counter is fed by the event-bus feed (asynchronous): wait until it has seen the log.
        fed,
      )
      .when(get('/metrics'))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
          const metrics = result.body as string;
          expect(metrics).toContain('# TYPE billing_commands_total counter');
          expect(counter(metrics, TOP_UPS)).toBe(counter(before, TOP_UPS) + 1);
          expect(counter(metrics, 'billing_command_duration_seconds_count{type="TopUp"}')).toBe(
            counter(before, 'billing_command_duration_seconds_count{type="TopUp"}') + 1,
          );
          expect(metrics).toMatch(/^billing_commands_total\{type="OpenAccount",outcome="accepted"\} \d+$/m);
          // Every stored event is counted by type through the event-bus feed.
          expect(metrics).toMatch(/^billing_events_total\{type="FundsDeposited"\} \d+$/m);
          for (const name of NAMES) {
            expect(metrics).toContain(`projection_failed{projection="${name}"} 0`);
            expect(metrics).toContain(`projection_running{projection="${name}"} 1`);
          }
        },
        expectNoNewEvents(),
      );
  });

  it('a rejected command is counted as rejected, with its code apart', () =>
    spec
      .given(history, (api) =>
        api.call('POST', '/v1/accounts/pj-anna/top-ups', {
          paymentId: 'pj-p3',
          amount: '10',
          currency: 'KZT',
          channel: 'card',
        }),
      )
      .when(get('/metrics'))
      .then(
        expectResponse(200),
        (result) =>
          expect(result.body).toMatch(
            /^billing_commands_total\{type="TopUp",outcome="rejected",code="WRONG_CURRENCY"\} 1$/m,
          ),
        expectNoNewEvents(),
      ));

  it('a retried payment is counted as duplicate: accepted once, stored once', async () => {
    const api = await spec.api();
    await history(api);
    const before = await scrape(api);
    const retried = await api.call('POST', '/v1/accounts/pj-anna/top-ups', topUp('pj-p1', '100'));
    expect(retried.body).toMatchObject({ status: 'duplicate' });
    const after = await scrape(api);
    expect(sample(after, 'billing_commands_total{type="TopUp",outcome="duplicate"}')).toBe(
      sample(before, 'billing_commands_total{type="TopUp",outcome="duplicate"}') + 1,
    );
    expect(sample(after, TOP_UPS)).toBe(sample(before, TOP_UPS));
  });

  it('counts and times each HTTP request by method, route template and status — never by the raw path', async () => {
    const api = await spec.api();
    await history(api);
    const TOP_UP_201 = '{method="POST",route="/v1/accounts/:accountId/top-ups",status="201"}';
    const SUMMARY_401 = '{method="GET",route="/v1/accounts/:accountId",status="401"}';
    const UNKNOWN_404 = '{method="GET",route="unmatched",status="404"}';
    const before = await scrape(api);
    expect((await api.call('POST', '/v1/accounts/pj-anna/top-ups', topUp('pj-http'))).status).toBe(201);
    expect((await api.call('GET', '/v1/accounts/pj-anna', undefined, { role: null })).status).toBe(401);
    expect((await api.call('GET', '/v1/no-such-route/pj-anna')).status).toBe(404);
    const after = await scrape(api);
    for (const labels of [TOP_UP_201, SUMMARY_401, UNKNOWN_404]) {
      expect(sample(after, `billing_http_requests_total${labels}`)).toBe(
        sample(before, `billing_http_requests_total${labels}`) + 1,
      );
      expect(sample(after, `billing_http_request_duration_seconds_count${labels}`)).toBe(
        sample(before, `billing_http_request_duration_seconds_count${labels}`) + 1,
      );
    }
    expect(after).toMatch(
      /^billing_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/accounts\/:accountId\/top-ups",status="201"\} \d+$/m,
    );
    // Account ids never become label values: a series per account would grow without bound.
    expect(
      after.split('\n').filter((line) => line.startsWith('billing_http') && line.includes('pj-anna')),
    ).toEqual([]);
  });

  it('a request answered from its Idempotency-Key is counted as a replay, by route, and sends no command', async () => {
    const api = await spec.api();
    await history(api);
    const REPLAYS = 'billing_idempotent_replays_total{route="/v1/accounts/:accountId/top-ups"}';
    const send = () =>
      api.call('POST', '/v1/accounts/pj-anna/top-ups', topUp('pj-idem'), {
        headers: { 'idempotency-key': 'pj-idem-key' },
      });
    expect((await send()).status).toBe(201);
    const before = await scrape(api);
    const replayed = await send();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const after = await scrape(api);
    expect(sample(after, REPLAYS)).toBe(sample(before, REPLAYS) + 1);
    expect(sample(after, TOP_UPS)).toBe(sample(before, TOP_UPS));
    expect(sample(after, 'billing_commands_total{type="TopUp",outcome="duplicate"}')).toBe(
      sample(before, 'billing_commands_total{type="TopUp",outcome="duplicate"}'),
    );
  });

  it('carries the process and Node runtime metrics, and passes promtool check metrics', async () => {
    const api = await spec.api();
    await history(api);
    const metrics = await scrape(api);
    for (const family of [
      'process_cpu_user_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'process_start_time_seconds gauge',
      'nodejs_eventloop_lag_seconds gauge',
      'nodejs_heap_size_used_bytes gauge',
      'nodejs_gc_duration_seconds histogram',
      'nodejs_version_info gauge',
    ])
      expect(metrics).toContain(`# TYPE ${family}\n`);
    expect(await promtoolCheckMetrics(metrics)).toEqual({ status: 0, output: '' });
  });

  it.each(['service', 'auditor'] as const)('403 for the %s role', (role) =>
    spec.given().when(get('/metrics', role)).then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without an API key', () =>
    spec
      .given()
      .when(get('/metrics', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
