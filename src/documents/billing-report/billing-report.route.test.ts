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
 * br-anna's usage of test.unit (1.00 RUB a unit), paid from her balance: 30 and 20 units on 10 March, 5 units
 * at 01:30 Moscow time on 11 March (still 10 March in UTC), and 7 units on 2 April, after March closed.
 */
const history = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual('br-anna'));
  await api.call('POST', '/v1/accounts', individual('br-idle'));
  await api.call('POST', '/v1/accounts/br-anna/top-ups', {
    paymentId: 'br-p1',
    amount: '1000',
    currency: 'RUB',
    channel: 'card',
  });
  await api.advanceTo('2026-03-11T12:00:00+03:00');
  await api.call(
    'POST',
    '/v1/accounts/br-anna/usage',
    usage('br-u1', 'test.unit', '30', '2026-03-10T12:00:00+03:00'),
  );
  await api.call(
    'POST',
    '/v1/accounts/br-anna/usage',
    usage('br-u2', 'test.unit', '20', '2026-03-10T15:00:00+03:00'),
  );
  await api.call(
    'POST',
    '/v1/accounts/br-anna/usage',
    usage('br-u3', 'test.unit', '5', '2026-03-11T01:30:00+03:00'),
  );
  await api.advanceTo('2026-04-02T12:00:00+03:00');
  await api.call(
    'POST',
    '/v1/accounts/br-anna/usage',
    usage('br-u4', 'test.unit', '7', '2026-04-02T10:00:00+03:00'),
  );
  await api.advanceTo('2026-04-02T12:00:00+03:00'); // every timeline has seen the usage
});

const report = (
  accountId: string,
  query: string,
  role: 'service' | 'ops' | 'auditor' | null = 'service',
) => ({
  method: 'GET' as const,
  path: `/v1/accounts/${accountId}/billing-report${query}`,
  role,
});

const row = (day: string, quantity: string, records: number) => ({
  day,
  service: 'Test Service',
  category: 'compute',
  sku: 'test.unit',
  usageRecordId: null,
  unit: 'unit',
  quantity,
  amount: quantity,
  fromGrants: '0',
  fromBalance: quantity,
  records,
});

describe('GET /v1/accounts/:id/billing-report', () => {
  it('JSON by default: consumption per local day and SKU, per service, and the totals', () =>
    spec
      .given(history)
      .when(report('br-anna', '?from=2026-03-01&to=2026-03-31'))
      .then(
        expectResponse(200),
        (result) =>
          expect(result.body).toEqual({
            accountId: 'br-anna',
            currency: 'RUB',
            timeZone: 'Europe/Moscow',
            from: '2026-03-01',
            to: '2026-03-31',
            resource: 'sku',
            rows: [row('2026-03-10', '50', 2), row('2026-03-11', '5', 1)],
            byService: [
              {
                service: 'Test Service',
                category: 'compute',
                amount: '55',
                fromGrants: '0',
                fromBalance: '55',
              },
            ],
            totals: { amount: '55', fromGrants: '0', fromBalance: '55' },
          }),
        expectNoNewEvents(),
      ));

  it('format=json answers the same report', () =>
    spec
      .given(history)
      .when(report('br-anna', '?from=2026-03-01&to=2026-03-31&format=json', 'auditor'))
      .then(
        expectResponse(200, { rows: [row('2026-03-10', '50', 2), row('2026-03-11', '5', 1)] }),
        expectNoNewEvents(),
      ));

  it('a range across a month end reads every period in it', () =>
    spec
      .given(history)
      .when(report('br-anna', '?from=2026-03-11&to=2026-04-30', 'ops'))
      .then(
        expectResponse(200, {
          rows: [row('2026-03-11', '5', 1), row('2026-04-02', '7', 1)],
          totals: { amount: '12', fromGrants: '0', fromBalance: '12' },
        }),
        expectNoNewEvents(),
      ));

  it('a range without consumption: no rows, zero totals', () =>
    spec
      .given(history)
      .when(report('br-idle', '?from=2026-03-01&to=2026-06-30'))
      .then(
        expectResponse(200, {
          accountId: 'br-idle',
          rows: [],
          byService: [],
          totals: { amount: '0', fromGrants: '0', fromBalance: '0' },
        }),
        expectNoNewEvents(),
      ));

  it('format=csv: an RFC 4180 attachment with a totals record', () =>
    spec
      .given(history)
      .when(report('br-anna', '?from=2026-03-01&to=2026-03-31&format=csv'))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.headers.get('content-type')).toBe('text/csv; charset=utf-8');
          expect(result.headers.get('content-disposition')).toBe(
            'attachment; filename="br-anna-2026-03-01-2026-03-31.csv"',
          );
          expect(result.body).toBe(
            'day,service,category,sku,unit,quantity,amount,from_grants,from_balance,currency\r\n' +
              '2026-03-10,Test Service,compute,test.unit,unit,50,50,0,50,RUB\r\n' +
              '2026-03-11,Test Service,compute,test.unit,unit,5,5,0,5,RUB\r\n' +
              'TOTAL,,,,,,55,0,55,RUB\r\n',
          );
        },
        expectNoNewEvents(),
      ));

  it.each(['xml', 'JSON', ''])('400 naming format for format=%p; nothing stored', (format) =>
    spec
      .given(history)
      .when(report('br-anna', `?from=2026-03-01&to=2026-03-31&format=${format}`))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'format'), expectNoNewEvents()),
  );

  it.each([
    ['from is missing', '?to=2026-03-31', 'from'],
    ['from is not a date', '?from=2026-00-10&to=2026-03-31', 'from'],
    ['to is not a date', '?from=2026-03-01&to=2026-3-31', 'to'],
    ['from is a day that does not exist', '?from=2026-02-30&to=2026-03-31', 'from'],
    ['to is a day that does not exist', '?from=2026-03-01&to=2026-04-31', 'to'],
    ['from is after to', '?from=2026-03-31&to=2026-03-01', 'from'],
  ])('400 naming the field when %s; nothing stored', (_case, query, field) =>
    spec
      .given(history)
      .when(report('br-anna', query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(report('br-nobody', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(report('br..%2F', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('401 without an API key (every role may read it)', () =>
    spec
      .given(history)
      .when(report('br-anna', '?from=2026-03-01&to=2026-03-31', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
