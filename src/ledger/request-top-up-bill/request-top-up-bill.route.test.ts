import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import {
  opened,
  publicOfferLegal,
  settle,
  settled,
  succeeded,
  suspendableLegal,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const requestBill = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/bills`,
  body,
  ...(role === undefined ? {} : { role }),
});
const bill = (billId: string, amount = '5000', currency = 'RUB') => ({ billId, amount, currency });
/** A bill asked for, and its document issued (so that work stays out of the next request's events). */
const requested = (accountId: string, billId: string, amount = '5000') => [
  succeeded('POST', `/v1/accounts/${accountId}/bills`, bill(billId, amount)),
  settled,
];

/** The document issuer has numbered the bill: it is the account's one document, with the full requisites. */
const expectBillDocument =
  (accountId: string, expected: Record<string, unknown>): Expectation =>
  async (_result, api) => {
    await settle(api);
    const list = await api.call('GET', `/v1/accounts/${accountId}/documents`, undefined, { role: 'auditor' });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ kind: 'bill', date: '2026-03-10' })]);
    const [entry] = list.body as Array<{ number: string }>;
    const document = await api.call(
      'GET',
      `/v1/accounts/${accountId}/documents/${entry!.number}`,
      undefined,
      { role: 'auditor' },
    );
    expect(document.body).toMatchObject(expected);
  };

describe('POST /v1/accounts/:id/bills (a bill for a top-up amount)', () => {
  it('issues the bill: numbered, dated today, the issuer’s and payer’s requisites, a purpose naming the account', () =>
    spec
      .given(opened(suspendableLegal('tb-romashka')))
      .when(requestBill('tb-romashka', bill('tb-romashka-1', '12000.50')))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-tb-romashka@2026-03',
          eventTypes: ['TopUpBillIssued'],
        }),
        expectNewEvents('ledger-tb-romashka@2026-03', [
          {
            type: 'TopUpBillIssued',
            data: {
              billId: 'tb-romashka-1',
              amount: '12000.5',
              issuedOn: '2026-03-10',
              dueDate: '2026-03-24',
              at: NOW,
            },
          },
        ]),
        expectBillDocument('tb-romashka', {
          kind: 'bill',
          billKind: 'top-up',
          number: expect.stringMatching(/^RU-MOSCOW-LLC-BILL-2026-\d{6}$/),
          documentId: 'tb-romashka/2026-03/bill/tb-romashka-1',
          date: '2026-03-10',
          dueDate: '2026-03-24',
          toPay: '12000.50',
          issuer: expect.objectContaining({ taxId: expect.any(String), bank: expect.any(Object) }),
          payer: expect.objectContaining({ taxId: '7707083893', kpp: '773601001' }),
          paymentPurpose: expect.stringContaining('лицевого счёта № tb-romashka'),
        }),
      ));

  it('paying it by bank transfer credits the balance and marks the bill paid', () =>
    spec
      .given(opened(suspendableLegal('tb-pay')), ...requested('tb-pay', 'tb-pay-1'))
      .when({
        method: 'POST',
        path: '/v1/accounts/tb-pay/bills/tb-pay-1/payments',
        body: { paymentId: 'tb-pay-p1', amount: '5000', currency: 'RUB', channel: 'bank-transfer' },
      })
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['FundsDeposited', 'TopUpBillPaid'] }),
        expectNewEvents('ledger-tb-pay@2026-03', [
          {
            type: 'FundsDeposited',
            data: { amount: '5000', channel: 'bank-transfer', balanceAfter: '5000' },
          },
          { type: 'TopUpBillPaid', data: { billId: 'tb-pay-1', amount: '5000', fullyPaid: true } },
        ]),
        async (_result, api) => {
          const summary = await api.call('GET', '/v1/accounts/tb-pay', undefined, { role: 'auditor' });
          expect(summary.body).toMatchObject({ balance: '5000', topUpBillsUnpaid: [] });
        },
      ));

  it('the same bill id and amount again is a retry: duplicate, nothing stored', () =>
    spec
      .given(opened(suspendableLegal('tb-again')), ...requested('tb-again', 'tb-again-1'))
      .when(requestBill('tb-again', bill('tb-again-1', '5000.00')))
      .then(
        expectResponse(201, { status: 'duplicate', eventTypes: [] }),
        expectNoNewEvents(),
        async (_result, api) => {
          // Awaited, not owed: the summary lists it apart from the bills that ask for a debt.
          const summary = await api.call('GET', '/v1/accounts/tb-again', undefined, { role: 'auditor' });
          expect(summary.body).toMatchObject({
            outstandingBills: '0',
            openBills: [],
            topUpBillsUnpaid: [{ billId: 'tb-again-1', amount: '5000', paid: '0', dueDate: '2026-03-24' }],
          });
        },
      ));

  it('the same bill id with another amount: 422 BILL_ID_REUSED naming billId; nothing stored', () =>
    spec
      .given(opened(suspendableLegal('tb-reused')), ...requested('tb-reused', 'tb-reused-1'))
      .when(requestBill('tb-reused', bill('tb-reused-1', '7000')))
      .then(expectProblem(422, 'BILL_ID_REUSED', 'billId'), expectNoNewEvents()));

  it.each([
    ['an individual', 'tb-anna', individual('tb-anna'), 'TOP_UP_BILL_NOT_FOR_INDIVIDUALS', 'amount'],
    ['below the minimum top-up', 'tb-small', publicOfferLegal('tb-small'), 'TOP_UP_BELOW_MINIMUM', 'amount'],
  ])('422 for %s; nothing stored', (_what, accountId, account, code, field) =>
    spec
      .given(opened(account))
      .when(requestBill(accountId, bill(`${accountId}-1`, code === 'TOP_UP_BELOW_MINIMUM' ? '5' : '5000')))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it('422 WRONG_CURRENCY naming currency; nothing stored', () =>
    spec
      .given(opened(suspendableLegal('tb-kzt')))
      .when(requestBill('tb-kzt', bill('tb-kzt-1', '5000', 'KZT')))
      .then(expectProblem(422, 'WRONG_CURRENCY', 'currency'), expectNoNewEvents()));

  it.each([
    ['amount', { billId: 'b-1', amount: '0', currency: 'RUB' }],
    ['amount', { billId: 'b-1', amount: '10.001', currency: 'RUB' }],
    ['amount', { billId: 'b-1', amount: 5000, currency: 'RUB' }],
    ['billId', { amount: '5000', currency: 'RUB' }],
    ['billId', { billId: '../x', amount: '5000', currency: 'RUB' }],
    ['currency', { billId: 'b-1', amount: '5000', currency: 'EUR' }],
  ])('400 naming %s for a malformed body; nothing stored', (field, body) =>
    spec
      .given(opened(suspendableLegal(`tb-bad-${field}-${JSON.stringify(body).length}`)))
      .when(requestBill(`tb-bad-${field}-${JSON.stringify(body).length}`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(suspendableLegal(`tb-${role}`)))
      .when(requestBill(`tb-${role}`, bill(`tb-${role}-1`), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(requestBill('tb-nobody', bill('tb-nobody-1')))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
