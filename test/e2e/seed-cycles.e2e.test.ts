import { startTestApi, type TestApi } from './harness.js';

const individual = (accountId: string) => ({
  accountId,
  payerType: 'individual',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  profileId: 'vk-individual-prepaid',
  openedAt: '2026-03-01T09:00:00+03:00',
});

const creditLegal = (accountId: string) => ({
  accountId,
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'yc-legal-credit',
  legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  openedAt: '2026-03-01T09:00:00+03:00',
});

const usage = (id: string, sku: string, quantity: string, at = '2026-03-10T12:00:00+03:00') => ({
  usageRecordId: id,
  sku,
  quantity,
  windowStart: at,
  windowEnd: at,
});

describe('HTTP API: the seed pages’ cycles end to end', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi('2026-03-20T09:00:00.000Z');
  });
  afterEach(() => api.close());

  it('a prepaid individual goes negative, is frozen, and unfreezes on top-up', async () => {
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    const topUp = await api.call('POST', '/v1/accounts/anna/top-ups', {
      paymentId: 'card-1',
      amount: '100.00',
      currency: 'RUB',
      channel: 'card',
      paidAt: '2026-03-02T10:00:00+03:00',
    });
    expect(topUp.status).toBe(201);
    const price = await api.call('GET', '/v1/accounts/anna');
    expect(price.body.balance).toBe('100');

    // Spend it all and a little more: compute is priced by the default catalog; buy enough hours.
    const spend = await api.call('POST', '/v1/accounts/anna/usage', usage('u-1', 'compute.vcpu.hour', '1000'));
    expect(spend.status).toBe(201);
    expect(spend.body.eventTypes).toEqual(['ResourceConsumed', 'AccountFrozen']);
    const frozen = await api.call('GET', '/v1/accounts/anna');
    expect(frozen.body.status.value).toBe('frozen');

    const refused = await api.call('POST', '/v1/accounts/anna/usage', usage('u-2', 'compute.vcpu.hour', '1'));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('ACCOUNT_FROZEN');

    const debt = frozen.body.debt as string;
    const pay = await api.call('POST', '/v1/accounts/anna/top-ups', {
      paymentId: 'card-2',
      amount: (Number.parseInt(debt, 10) + 10).toString(),
      currency: 'RUB',
      channel: 'card',
    });
    expect(pay.body.eventTypes).toEqual(['FundsDeposited', 'AccountUnfrozen']);
    expect((await api.call('GET', '/v1/accounts/anna')).body.status.value).toBe('active');
  });

  it('a legal entity with a 1 000 grant is billed 400 after consuming 1 400', async () => {
    await api.call('POST', '/v1/accounts', creditLegal('romashka'));
    await api.call('PUT', '/v1/accounts/romashka/credit-limit', { creditLimit: '100000' });
    await api.call('POST', '/v1/accounts/romashka/grants', {
      grantId: 'start-1',
      kind: 'start',
      amount: '1000',
      currency: 'RUB',
      issuedAt: '2026-03-01T10:00:00+03:00',
    });
    const consumed = await api.call('POST', '/v1/accounts/romashka/usage', usage('u-1', 'support.paid.month', '1'));
    expect(consumed.status).toBe(201);
    api.clock.set('2026-04-01T09:00:00.000Z');
    const closed = await api.call('POST', '/v1/accounts/romashka/periods/2026-03/close', undefined, { role: 'ops' });
    expect(closed.status).toBe(200);
    const summary = await api.call('GET', '/v1/accounts/romashka');
    expect(summary.body.openBills).toHaveLength(1);
  });
});
