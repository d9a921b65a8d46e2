import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { creditLimitSet, opened, suspendableLegal } from '../../../test/support/given-accounts.js';
import { creditLegal } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const setLimit = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/credit-limit`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('PUT /v1/accounts/:id/credit-limit', () => {
  it('sets how far below zero a credit-limit account may spend', () =>
    spec
      .given(opened(creditLegal('cl-romashka')))
      .when(setLimit('cl-romashka', { creditLimit: '100000.50' }))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'ledger-cl-romashka@2026-03',
          eventTypes: ['CreditLimitSet'],
        }),
        expectNewEvents('ledger-cl-romashka@2026-03', [
          { type: 'CreditLimitSet', data: { creditLimit: '100000.5', at: NOW } },
        ]),
      ));

  it('0 removes the credit', () =>
    spec
      .given(opened(creditLegal('cl-remove')), creditLimitSet('cl-remove', '500'))
      .when(setLimit('cl-remove', { creditLimit: '0' }))
      .then(
        expectResponse(200, { status: 'accepted' }),
        expectNewEvents('ledger-cl-remove@2026-03', [{ type: 'CreditLimitSet', data: { creditLimit: '0' } }]),
      ));

  it('the same limit again stores nothing (a PUT is idempotent)', () =>
    spec
      .given(opened(creditLegal('cl-again')), creditLimitSet('cl-again', '500'))
      .when(setLimit('cl-again', { creditLimit: '500.00' }))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it.each([
    ['an individual', 'cl-anna', 'cl-anna'],
    ['a prepaid legal entity', 'cl-prepaid', suspendableLegal('cl-prepaid')],
  ])('CREDIT_LIMIT_NOT_ALLOWED for %s, naming creditLimit; nothing stored', (_name, accountId, account) =>
    spec
      .given(opened(account))
      .when(setLimit(accountId, { creditLimit: '1000' }))
      .then(expectProblem(422, 'CREDIT_LIMIT_NOT_ALLOWED', 'creditLimit'), expectNoNewEvents()),
  );

  it.each([
    ['cl-b1', { creditLimit: '-100' }],
    ['cl-b2', { creditLimit: 100 }],
    ['cl-b3', { creditLimit: '10.001' }],
    ['cl-b4', {}],
  ])('400 naming creditLimit for a malformed body (%s: %o); nothing stored', (accountId, body) =>
    spec
      .given(opened(creditLegal(accountId)))
      .when(setLimit(accountId, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'creditLimit'), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(creditLegal(`cl-${role}`)))
      .when(setLimit(`cl-${role}`, { creditLimit: '1000' }, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(opened(creditLegal('cl-anonymous')))
      .when(setLimit('cl-anonymous', { creditLimit: '1000' }, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(setLimit('cl-nobody', { creditLimit: '1000' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
