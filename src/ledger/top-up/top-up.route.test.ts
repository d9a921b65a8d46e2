import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { individual } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const open = (accountId: string) => (api: Awaited<ReturnType<typeof spec.api>>) =>
  api.call('POST', '/v1/accounts', individual(accountId));
const topUp = (accountId: string, body: Record<string, unknown>) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/top-ups`,
  body: { currency: 'RUB', channel: 'bank-transfer', ...body },
});

describe('POST /v1/accounts/:id/top-ups', () => {
  it('deposits the amount in the open period and claims the payment id', () =>
    spec
      .given(open('tu-anna'))
      .when(topUp('tu-anna', { paymentId: 'tu-p1', amount: '150.50' }))
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['FundsDeposited'] }),
        expectNewEvents('payment-tu-p1', [
          { type: 'PaymentClaimed', data: { accountId: 'tu-anna', amount: '150.50' } },
        ]),
        expectNewEvents('ledger-tu-anna@2026-03', [
          { type: 'FundsDeposited', data: { paymentId: 'tu-p1', amount: '150.5', balanceAfter: '150.5' } },
        ]),
      ));

  it('a retry of the same payment stores nothing', () =>
    spec
      .given(open('tu-retry'), (api) =>
        api.call(
          'POST',
          '/v1/accounts/tu-retry/top-ups',
          topUp('tu-retry', { paymentId: 'tu-p2', amount: '10' }).body,
        ),
      )
      .when(topUp('tu-retry', { paymentId: 'tu-p2', amount: '10' }))
      .then(expectResponse(201, { status: 'duplicate' }), expectNoNewEvents()));

  it('PAYMENT_ID_REUSED: the same payment id with another amount is refused, naming paymentId', () =>
    spec
      .given(open('tu-reuse'), (api) =>
        api.call(
          'POST',
          '/v1/accounts/tu-reuse/top-ups',
          topUp('tu-reuse', { paymentId: 'tu-p3', amount: '10' }).body,
        ),
      )
      .when(topUp('tu-reuse', { paymentId: 'tu-p3', amount: '11' }))
      .then(expectProblem(422, 'PAYMENT_ID_REUSED', 'paymentId'), expectNoNewEvents()));

  it('PAYMENT_ID_REUSED: the same payment id on another account is refused', () =>
    spec
      .given(open('tu-first'), open('tu-second'), (api) =>
        api.call(
          'POST',
          '/v1/accounts/tu-first/top-ups',
          topUp('tu-first', { paymentId: 'tu-p4', amount: '10' }).body,
        ),
      )
      .when(topUp('tu-second', { paymentId: 'tu-p4', amount: '10' }))
      .then(expectProblem(422, 'PAYMENT_ID_REUSED', 'paymentId'), expectNoNewEvents()));

  it('the same amount written otherwise (150 for 150.00) is a retry, not a reused id', () =>
    spec
      .given(open('tu-written'), (api) =>
        api.call('POST', '/v1/accounts/tu-written/top-ups', {
          paymentId: 'tu-p10',
          amount: '150.00',
          currency: 'RUB',
          channel: 'bank-transfer',
        }),
      )
      .when(topUp('tu-written', { paymentId: 'tu-p10', amount: '150' }))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('a paidAt in the future is refused and stores nothing: the corrected payment under that id is booked', () =>
    spec
      .given(open('tu-future'), async (api) => {
        const refused = await api.call('POST', '/v1/accounts/tu-future/top-ups', {
          paymentId: 'tu-p11',
          amount: '20',
          currency: 'RUB',
          channel: 'bank-transfer',
          paidAt: '2026-03-20T12:00:00+03:00',
        });
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toEqual([
          expect.objectContaining({ field: 'paidAt', rule: 'effectiveTimeWindow' }),
        ]);
      })
      .when(topUp('tu-future', { paymentId: 'tu-p11', amount: '20' }))
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['FundsDeposited'] }),
        // The refusal claimed nothing: the only claim is the corrected payment's.
        expectNewEvents('payment-tu-p11', [{ type: 'PaymentClaimed', data: { amount: '20' } }]),
      ));

  it('WRONG_CURRENCY: an amount in another currency than the account’s changes nothing', () =>
    spec
      .given(open('tu-kzt'))
      .when(topUp('tu-kzt', { paymentId: 'tu-p5', amount: '10', currency: 'KZT' }))
      .then(expectProblem(422, 'WRONG_CURRENCY', 'currency'), expectNoNewEvents()));

  it('400 naming the field for a malformed amount; nothing stored', () =>
    spec
      .given(open('tu-bad'))
      .when(topUp('tu-bad', { paymentId: 'tu-p6', amount: '1.005' }))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'amount'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(topUp('tu-nobody', { paymentId: 'tu-p7', amount: '10' }))
      .then(expectResponse(404), expectNoNewEvents()));
});

describe('a payment dated in a period already closed', () => {
  it('is booked in the current period', async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', individual('tu-late'));
    // March is closed once the clock has passed its end and April is opened.
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    await spec
      .given()
      .when(topUp('tu-late', { paymentId: 'tu-p8', amount: '20', paidAt: '2026-03-20T12:00:00+03:00' }))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('payment-tu-p8', [
          { type: 'PaymentClaimed', data: { bookedAt: '2026-04-02T09:00:00.000Z' } },
        ]),
        expectNewEvents('ledger-tu-late@2026-03', []),
        expectNewEvents('ledger-tu-late@2026-04', [{ type: 'FundsDeposited', data: { paymentId: 'tu-p8' } }]),
      );
  });
});
