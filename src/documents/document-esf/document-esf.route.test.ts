import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { settle } from '../../../test/support/given-accounts.js';
import { once } from '../../../test/support/once.js';
import { usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/** A Kazakh prepaid legal entity that used 1 160.00 KZT in March: an act (АВР) and a VAT invoice at 16 %. */
const marchClosed = once(async (api: TestApi) => {
  const opened = await api.call('POST', '/v1/accounts', {
    accountId: 'esf-dala',
    payerType: 'legal-entity',
    region: 'kz',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    profileId: 'yc-legal-prepaid',
    legalDetails: { name: 'ТОО «Дала»', taxId: '971240001315', address: 'Алматы, пр. Абая, 1' },
    openedAt: '2026-03-01T09:00:00+05:00',
  });
  expect(opened.status).toBe(201);
  await api.call('POST', '/v1/accounts/esf-dala/top-ups', {
    paymentId: 'esf-p1',
    amount: '2000',
    currency: 'KZT',
    channel: 'bank-transfer',
  });
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/esf-dala/usage', usage('esf-u1', 'test.unit', '1160'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
  await settle(api);
});

const numberOf = async (api: TestApi, kind: string) => {
  const list = await api.call('GET', '/v1/accounts/esf-dala/documents', undefined, { role: 'auditor' });
  return (list.body as Array<{ kind: string; number: string }>).find((d) => d.kind === kind)!.number;
};

describe('GET /v1/accounts/:id/documents/:number/esf', () => {
  it('a Kazakh VAT invoice as the electronic invoice’s data: seller BIN, buyer BIN, 16 % VAT, tenge', async () => {
    const api = await spec.api();
    await marchClosed(api);
    const number = await numberOf(api, 'vat-invoice');
    await spec
      .given()
      .when({ method: 'GET', path: `/v1/accounts/esf-dala/documents/${number}/esf`, role: 'auditor' })
      .then(
        expectResponse(200, {
          format: 'ESF',
          number,
          turnoverDate: '2026-03-31',
          customer: { tin: '971240001315', name: 'ТОО «Дала»' },
          currencyCode: '398',
          totals: { turnoverWithoutVat: '1000.00', vatAmount: '160.00', turnoverWithVat: '1160.00' },
          lines: [expect.objectContaining({ lineNumber: 1, vatRate: '16%', turnoverWithVat: '1160.00' })],
        }),
        expectNoNewEvents(),
      );
  });

  it('the act (АВР) has no ЭСФ: 404 naming why; an unknown number: 404', async () => {
    const api = await spec.api();
    await marchClosed(api);
    const act = await numberOf(api, 'act');
    await spec
      .given()
      .when({ method: 'GET', path: `/v1/accounts/esf-dala/documents/${act}/esf`, role: 'auditor' })
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given()
      .when({
        method: 'GET',
        path: '/v1/accounts/esf-dala/documents/KZ-LLP-2026-999999/esf',
        role: 'auditor',
      })
      .then(expectProblem(404, 'NOT_FOUND'));
  });
});
