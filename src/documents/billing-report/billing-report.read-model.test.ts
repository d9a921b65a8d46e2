import { randomUUID } from 'node:crypto';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { fallbacks, readModelsCaughtUp, writeThenRead } from '../../../test/support/read-models.js';
import { legalPostpaid, usage } from '../../../test/support/requests.js';

/** The billing report comes from the billing-report read model, consistent with the writes before it. */
const spec = apiSpecification({ now: '2026-03-12T09:00:00.000Z' });
afterAll(() => spec.close());

const auditor = { role: 'auditor' as const };
const report = (accountId: string, query = 'from=2026-03-01&to=2026-03-31') =>
  `/v1/accounts/${accountId}/billing-report?${query}`;

describe('GET /v1/accounts/:id/billing-report from the billing-report read model', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', legalPostpaid('br-vektor'));
    await api.call(
      'POST',
      '/v1/accounts/br-vektor/usage',
      usage('br-u1', 'test.unit', '10', '2026-03-10T12:00:00+03:00'),
    );
    await api.call(
      'POST',
      '/v1/accounts/br-vektor/usage',
      usage('br-u2', 'test.unit', '2.5', '2026-03-10T23:30:00+03:00'),
    );
  });

  it('read-your-writes: usage recorded just before shows in the report, though the read model was behind', async () => {
    const api = await spec.api();
    const before = await fallbacks(api, 'billing-report');
    const res = await writeThenRead(
      api,
      () =>
        api.call(
          'POST',
          '/v1/accounts/br-vektor/usage',
          usage('br-u3', 'test.unit', '1', '2026-03-11T09:00:00+03:00'),
        ),
      () => api.call('GET', report('br-vektor'), undefined, auditor),
    );
    expect(res.body).toMatchObject({
      rows: [
        { day: '2026-03-10', sku: 'test.unit', quantity: '12.5', amount: '12.5', records: 2 },
        { day: '2026-03-11', sku: 'test.unit', quantity: '1', amount: '1', records: 1 },
      ],
      byService: [{ service: 'Test Service', category: 'compute', amount: '13.5' }],
      totals: { amount: '13.5' },
    });
    expect(await fallbacks(api, 'billing-report')).toBe(before);
  });

  it('leaves out, as the documents do, the spending a card top-up paid for (first in, first out)', async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', {
      ...legalPostpaid('br-romashka'),
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      profileId: 'vk-legal-prepaid',
    });
    for (const [paymentId, channel] of [
      ['br-p1', 'bank-transfer'],
      ['br-p2', 'card'],
    ] as const) {
      await api.call('POST', '/v1/accounts/br-romashka/top-ups', {
        paymentId,
        amount: '100.00',
        currency: 'RUB',
        channel,
        paidAt: '2026-03-11T09:00:00+03:00',
      });
    }
    await api.call(
      'POST',
      '/v1/accounts/br-romashka/usage',
      usage('br-u4', 'test.unit', '150', '2026-03-11T10:00:00+03:00'),
    );
    await readModelsCaughtUp(api);
    const before = await fallbacks(api, 'billing-report');
    const res = await api.call('GET', report('br-romashka'), undefined, auditor);
    expect(res.body).toMatchObject({
      rows: [{ day: '2026-03-11', amount: '100', fromBalance: '100', records: 1 }],
      totals: { amount: '100', fromBalance: '100' },
      excludedFromDocuments: '50',
    });
    expect(await fallbacks(api, 'billing-report')).toBe(before);
  });

  it('lists the corrections booked in the range apart, marked with the period they correct (issue 14)', async () => {
    const api = await spec.api();
    const voided = await api.call(
      'POST',
      '/v1/accounts/br-vektor/usage/br-u3/void',
      { reason: 'sent by mistake', reference: 'T-1' },
      { role: 'ops' },
    );
    expect(voided.status).toBe(201);
    await readModelsCaughtUp(api);
    const before = await fallbacks(api, 'billing-report');
    const res = await api.call('GET', report('br-vektor'), undefined, auditor);
    expect(res.body).toMatchObject({
      totals: { amount: '13.5' },
      corrections: [
        {
          day: '2026-03-12',
          correctionId: 'void:br-u3',
          kind: 'usage-voided',
          correctsPeriod: '2026-03',
          service: 'Test Service',
          sku: 'test.unit',
          usageRecordId: 'br-u3',
          quantityChange: '-1',
          amount: '-1',
          fromGrants: '0',
          reason: 'sent by mistake',
          reference: 'T-1',
          by: 'ops:test-ops',
        },
      ],
      correctionTotals: { amount: '-1' },
    });
    expect(await fallbacks(api, 'billing-report')).toBe(before);
  });

  it('reads append nothing; an unknown account is a 404 and a bad range a 400', async () => {
    await spec
      .given()
      .when({ method: 'GET', path: report('br-vektor'), role: 'auditor' })
      .then(expectResponse(200), expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: report('br-nobody'), role: 'auditor' })
      .then(expectResponse(404), expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: report('br-vektor', 'from=2026-03-31&to=2026-03-01'), role: 'auditor' })
      .then(expectResponse(400), expectNoNewEvents());
  });

  it('with the read model stopped behind the log, the same JSON and CSV come from the ledger, counted', async () => {
    const api = await spec.api();
    const paths = [
      report('br-vektor'),
      report('br-vektor', 'from=2026-03-10&to=2026-03-10&format=csv'),
      report('br-vektor', 'from=2026-02-01&to=2026-04-30'),
    ];
    const served = await Promise.all(paths.map((path) => api.call('GET', path, undefined, auditor)));
    const before = await fallbacks(api, 'billing-report');
    await api.projections.stop();
    // Another account opens: the stopped read model is behind and cannot catch up.
    await api.store.append('account-br-other', [
      {
        id: randomUUID(),
        type: 'AccountOpened',
        data: { ...legalPostpaid('br-other'), timeZone: 'Europe/Moscow' },
      },
    ]);
    for (const [i, path] of paths.entries()) {
      const fromLog = await api.call('GET', path, undefined, auditor);
      expect({ path, body: fromLog.body }).toEqual({ path, body: served[i]!.body });
    }
    expect(await fallbacks(api, 'billing-report')).toBe(before + paths.length);
  });
});
