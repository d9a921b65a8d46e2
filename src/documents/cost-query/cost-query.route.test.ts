import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { individual, usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * cq-anna's usage of test.unit (1.00 RUB a unit) in two projects and without one, across March and April:
 * 30 (shop-prod, vm-1, env=prod team=web) and 20 (shop-prod, vm-2, env=prod) on 10 March; 5 (shop-test,
 * vm-3, env=test) at 01:30 Moscow time on 11 March; 1.5 with no project on 11 March; 7 (shop-prod, vm-1,
 * env=prod team=web) on 2 April, after March closed.
 */
const history = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual('cq-anna'));
  await api.call('POST', '/v1/accounts', individual('cq-idle'));
  await api.call('POST', '/v1/accounts/cq-anna/top-ups', {
    paymentId: 'cq-p1',
    amount: '1000',
    currency: 'RUB',
    channel: 'card',
  });
  await api.advanceTo('2026-03-11T12:00:00+03:00');
  const use = async (id: string, quantity: string, at: string, attribution: Record<string, unknown>) => {
    const answer = await api.call('POST', '/v1/accounts/cq-anna/usage', {
      ...usage(id, 'test.unit', quantity, at),
      ...attribution,
    });
    if (answer.status !== 201) throw new Error(`usage ${id}: ${JSON.stringify(answer.body)}`);
  };
  await use('cq-u1', '30', '2026-03-10T12:00:00+03:00', {
    project: 'shop-prod',
    resourceId: 'vm-1',
    labels: { env: 'prod', team: 'web' },
  });
  await use('cq-u2', '20', '2026-03-10T15:00:00+03:00', {
    project: 'shop-prod',
    resourceId: 'vm-2',
    labels: { env: 'prod' },
  });
  await use('cq-u3', '5', '2026-03-11T01:30:00+03:00', {
    project: 'shop-test',
    resourceId: 'vm-3',
    labels: { env: 'test' },
  });
  await use('cq-u4', '1.5', '2026-03-11T10:00:00+03:00', {});
  await api.advanceTo('2026-04-02T12:00:00+03:00');
  await use('cq-u5', '7', '2026-04-02T10:00:00+03:00', {
    project: 'shop-prod',
    resourceId: 'vm-1',
    labels: { env: 'prod', team: 'web' },
  });
  await api.advanceTo('2026-04-02T12:00:00+03:00');
});

const costs = (accountId: string, query: string, role: 'service' | 'ops' | 'auditor' | null = 'service') => ({
  method: 'GET' as const,
  path: `/v1/accounts/${accountId}/costs${query}`,
  role,
});

const sums = (amount: string, records: number) => ({
  amount,
  fromGrants: '0',
  fromBalance: amount,
  records,
});

describe('GET /v1/accounts/:id/costs', () => {
  it('JSON, by project (the default grouping), over a range across two periods', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-01&to=2026-04-30'))
      .then(
        expectResponse(200, {
          accountId: 'cq-anna',
          currency: 'RUB',
          from: '2026-03-01',
          to: '2026-04-30',
          groupBy: ['project'],
          rows: [
            { project: 'default', ...sums('1.5', 1) },
            { project: 'shop-prod', ...sums('57', 3) },
            { project: 'shop-test', ...sums('5', 1) },
          ],
          totals: sums('63.5', 5),
        }),
        expectNoNewEvents(),
      ));

  it('project,resource within March only: April’s usage is out of range', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-01&to=2026-03-31&groupBy=project,resource'))
      .then(
        expectResponse(200, {
          rows: [
            { project: 'default', resource: null, ...sums('1.5', 1) },
            { project: 'shop-prod', resource: 'vm-1', ...sums('30', 1) },
            { project: 'shop-prod', resource: 'vm-2', ...sums('20', 1) },
            { project: 'shop-test', resource: 'vm-3', ...sums('5', 1) },
          ],
          totals: sums('56.5', 4),
        }),
      ));

  it('day,label:env: local days (01:30 Moscow on 11 March is the 11th); unlabelled usage has null', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-10&to=2026-04-02&groupBy=day,label:env'))
      .then(
        expectResponse(200, {
          groupBy: ['day', 'label:env'],
          rows: [
            { day: '2026-03-10', 'label:env': 'prod', ...sums('50', 2) },
            { day: '2026-03-11', 'label:env': null, ...sums('1.5', 1) },
            { day: '2026-03-11', 'label:env': 'test', ...sums('5', 1) },
            { day: '2026-04-02', 'label:env': 'prod', ...sums('7', 1) },
          ],
        }),
      ));

  it('label:team,sku: one label of two; a label the usage lacks groups it under null', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-01&to=2026-04-30&groupBy=label:team,sku'))
      .then(
        expectResponse(200, {
          rows: [
            { 'label:team': null, sku: 'test.unit', ...sums('26.5', 3) },
            { 'label:team': 'web', sku: 'test.unit', ...sums('37', 2) },
          ],
        }),
      ));

  it('format=csv: a header naming the dimensions, a line per group', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-01&to=2026-04-30&groupBy=project,day&format=csv'))
      .then((result) => {
        expect(result.status).toBe(200);
        expect(result.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(result.headers.get('content-disposition')).toBe(
          'attachment; filename="cq-anna-costs-2026-03-01-2026-04-30.csv"',
        );
        expect(result.body).toBe(
          'project,day,amount,from_grants,from_balance,records,currency\r\n' +
            'default,2026-03-11,1.5,0,1.5,1,RUB\r\n' +
            'shop-prod,2026-03-10,50,0,50,2,RUB\r\n' +
            'shop-prod,2026-04-02,7,0,7,1,RUB\r\n' +
            'shop-test,2026-03-11,5,0,5,1,RUB\r\n',
        );
      }));

  it('an account without usage: no rows, zero totals', () =>
    spec
      .given(history)
      .when(costs('cq-idle', '?from=2026-03-01&to=2026-03-31&groupBy=sku'))
      .then(expectResponse(200, { rows: [], totals: sums('0', 0) })));

  it.each([
    ['from', '?to=2026-03-31'],
    ['to', '?from=2026-03-01&to=2026-02-30'],
    ['from', '?from=2026-04-01&to=2026-03-31'],
    ['groupBy', '?from=2026-03-01&to=2026-03-31&groupBy=service'],
    ['groupBy', '?from=2026-03-01&to=2026-03-31&groupBy=label:Env'],
    ['groupBy', '?from=2026-03-01&to=2026-03-31&groupBy=project,project'],
    ['groupBy', '?from=2026-03-01&to=2026-03-31&groupBy=project,'],
    ['format', '?from=2026-03-01&to=2026-03-31&format=xml'],
  ])('400 naming %s (%s)', (field, query) =>
    spec
      .given(history)
      .when(costs('cq-anna', query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given(history)
      .when(costs('cq-nobody', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(404, 'NOT_FOUND')));

  it('401 without a key', () =>
    spec
      .given(history)
      .when(costs('cq-anna', '?from=2026-03-01&to=2026-03-31', null))
      .then(expectProblem(401, 'UNAUTHENTICATED')));
});
