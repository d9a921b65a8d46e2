import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, succeeded, suspendableLegal, toppedUp } from '../../../test/support/given-accounts.js';
import { usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NOW = '2026-03-10T09:00:00.000Z';
const change = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/payment-method`,
  body,
  ...(role === undefined ? {} : { role }),
});
const use = (accountId: string, id: string, quantity: string) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/usage`,
  body: usage(id, 'test.unit', quantity),
});

describe('PUT /v1/accounts/:id/payment-method', () => {
  it('a legal entity pays by bank transfer by default; it changes to card with PaymentMethodChanged', () =>
    spec
      .given(opened(suspendableLegal('pm-card')))
      .when(change('pm-card', { paymentMethod: 'card' }))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'account-pm-card',
          eventTypes: ['PaymentMethodChanged'],
        }),
        expectNewEvents('account-pm-card', [
          {
            type: 'PaymentMethodChanged',
            data: { accountId: 'pm-card', at: NOW, paymentMethod: 'card' },
          },
        ]),
      ));

  it('the method it already has changes nothing', () =>
    spec
      .given(opened(suspendableLegal('pm-same')))
      .when(change('pm-same', { paymentMethod: 'bank-transfer' }))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('a bank-transfer payer gets a mid-period bill when debt arises (seed 004)', () =>
    spec
      .given(opened(suspendableLegal('pm-debt')), toppedUp('pm-debt', 'pm-debt-p1', '50'))
      .when(use('pm-debt', 'pm-debt-u1', '80'))
      .then(
        expectResponse(201),
        expectNewEvents('ledger-pm-debt@2026-03', [
          { type: 'ResourceConsumed' },
          { type: 'PaymentRequired' },
          { type: 'BillIssued', data: { kind: 'mid-period', amount: '30', reason: 'debt' } },
        ]),
      ));

  it('after the change to card the same debt raises no bill', () =>
    spec
      .given(
        opened(suspendableLegal('pm-nodebt')),
        succeeded('PUT', '/v1/accounts/pm-nodebt/payment-method', { paymentMethod: 'card' }),
        toppedUp('pm-nodebt', 'pm-nodebt-p1', '50'),
      )
      .when(use('pm-nodebt', 'pm-nodebt-u1', '80'))
      .then(expectResponse(201), (result) =>
        expect(
          result.newEvents.filter((e) => e.streamId === 'ledger-pm-nodebt@2026-03').map((e) => e.type),
        ).toEqual(['ResourceConsumed', 'PaymentRequired']),
      ));

  it('400 naming paymentMethod for an unknown method; nothing stored', () =>
    spec
      .given(opened(suspendableLegal('pm-bad')))
      .when(change('pm-bad', { paymentMethod: 'cash' }))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'paymentMethod'), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(suspendableLegal(`pm-${role}`)))
      .when(change(`pm-${role}`, { paymentMethod: 'card' }, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(change('pm-nobody', { paymentMethod: 'card' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
