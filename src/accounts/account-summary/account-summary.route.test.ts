import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  billedMidPeriod,
  midPeriodBillId,
  opened,
  succeeded,
  suspendableLegal,
  toppedUp,
  used,
} from '../../../test/support/given-accounts.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const summary = (
  accountId: string,
  query: { asOf?: string; basis?: string } = {},
  role?: null | 'service' | 'ops' | 'auditor',
) => {
  const params = new URLSearchParams(query as Record<string, string>).toString();
  return {
    method: 'GET' as const,
    path: `/v1/accounts/${accountId}${params ? `?${params}` : ''}`,
    ...(role === undefined ? {} : { role }),
  };
};

/** Topped up 100 on 5 March (recorded on the 10th), then 30 units used on 8 March. */
const withHistory = (accountId: string) => [
  opened(accountId),
  toppedUp(accountId, `${accountId}-p1`, '100', { paidAt: '2026-03-05T12:00:00+03:00' }),
  used(accountId, `${accountId}-u1`, '30', '2026-03-08T12:00:00+03:00'),
];

describe('GET /v1/accounts/:id: the second provider’s status beside the engine’s (rules §7)', () => {
  it('an individual topped up and using: ACTIVE, paying by card', () =>
    spec
      .given(...withHistory('as-ps-anna'))
      .when(summary('as-ps-anna'))
      .then(
        expectResponse(200, {
          status: { value: 'active' },
          providerStatus: 'ACTIVE',
          paymentMethod: 'card',
        }),
      ));

  it('a legal entity with nothing paid yet: PAYMENT_NOT_CONFIRMED by bank transfer, PAY_OR_BIND by card', async () => {
    await spec
      .given(opened(suspendableLegal('as-ps-new')))
      .when(summary('as-ps-new'))
      .then(
        expectResponse(200, {
          status: { value: 'active' },
          providerStatus: 'PAYMENT_NOT_CONFIRMED',
          paymentMethod: 'bank-transfer',
        }),
      );
    await spec
      .given(succeeded('PUT', '/v1/accounts/as-ps-new/payment-method', { paymentMethod: 'card' }))
      .when(summary('as-ps-new'))
      .then(expectResponse(200, { providerStatus: 'PAY_OR_BIND', paymentMethod: 'card' }));
  });

  it('as of an earlier time too: FIRST_PAYMENT_REQUIRED once the funds ran out, never paid', () =>
    spec
      .given(
        opened(suspendableLegal('as-ps-owing')),
        used('as-ps-owing', 'as-ps-owing-u1', '5', '2026-03-09T12:00:00+03:00'),
      )
      .when(summary('as-ps-owing', { asOf: '2026-03-09T10:00:00Z' }))
      .then(
        expectResponse(200, {
          status: { value: 'payment-required' },
          providerStatus: 'FIRST_PAYMENT_REQUIRED',
        }),
      ));
});

