import { randomUUID } from 'node:crypto';
import { apiSpecification } from '../../../test/support/api-specification.js';
import { fallbacks } from '../../../test/support/read-models.js';
import { legalPostpaid, usage } from '../../../test/support/requests.js';

/**
 * Issue 15: the billing report breaks the range's charges down by project (`byProject`), from the
 * billing-report read model (v4: the project in its key) and from the ledger alike; its rows stay per day,
 * service, SKU and unit, the projects' charges of one row added up.
 */
const spec = apiSpecification({ now: '2026-03-12T09:00:00.000Z' });
afterAll(() => spec.close());

const auditor = { role: 'auditor' as const };
const report = (accountId: string) =>
  `/v1/accounts/${accountId}/billing-report?from=2026-03-01&to=2026-03-31`;

describe('GET /v1/accounts/:id/billing-report by project', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', legalPostpaid('brp-vektor'));
    await api.call('POST', '/v1/accounts', legalPostpaid('brp-plain'));
    const at = '2026-03-10T12:00:00+03:00';
    for (const [id, quantity, project] of [
      ['brp-u1', '10', 'shop-prod'],
      ['brp-u2', '2.5', 'shop-test'],
      ['brp-u3', '1', undefined],
      ['brp-u4', '4', 'shop-prod'],
    ] as const)
      await api.call('POST', '/v1/accounts/brp-vektor/usage', {
        ...usage(id, 'test.unit', quantity, at),
        ...(project ? { project } : {}),
      });
    await api.call('POST', '/v1/accounts/brp-plain/usage', usage('brp-u5', 'test.unit', '3', at));
  });

  it('byProject per project id, `default` for usage without one; the rows stay one per day and SKU', async () => {
    const api = await spec.api();
    const before = await fallbacks(api, 'billing-report');
    const res = await api.call('GET', report('brp-vektor'), undefined, auditor);
    expect(res.body).toMatchObject({
      rows: [{ day: '2026-03-10', sku: 'test.unit', quantity: '17.5', amount: '17.5', records: 4 }],
      byProject: [
        { project: 'default', amount: '1', fromGrants: '0', fromBalance: '1' },
        { project: 'shop-prod', amount: '14', fromGrants: '0', fromBalance: '14' },
        { project: 'shop-test', amount: '2.5', fromGrants: '0', fromBalance: '2.5' },
      ],
      totals: { amount: '17.5' },
    });
    expect(await fallbacks(api, 'billing-report')).toBe(before);
  });

  it('a range whose usage named no project has no byProject', async () => {
    const api = await spec.api();
    const res = await api.call('GET', report('brp-plain'), undefined, auditor);
    expect(res.body).toMatchObject({ totals: { amount: '3' } });
    expect(res.body).not.toHaveProperty('byProject');
  });

  it('from the ledger (read model stopped behind the log): the same report', async () => {
    const api = await spec.api();
    const served = await api.call('GET', report('brp-vektor'), undefined, auditor);
    const before = await fallbacks(api, 'billing-report');
    await api.projections.stop();
    await api.store.append('account-brp-other', [
      {
        id: randomUUID(),
        type: 'AccountOpened',
        data: { ...legalPostpaid('brp-other'), timeZone: 'Europe/Moscow', currency: 'RUB' },
      },
    ]);
    const fromLog = await api.call('GET', report('brp-vektor'), undefined, auditor);
    expect(fromLog.body).toEqual(served.body);
    expect(await fallbacks(api, 'billing-report')).toBe(before + 1);
  });
});
