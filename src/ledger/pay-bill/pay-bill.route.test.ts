import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  billedMidPeriod,
  midPeriodBillId,
  opened,
  postpaidLegal,
  succeeded,
  used,
} from '../../../test/support/given-accounts.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const payment = (paymentId: string, amount: string, extra: Record<string, unknown> = {}) => ({
  paymentId,
  amount,
  currency: 'RUB',
  channel: 'bank-transfer',
  ...extra,
});
const pay = (
  accountId: string,
  billId: string,
  body: Record<string, unknown>,
  role?: null | 'ops' | 'auditor',
) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/bills/${billId}/payments`,
  body,
  ...(role === undefined ? {} : { role }),
});
/** Every scenario's account: a credit limit of 100, 150 used, so a mid-period bill for 150 is open. */
const billed = billedMidPeriod;
const bill = midPeriodBillId;
const paid = (accountId: string, body: Record<string, unknown>) =>
  succeeded('POST', `/v1/accounts/${accountId}/bills/${bill(accountId)}/payments`, body);

describe('POST /v1/accounts/:id/bills/:billId/payments', () => {
  it('pays the bill in full: the deposit lands on the balance and settles the bill', () =>
    spec
      .given(...billed('pb-full'))
      .when(pay('pb-full', bill('pb-full'), payment('pb-p1', '150')))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-pb-full@2026-03',
          eventTypes: ['FundsDeposited', 'BillPaymentApplied'],
        }),
        expectNewEvents('payment-pb-p1', [
          { type: 'PaymentClaimed', data: { accountId: 'pb-full', amount: '150', bookedAt: NOW } },
        ]),
        expectNewEvents('ledger-pb-full@2026-03', [
          {
            type: 'FundsDeposited',
            data: { paymentId: 'pb-p1', amount: '150', channel: 'bank-transfer', balanceAfter: '0', at: NOW },
          },
          {
            type: 'BillPaymentApplied',
            data: {
              billId: bill('pb-full'),
              paymentId: 'pb-p1',
              amount: '150',
              remaining: '0',
              fullyPaid: true,
              at: NOW,
            },
          },
        ]),
      ));

  it('a partial payment leaves the rest of the bill open', () =>
    spec
      .given(...billed('pb-part'))
      .when(pay('pb-part', bill('pb-part'), payment('pb-p2', '50.25')))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-pb-part@2026-03', [
          { type: 'FundsDeposited', data: { amount: '50.25', balanceAfter: '-99.75' } },
          {
            type: 'BillPaymentApplied',
            data: { amount: '50.25', remaining: '99.75', fullyPaid: false },
          },
        ]),
      ));

  it('an overpayment settles the bill; the excess stays on the balance', () =>
    spec
      .given(...billed('pb-over'))
      .when(pay('pb-over', bill('pb-over'), payment('pb-p3', '200', { channel: 'card' })))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-pb-over@2026-03', [
          { type: 'FundsDeposited', data: { amount: '200', channel: 'card', balanceAfter: '50' } },
          { type: 'BillPaymentApplied', data: { amount: '150', remaining: '0', fullyPaid: true } },
        ]),
      ));

  it('a retry of the same payment stores nothing', () =>
    spec
      .given(...billed('pb-retry'), paid('pb-retry', payment('pb-p4', '50')))
      .when(pay('pb-retry', bill('pb-retry'), payment('pb-p4', '50')))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('a retry with the same Idempotency-Key replays the first answer', async () => {
    const api = await spec.api();
    for (const step of billed('pb-keyed')) await step(api);
    const headers = { 'idempotency-key': 'pb-key-1' };
    const path = `/v1/accounts/pb-keyed/bills/${bill('pb-keyed')}/payments`;
    const first = await api.call('POST', path, payment('pb-p5', '10'), { headers });
    expect(first.status).toBe(201);
    const retry = await spec
      .given()
      .when({ ...pay('pb-keyed', bill('pb-keyed'), payment('pb-p5', '10')), headers })
      .then(expectResponse(201, first.body), expectNoNewEvents());
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('PAYMENT_ID_REUSED: the same payment id for another amount is refused, naming paymentId', () =>
    spec
      .given(...billed('pb-reused'), paid('pb-reused', payment('pb-p6', '50')))
      .when(pay('pb-reused', bill('pb-reused'), payment('pb-p6', '60')))
      .then(expectProblem(422, 'PAYMENT_ID_REUSED', 'paymentId'), expectNoNewEvents()));

  it('WRONG_CURRENCY: an amount in another currency than the account’s changes nothing', () =>
    spec
      .given(...billed('pb-kzt'))
      .when(pay('pb-kzt', bill('pb-kzt'), payment('pb-p7', '150', { currency: 'KZT' })))
      .then(expectProblem(422, 'WRONG_CURRENCY', 'currency'), expectNoNewEvents()));

  it('BILL_NOT_OPEN: a bill already paid in full takes no more payments; the ledger is unchanged', () =>
    spec
      .given(...billed('pb-settled'), paid('pb-settled', payment('pb-p8', '150')))
      .when(pay('pb-settled', bill('pb-settled'), payment('pb-p9', '10')))
      .then(
        expectProblem(422, 'BILL_NOT_OPEN', 'billId'),
        // The ledger decides first: a refused payment claims no id (this test pinned a stored claim before).
        expectNoNewEvents(),
      ));

  it('a refused payment leaves its id free: the corrected retry under the same id is booked', () =>
    spec
      .given(...billed('pb-corrected'), paid('pb-corrected', payment('pb-p13', '150')), async (api) => {
        const refused = await api.call(
          'POST',
          `/v1/accounts/pb-corrected/bills/${bill('pb-corrected')}/payments`,
          payment('pb-p14', '10'),
        );
        expect(refused.status).toBe(422);
      })
      .when({
        method: 'POST',
        path: '/v1/accounts/pb-corrected/top-ups',
        body: { paymentId: 'pb-p14', amount: '10', currency: 'RUB', channel: 'bank-transfer' },
      })
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['FundsDeposited'] }),
        expectNewEvents('payment-pb-p14', [
          { type: 'PaymentClaimed', data: { accountId: 'pb-corrected', amount: '10' } },
        ]),
      ));

  it('BILL_NOT_OPEN: another account’s bill is refused, naming billId', () =>
    spec
      .given(...billed('pb-mine'), ...billed('pb-theirs'))
      .when(pay('pb-mine', bill('pb-theirs'), payment('pb-p10', '150')))
      .then(expectProblem(422, 'BILL_NOT_OPEN', 'billId'), expectNewEvents('ledger-pb-mine@2026-03', [])));

  it.each([
    ['amount', payment('pb-b1', '0')],
    ['amount', payment('pb-b2', '10.005')],
    ['amount', { ...payment('pb-b3', '10'), amount: 10 }],
    ['channel', payment('pb-b4', '10', { channel: 'cash' })],
    ['currency', payment('pb-b5', '10', { currency: 'EUR' })],
    ['paidAt', payment('pb-b6', '10', { paidAt: '10 March' })],
    ['paymentId', payment('pay ment', '10')],
  ])('400 naming %s for a malformed body; nothing stored', (field, body) =>
    spec
      .given()
      .when(pay('pb-malformed', 'any-bill', body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('400 naming the path id for a malformed bill id', () =>
    spec
      .given()
      .when(pay('pb-malformed', 'bill%20one', payment('pb-b7', '10')))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'id'), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(...billed(`pb-${role}`))
      .when(pay(`pb-${role}`, bill(`pb-${role}`), payment(`pb-${role}-p`, '150'), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(...billed('pb-anonymous'))
      .when(pay('pb-anonymous', bill('pb-anonymous'), payment('pb-anonymous-p', '150'), null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(pay('pb-nobody', 'pb-nobody-2026-03', payment('pb-p11', '10')))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});

// Last: moves the file's clock past the month end (every account's March closes on the way).
describe('a postpaid account’s period bill, issued at the month end', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await opened(postpaidLegal('pb-postpaid'))(api);
    await used('pb-postpaid', 'pb-postpaid-u1', '40')(api);
    await api.advanceTo('2026-04-02T09:00:00.000Z');
  });

  it('is paid in the current period', () =>
    spec
      .given()
      .when(pay('pb-postpaid', 'pb-postpaid-2026-03', payment('pb-p12', '40')))
      .then(
        expectResponse(201, { status: 'accepted', streamId: 'ledger-pb-postpaid@2026-04' }),
        expectNewEvents('ledger-pb-postpaid@2026-03', []),
        expectNewEvents('ledger-pb-postpaid@2026-04', [
          { type: 'FundsDeposited', data: { paymentId: 'pb-p12', amount: '40', balanceAfter: '0' } },
          {
            type: 'BillPaymentApplied',
            data: { billId: 'pb-postpaid-2026-03', amount: '40', remaining: '0', fullyPaid: true },
          },
        ]),
      ));
});