describe('GET /v1/accounts/:id', () => {
  it('status and why, balance, credit, debt, bills and what happens next — and a read stores nothing', () =>
    spec
      .given(...withHistory('as-anna'))
      .when(summary('as-anna'))
      .then(
        expectResponse(200, {
          accountId: 'as-anna',
          asOf: '2026-03-10T09:00:00.000Z',
          basis: 'effective',
          currency: 'RUB',
          payerType: 'individual',
          profile: { id: 'vk-individual-prepaid', version: 1 },
          period: { id: '2026-03', startsAt: '2026-02-28T21:00:00.000Z', endsAt: '2026-03-31T21:00:00.000Z' },
          status: { value: 'active', reason: null, why: null },
          balance: '70',
          creditLimit: '0',
          availableFunds: '70',
          debt: '0',
          grants: [],
          openBills: [],
          outstandingBills: '0',
          nextDeadlines: [{ kind: 'period-close', dueAt: '2026-03-31T21:00:00.000Z', periodId: '2026-03' }],
        }),
        expectNoNewEvents(),
      ));

  it('a frozen account: why, and when its frozen objects are queued for deletion', () =>
    spec
      .given(opened('as-frozen'), used('as-frozen', 'as-frozen-u1', '5', '2026-03-09T12:00:00+03:00'))
      .when(summary('as-frozen'))
      .then(
        expectResponse(200, {
          status: { value: 'frozen', since: '2026-03-09T09:00:00.000Z', reason: 'balance-below-zero' },
          balance: '-5',
          debt: '5',
          nextDeadlines: [
            { kind: 'delete-frozen-objects', dueAt: '2026-03-12T09:00:00.000Z' },
            { kind: 'period-close', dueAt: '2026-03-31T21:00:00.000Z' },
          ],
        }),
        expectNoNewEvents(),
      ));

  it('an open mid-period bill: debt, outstanding bills and the due date among the next deadlines', () =>
    spec
      .given(...billedMidPeriod('as-romashka'))
      .when(summary('as-romashka'))
      .then(
        expectResponse(200, {
          payerType: 'legal-entity',
          balance: '-150',
          creditLimit: '100',
          availableFunds: '-50',
          debt: '150',
          openBills: [
            {
              billId: midPeriodBillId('as-romashka'),
              kind: 'mid-period',
              amount: '150',
              paid: '0',
              dueDate: '2026-03-12',
            },
          ],
          outstandingBills: '150',
          nextDeadlines: [
            {
              kind: 'bill-due',
              dueDate: '2026-03-12',
              billId: midPeriodBillId('as-romashka'),
              unpaid: '150',
            },
            { kind: 'period-close', dueAt: '2026-03-31T21:00:00.000Z' },
          ],
        }),
        expectNoNewEvents(),
      ));

  it('as of a past time by effective time: only what had taken effect by then', () =>
    spec
      .given(...withHistory('as-effective'))
      .when(summary('as-effective', { asOf: '2026-03-06T00:00:00+03:00' }))
      .then(
        expectResponse(200, { asOf: '2026-03-05T21:00:00.000Z', basis: 'effective', balance: '100' }),
        expectNoNewEvents(),
      ));

  it('as it was recorded then (basis=recorded): the back-dated top-up was not known yet', () =>
    spec
      .given(...withHistory('as-recorded'))
      .when(summary('as-recorded', { asOf: '2026-03-06T00:00:00+03:00', basis: 'recorded' }))
      .then(expectResponse(200, { basis: 'recorded', balance: '0' }), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('the %s role may read too', (role) =>
    spec
      .given(opened(`as-${role}`))
      .when(summary(`as-${role}`, {}, role))
      .then(expectResponse(200, { accountId: `as-${role}` }), expectNoNewEvents()),
  );

  it('401 without a key', () =>
    spec
      .given(opened('as-anonymous'))
      .when(summary('as-anonymous', {}, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('BEFORE_ACCOUNT_OPENED: asOf before the account was opened is refused, naming asOf', () =>
    spec
      .given(opened('as-early'))
      .when(summary('as-early', { asOf: '2026-02-20T00:00:00+03:00' }))
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED', 'asOf'), expectNoNewEvents()));

  it.each([
    ['asOf', 'as-b1', { asOf: '2026-03-06' }],
    ['asOf', 'as-b2', { asOf: '2026-02-30T00:00:00Z' }],
    ['asOf', 'as-b3', { asOf: 'yesterday' }],
    ['basis', 'as-b4', { basis: 'booked' }],
  ])('400 naming %s (%s: %o); nothing stored', (field, accountId, query) =>
    spec
      .given(opened(accountId))
      .when(summary(accountId, query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(summary('.hidden'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec.given().when(summary('as-nobody')).then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});

// Last: moves the file's clock past the month end (every account's March closes on the way).
describe('after the month end', () => {
  beforeAll(async () => {
    const api = await spec.api();
    for (const step of withHistory('as-later')) await step(api);
    await api.advanceTo('2026-04-02T09:00:00.000Z');
  });

  it('now: the new period, opened with what March carried over', () =>
    spec
      .given()
      .when(summary('as-later'))
      .then(
        expectResponse(200, {
          asOf: '2026-04-02T09:00:00.000Z',
          period: { id: '2026-04' },
          balance: '70',
          nextDeadlines: [{ kind: 'period-close', periodId: '2026-04' }],
        }),
        expectNoNewEvents(),
      ));

  it('as of a time in the closed period: that period as it stood then', () =>
    spec
      .given()
      .when(summary('as-later', { asOf: '2026-03-07T00:00:00+03:00' }))
      .then(expectResponse(200, { period: { id: '2026-03' }, balance: '100' }), expectNoNewEvents()));
});
