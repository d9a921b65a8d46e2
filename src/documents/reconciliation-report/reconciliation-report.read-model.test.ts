import { randomUUID } from 'node:crypto';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { fallbacks, writeThenRead } from '../../../test/support/read-models.js';
import { legalPostpaid, usage } from '../../../test/support/requests.js';

/** The reconciliation report's documents come from the documents read model; its payments from the log. */
const spec = apiSpecification({ now: '2026-03-01T06:00:00.000Z' });
afterAll(() => spec.close());

const auditor = { role: 'auditor' as const };
const path = '/v1/accounts/rc-vektor/reconciliation?from=2026-03-01&to=2026-04-30';

describe('GET /v1/accounts/:id/reconciliation with its documents from the documents read model', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', legalPostpaid('rc-vektor'));
    await api.advanceTo('2026-03-10T09:00:00.000Z');
    await api.call('POST', '/v1/accounts/rc-vektor/usage', usage('rc-u1', 'test.unit', '1220'));
  });

  it('read-your-writes: the month end’s documents are in the report right after it, though the read model was behind', async () => {
    const api = await spec.api();
    const before = await fallbacks(api, 'reconciliation-report');
    const res = await writeThenRead(
      api,
      () => api.advanceTo('2026-04-02T09:00:00.000Z'),
      () => api.call('GET', path, undefined, auditor),
    );
    expect(res.body).toMatchObject({ closingBalance: '1220.00', owedBy: 'customer' });
    expect(res.body.lines).toHaveLength(1);
    expect(await fallbacks(api, 'reconciliation-report')).toBe(before);
  });

  it('a payment shows at once (from the log); the read appends nothing', async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts/rc-vektor/bills/rc-vektor-2026-03/payments', {
      paymentId: 'rc-p1',
      amount: '1220.00',
      currency: 'RUB',
      channel: 'bank-transfer',
      paidAt: '2026-04-02T10:00:00+03:00',
    });
    await spec
      .given()
      .when({ method: 'GET', path, role: 'auditor' })
      .then(expectResponse(200, { closingBalance: '0.00', owedBy: 'nobody' }), expectNoNewEvents());
  });

  it('with the read model stopped behind the log, the same report comes from the documents stream, counted', async () => {
    const api = await spec.api();
    const served = await api.call('GET', path, undefined, auditor);
    const before = await fallbacks(api, 'reconciliation-report');
    await api.projections.stop();
    await api.store.append('documents-rc-other', [{ id: randomUUID(), type: 'DocumentVoided', data: {} }]);
    const fromLog = await api.call('GET', path, undefined, auditor);
    expect(fromLog.body).toEqual(served.body);
    expect(await fallbacks(api, 'reconciliation-report')).toBe(before + 1);
  });
});
