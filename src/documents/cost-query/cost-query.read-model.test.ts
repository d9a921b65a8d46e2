import { randomUUID } from 'node:crypto';
import { apiSpecification } from '../../../test/support/api-specification.js';
import { fallbacks, writeThenRead } from '../../../test/support/read-models.js';
import { legalPostpaid, usage } from '../../../test/support/requests.js';

/** The cost query comes from the costs read model, consistent with the writes before it. */
const spec = apiSpecification({ now: '2026-03-12T09:00:00.000Z' });
afterAll(() => spec.close());

const auditor = { role: 'auditor' as const };
const costs = (accountId: string, query = 'from=2026-03-01&to=2026-03-31') =>
  `/v1/accounts/${accountId}/costs?${query}`;
const inProject = (id: string, quantity: string, at: string, project?: string) => ({
  ...usage(id, 'test.unit', quantity, at),
  ...(project ? { project, resourceId: `${project}-vm`, labels: { env: project } } : {}),
});

describe('GET /v1/accounts/:id/costs from the costs read model', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', legalPostpaid('cq-vektor'));
    await api.call(
      'POST',
      '/v1/accounts/cq-vektor/usage',
      inProject('cq-r1', '10', '2026-03-10T12:00:00+03:00', 'alpha'),
    );
    await api.call(
      'POST',
      '/v1/accounts/cq-vektor/usage',
      inProject('cq-r2', '2.5', '2026-03-10T23:30:00+03:00'),
    );
  });

  it('read-your-writes: usage recorded just before is in the answer, though the read model was behind', async () => {
    const api = await spec.api();
    const before = await fallbacks(api, 'cost-query');
    const res = await writeThenRead(
      api,
      () =>
        api.call(
          'POST',
          '/v1/accounts/cq-vektor/usage',
          inProject('cq-r3', '1', '2026-03-11T09:00:00+03:00', 'beta'),
        ),
      () =>
        api.call(
          'GET',
          costs('cq-vektor', 'from=2026-03-01&to=2026-03-31&groupBy=project'),
          undefined,
          auditor,
        ),
    );
    expect(res.body).toMatchObject({
      rows: [
        { project: 'alpha', amount: '10' },
        { project: 'beta', amount: '1' },
        { project: 'default', amount: '2.5' },
      ],
      totals: { amount: '13.5', records: 3 },
    });
    expect(await fallbacks(api, 'cost-query')).toBe(before);
  });

  it('with the read model stopped behind the log, the same JSON and CSV come from the log folded, counted', async () => {
    const api = await spec.api();
    const paths = [
      costs('cq-vektor', 'from=2026-03-01&to=2026-03-31&groupBy=project,resource,label:env'),
      costs('cq-vektor', 'from=2026-03-10&to=2026-03-10&groupBy=day,sku&format=csv'),
    ];
    const served = await Promise.all(paths.map((path) => api.call('GET', path, undefined, auditor)));
    const before = await fallbacks(api, 'cost-query');
    await api.projections.stop();
    // Another account opens: the stopped read model is behind and cannot catch up.
    await api.store.append('account-cq-other', [
      {
        id: randomUUID(),
        type: 'AccountOpened',
        data: { ...legalPostpaid('cq-other'), timeZone: 'Europe/Moscow', currency: 'RUB' },
      },
    ]);
    for (const [i, path] of paths.entries()) {
      const fromLog = await api.call('GET', path, undefined, auditor);
      expect({ path, status: fromLog.status, body: fromLog.body }).toEqual({
        path,
        status: 200,
        body: served[i]!.body,
      });
    }
    expect(await fallbacks(api, 'cost-query')).toBe(before + paths.length);
  });
});
