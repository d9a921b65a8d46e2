import Big from 'big.js';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/** A legal entity on the first provider's prepaid scheme: UPD; only bank transfers count in documents. */
const vkLegalPrepaid = (accountId: string) => ({
  ...creditLegal(accountId),
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  profileId: 'vk-legal-prepaid',
});

const topUp = (
  api: TestApi,
  accountId: string,
  paymentId: string,
  amount: string,
  channel: string,
  day: string,
) =>
  api.call('POST', `/v1/accounts/${accountId}/top-ups`, {
    paymentId,
    amount,
    currency: 'RUB',
    channel,
    paidAt: `2026-03-${day}T10:00:00+03:00`,
  });

/**
 * March, closed by the month end:
 * - cf-card topped up 1 000.00 by card and used 600.00;
 * - cf-mixed paid 1 000.00 by bank transfer on 5 March, then 500.00 by card on 6 March, and used 1 200.00 on
 *   10 March: first in, first out, the bank's 1 000.00 and 200.00 of the card's.
 */
const marchClosed = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', vkLegalPrepaid('cf-card'));
  await api.call('POST', '/v1/accounts', vkLegalPrepaid('cf-mixed'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await topUp(api, 'cf-card', 'cf-p1', '1000.00', 'card', '05');
  await topUp(api, 'cf-mixed', 'cf-p2', '1000.00', 'bank-transfer', '05');
  await topUp(api, 'cf-mixed', 'cf-p3', '500.00', 'card', '06');
  await api.call('POST', '/v1/accounts/cf-card/usage', usage('cf-u1', 'test.unit', '600'));
  await api.call('POST', '/v1/accounts/cf-mixed/usage', usage('cf-u2', 'test.unit', '1200'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});

const get = (path: string) => ({ method: 'GET' as const, path, role: 'auditor' as const });
const MARCH = '?from=2026-03-01&to=2026-03-31';

describe('card-funded spending is left out of a legal entity’s documents and reports (§9, seed 000)', () => {
  it('card top-up of 1 000 with 600 spent: no UPD', () =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/cf-card/documents'))
      .then(expectResponse(200, []), expectNoNewEvents()));

  it('card top-up of 1 000 with 600 spent: the reconciliation says nobody owes anything', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/cf-card/reconciliation${MARCH}`))
      .then(
        expectResponse(200, {
          lines: [],
          turnover: { debit: '0.00', credit: '0.00' },
          closingBalance: '0.00',
          owedBy: 'nobody',
          owedAmount: '0.00',
          excluded: [{ reference: 'cf-p1', reason: 'channel-not-eligible' }],
        }),
        expectNoNewEvents(),
      ));

  it('card top-up of 1 000 with 600 spent: the billing report has no write-off either', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/cf-card/billing-report${MARCH}`))
      .then(
        expectResponse(200, {
          rows: [],
          totals: { amount: '0', fromGrants: '0', fromBalance: '0' },
          excludedFromDocuments: '600',
        }),
        expectNoNewEvents(),
      ));

  it('bank transfer then card: the UPD, the reconciliation and the billing report agree on the bank-funded 1 000', async () => {
    let upd: { kind: string; totals: { gross: string } } | undefined;
    await spec
      .given(marchClosed)
      .when(get('/v1/accounts/cf-mixed/documents'))
      .then(expectResponse(200), (result) => {
        const documents = result.body as Array<{ kind: string; totals: { gross: string } }>;
        expect(documents.map((d) => d.kind)).toEqual(['upd']);
        upd = documents[0];
        expect(upd!.totals).toEqual({ net: '819.67', vat: '180.33', gross: '1000.00' });
      });
    await spec
      .given(marchClosed)
      .when(get(`/v1/accounts/cf-mixed/billing-report${MARCH}`))
      .then(
        expectResponse(200, {
          rows: [expect.objectContaining({ day: '2026-03-10', amount: '1000', fromBalance: '1000' })],
          excludedFromDocuments: '200',
        }),
        (result) =>
          expect(
            new Big((result.body as { totals: { fromBalance: string } }).totals.fromBalance).toFixed(2),
          ).toBe(new Big(upd!.totals.gross).toFixed(2)),
      );
    await spec
      .given(marchClosed)
      .when(get(`/v1/accounts/cf-mixed/reconciliation${MARCH}`))
      .then(
        expectResponse(200, {
          turnover: { debit: '1000.00', credit: '1000.00' },
          closingBalance: '0.00',
          owedBy: 'nobody',
          excluded: [{ reference: 'cf-p3', reason: 'channel-not-eligible' }],
        }),
        expectNoNewEvents(),
      );
  });
});
