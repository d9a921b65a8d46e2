import { apiSpecification } from '../../../test/support/api-specification.js';
import { publicOfferLegal, settle } from '../../../test/support/given-accounts.js';
import { usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * Tax Code art. 169 p. 5.1: an advance VAT invoice names the payment documents the advance came with. A
 * legal entity on the first provider's public offer (UPD and advance VAT invoices) pays 5 000 by bank
 * transfer and 300 by card, and uses 920: at the month end the advance invoice names the bank payment only
 * (card payments do not count in its documents) with its number and local date.
 */
describe('the advance VAT invoice names its payment documents', () => {
  it('the period’s eligible payments, by payment id and local date', async () => {
    const api = await spec.api();
    expect((await api.call('POST', '/v1/accounts', publicOfferLegal('ai-vektor'))).status).toBe(201);
    const pay = (paymentId: string, amount: string, channel: string) =>
      api.call('POST', '/v1/accounts/ai-vektor/top-ups', { paymentId, amount, currency: 'RUB', channel });
    expect((await pay('pp-734', '5000', 'bank-transfer')).status).toBe(201);
    expect((await pay('card-1', '300', 'card')).status).toBe(201);
    await api.advanceTo('2026-03-10T12:00:00+03:00');
    expect(
      (await api.call('POST', '/v1/accounts/ai-vektor/usage', usage('ai-u1', 'test.unit', '920'))).status,
    ).toBe(201);
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    await settle(api);
    const list = await api.call('GET', '/v1/accounts/ai-vektor/documents', undefined, { role: 'auditor' });
    const advance = (list.body as Array<{ kind: string; number: string }>).find(
      (d) => d.kind === 'advance-vat-invoice',
    );
    expect(advance).toBeDefined();
    const document = await api.call('GET', `/v1/accounts/ai-vektor/documents/${advance!.number}`, undefined, {
      role: 'auditor',
    });
    expect(document.body).toMatchObject({
      kind: 'advance-vat-invoice',
      paymentDocuments: [{ number: 'pp-734', date: '2026-03-02' }],
    });
  });
});
