import { startTestApi, type TestApi } from '../support/api.js';
import { creditLegal, individual, usage } from '../support/requests.js';

const startGrant = {
  grantId: 'start-1',
  kind: 'start',
  amount: '1000',
  currency: 'RUB',
  issuedAt: '2026-03-01T10:00:00+03:00',
};

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
    expect((await api.call('GET', '/v1/accounts/anna')).body.balance).toBe('100');

    const exact = await api.call('POST', '/v1/accounts/anna/usage', usage('u-1', 'test.unit', '100'));
    expect(exact.body.eventTypes).toEqual(['ResourceConsumed']);
    const over = await api.call('POST', '/v1/accounts/anna/usage', usage('u-2', 'test.unit', '0.01'));
    expect(over.body.eventTypes).toEqual(['ResourceConsumed', 'AccountFrozen']);
    const frozen = await api.call('GET', '/v1/accounts/anna');
    expect(frozen.body).toMatchObject({
      balance: '-0.01',
      debt: '0.01',
      status: { value: 'frozen', reason: 'balance-below-zero' },
    });
    // What happens next unless she tops up: her frozen objects are queued for deletion (she paid once: 7 days).
    expect(frozen.body.nextDeadlines[0]).toMatchObject({ kind: 'delete-frozen-objects' });

    const refused = await api.call('POST', '/v1/accounts/anna/usage', usage('u-3', 'test.unit', '1'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_FROZEN', status: 422 });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const storage = await api.call(
      'POST',
      '/v1/accounts/anna/usage',
      usage('u-4', 'storage.ssd.gb.hour', '1'),
    );
    expect(storage.status).toBe(201);

    const pay = await api.call('POST', '/v1/accounts/anna/top-ups', {
      paymentId: 'card-2',
      amount: '10',
      currency: 'RUB',
      channel: 'card',
    });
    expect(pay.body.eventTypes).toEqual(['FundsDeposited', 'AccountUnfrozen']);
    expect((await api.call('GET', '/v1/accounts/anna')).body).toMatchObject({
      balance: '9.9712',
      status: { value: 'active' },
    });
  });

  it('a legal entity with a 1 000 grant is billed 400 after consuming 1 400, due 14 days after the period', async () => {
    expect((await api.call('POST', '/v1/accounts', creditLegal('romashka'))).status).toBe(201);
    expect(
      (await api.call('PUT', '/v1/accounts/romashka/credit-limit', { creditLimit: '100000' })).status,
    ).toBe(200);
    expect((await api.call('POST', '/v1/accounts/romashka/grants', startGrant)).status).toBe(201);
    const consumed = await api.call('POST', '/v1/accounts/romashka/usage', usage('u-1', 'test.unit', '1400'));
    expect(consumed.status).toBe(201);
    api.clock.set('2026-04-01T09:00:00.000Z');
    const closed = await api.call('POST', '/v1/accounts/romashka/periods/2026-03/close', undefined, {
      role: 'ops',
    });
    expect(closed.status).toBe(200);
    const summary = await api.call('GET', '/v1/accounts/romashka');
    expect(summary.body.openBills).toEqual([
      {
        billId: 'romashka-2026-03',
        kind: 'period',
        amount: '400',
        paid: '0',
        issuedOn: '2026-04-01',
        dueDate: '2026-04-14',
      },
    ]);
    const paid = await api.call('POST', '/v1/accounts/romashka/bills/romashka-2026-03/payments', {
      paymentId: 'pp-1',
      amount: '500',
      currency: 'RUB',
      channel: 'bank-transfer',
    });
    expect(paid.body.eventTypes).toEqual(['FundsDeposited', 'BillPaymentApplied']);
    expect((await api.call('GET', '/v1/accounts/romashka')).body).toMatchObject({
      balance: '100',
      openBills: [],
    });
  });

  it('a credit-limit legal entity is billed mid-period when the limit is exhausted, due in 2 days', async () => {
    await api.call('POST', '/v1/accounts', creditLegal('limited'));
    await api.call('PUT', '/v1/accounts/limited/credit-limit', { creditLimit: '1000' });
    await api.call('POST', '/v1/accounts/limited/grants', { ...startGrant, grantId: 'g' });
    const consumed = await api.call('POST', '/v1/accounts/limited/usage', usage('u-1', 'test.unit', '2000'));
    expect(consumed.body.eventTypes).toEqual(['ResourceConsumed', 'BillIssued']);
    const summary = await api.call('GET', '/v1/accounts/limited');
    expect(summary.body.openBills).toEqual([
      expect.objectContaining({
        kind: 'mid-period',
        amount: '1000',
        issuedOn: '2026-03-10',
        dueDate: '2026-03-12',
      }),
    ]);
  });

  it('an 800 consumption against a 1 000 grant gives no bill', async () => {
    await api.call('POST', '/v1/accounts', creditLegal('small'));
    await api.call('PUT', '/v1/accounts/small/credit-limit', { creditLimit: '5000' });
    await api.call('POST', '/v1/accounts/small/grants', startGrant);
    await api.call('POST', '/v1/accounts/small/usage', usage('u-1', 'test.unit', '800'));
    api.clock.set('2026-04-01T09:00:00.000Z');
    await api.call('POST', '/v1/accounts/small/periods/2026-03/close', undefined, { role: 'ops' });
    expect((await api.call('GET', '/v1/accounts/small')).body.openBills).toEqual([]);
  });
});
