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

describe('GET /metrics', () => {
  const counter = (metrics: string, line: string) =>
    Number(
      new RegExp(`^${line.replace(/[{}"=,]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(metrics)?.[1] ?? '0',
    );
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

  it('a rejected command is counted under its code', () =>
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
            /^billing_commands_total\{type="TopUp",outcome="rejected:WRONG_CURRENCY"\} 1$/m,
          ),
        expectNoNewEvents(),
      ));

  it.each(['service', 'auditor'] as const)('403 for the %s role', (role) =>
    spec.given().when(get('/metrics', role)).then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without an API key', () =>
    spec
      .given()
      .when(get('/metrics', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
