import { apiSpecification, expectProblem } from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { settle } from '../../../test/support/given-accounts.js';
import { creditLegal, usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/** A non-resident under an individual contract with a credit limit: billed in USD at the month end. */
const nonResident = (accountId: string, agreement?: { number: string; date: string }) => ({
  ...creditLegal(accountId),
  residency: 'non-resident',
  legalDetails: { name: 'Acme GmbH', taxId: 'DE123456789', address: 'Berlin, Unter den Linden 1' },
  ...(agreement ? { agreement } : {}),
});

async function billedMarch(api: TestApi, accountId: string, body: Record<string, unknown>) {
  expect((await api.call('POST', '/v1/accounts', body)).status).toBe(201);
  expect(
    (await api.call('PUT', `/v1/accounts/${accountId}/credit-limit`, { creditLimit: '1000' })).status,
  ).toBe(200);
  expect(
    (
      await api.call(
        'POST',
        `/v1/accounts/${accountId}/usage`,
        usage(`${accountId}-u1`, 'test.unit', '100', '2026-03-02T11:00:00+03:00'),
      )
    ).status,
  ).toBe(201);
}

const documentsOf = async (api: TestApi, accountId: string) => {
  const list = await api.call('GET', `/v1/accounts/${accountId}/documents`, undefined, { role: 'auditor' });
  const all = [];
  for (const entry of list.body as Array<{ number: string }>)
    all.push(
      (
        await api.call('GET', `/v1/accounts/${accountId}/documents/${entry.number}`, undefined, {
          role: 'auditor',
        })
      ).body,
    );
  return all as Array<{ kind: string; nonResident?: { agreement: { number: string; date: string } } }>;
};

describe('the contract register: a non-resident’s bill names the registered agreement', () => {
  it('registered at opening: the March bill names it; none registered: the bill waits, visible, until a contract change registers one', async () => {
    const api = await spec.api();
    await billedMarch(api, 'ar-acme', nonResident('ar-acme', { number: 'NR-2026/7', date: '2026-02-15' }));
    await billedMarch(api, 'ar-later', nonResident('ar-later'));
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    await settle(api);

    const registered = await documentsOf(api, 'ar-acme');
    expect(registered.find((d) => d.kind === 'bill')?.nonResident?.agreement).toEqual({
      number: 'NR-2026/7',
      date: '2026-02-15',
    });

    // No agreement registered: the bill is withheld (it must name one), not made up from the account id.
    expect((await documentsOf(api, 'ar-later')).map((d) => d.kind)).not.toContain('bill');
    const withheld = await api.call('GET', '/v1/accounts/ar-later/withheld-documents', undefined, {
      role: 'auditor',
    });
    expect(withheld.body).toEqual([
      expect.objectContaining({ periodId: '2026-03', code: 'BILL_AGREEMENT_REQUIRED' }),
    ]);

    const changed = await api.call('PUT', '/v1/accounts/ar-later/contract', {
      contract: 'individual-contract',
      paymentScheme: 'postpaid',
      profileId: 'yc-legal-credit',
      agreement: { number: 'NR-2026/9', date: '2026-04-01' },
    });
    expect(changed.status).toBe(200);
    await settle(api);
    expect(
      (await documentsOf(api, 'ar-later')).find((d) => d.kind === 'bill')?.nonResident?.agreement,
    ).toEqual({
      number: 'NR-2026/9',
      date: '2026-04-01',
    });
    const none = await api.call('GET', '/v1/accounts/ar-later/withheld-documents', undefined, {
      role: 'auditor',
    });
    expect(none.body).toEqual([]);
  });

  it.each([
    ['agreement.date', { number: 'NR-1', date: '2026-02-30' }],
    ['agreement.number', { number: '', date: '2026-02-01' }],
    ['agreement', 'NR-1'],
  ])('400 naming %s for a malformed agreement; nothing stored', (field, agreement) =>
    spec
      .given()
      .when({
        method: 'POST',
        path: '/v1/accounts',
        body: { ...nonResident(`ar-bad-${field.length}`), agreement },
      })
      .then(expectProblem(400, 'VALIDATION_FAILED', field)),
  );
});
