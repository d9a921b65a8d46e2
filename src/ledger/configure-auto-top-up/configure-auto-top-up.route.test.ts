import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, succeeded, suspendableLegal } from '../../../test/support/given-accounts.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const configure = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/auto-top-up`,
  body: { threshold: '100', amount: '500', currency: 'RUB', enabled: true, ...body },
  ...(role === undefined ? {} : { role }),
});
const configured = (accountId: string, body: Record<string, unknown> = {}) =>
  succeeded('PUT', `/v1/accounts/${accountId}/auto-top-up`, {
    threshold: '100',
    amount: '500',
    currency: 'RUB',
    enabled: true,
    ...body,
  });

describe('PUT /v1/accounts/:id/auto-top-up', () => {
  it('stores the settings as an event in the open period', () =>
    spec
      .given(opened('atu-anna'))
      .when(configure('atu-anna', { threshold: '250.50', amount: '1000' }))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['AutoTopUpConfigured'] }),
        expectNewEvents('ledger-atu-anna@2026-03', [
          {
            type: 'AutoTopUpConfigured',
            data: { enabled: true, threshold: '250.5', amount: '1000', currency: 'RUB', at: NOW },
          },
        ]),
      ));

  it('disables it', () =>
    spec
      .given(opened('atu-off'), configured('atu-off'))
      .when(configure('atu-off', { enabled: false }))
      .then(
        expectResponse(200, { status: 'accepted' }),
        expectNewEvents('ledger-atu-off@2026-03', [
          { type: 'AutoTopUpConfigured', data: { enabled: false } },
        ]),
      ));

  it('the same settings again store nothing', () =>
    spec
      .given(opened('atu-again'), configured('atu-again'))
      .when(configure('atu-again', { threshold: '100.00' }))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it.each([
    ['atu-b1', { amount: '99.99' }, 'AMOUNT_OUT_OF_RANGE', 'amount'],
    ['atu-b2', { amount: '10000.01' }, 'AMOUNT_OUT_OF_RANGE', 'amount'],
    ['atu-b3', { threshold: '10000000' }, 'THRESHOLD_OUT_OF_RANGE', 'threshold'],
    ['atu-b4', { threshold: '-1' }, 'VALIDATION_FAILED', 'threshold'],
    ['atu-b5', { currency: 'EUR' }, 'VALIDATION_FAILED', 'currency'],
    ['atu-b6', { amount: 500 }, 'VALIDATION_FAILED', 'amount'],
    ['atu-b7', { enabled: 'yes' }, 'VALIDATION_FAILED', 'enabled'],
  ])('400 naming the field (%s: %o); nothing stored', (accountId, body, code, field) =>
    spec
      .given(opened(accountId))
      .when(configure(accountId, body))
      .then(expectProblem(400, code, field), expectNoNewEvents()),
  );

  it('422 WRONG_CURRENCY for another currency than the account’s; nothing stored', () =>
    spec
      .given(opened('atu-kzt'))
      .when(configure('atu-kzt', { currency: 'KZT', amount: '1000' }))
      .then(expectProblem(422, 'WRONG_CURRENCY', 'currency'), expectNoNewEvents()));

  it('422 AUTO_TOP_UP_NOT_AVAILABLE on a profile that does not offer it; nothing stored', () =>
    spec
      .given(opened(suspendableLegal('atu-yc')))
      .when(configure('atu-yc', {}))
      .then(expectProblem(422, 'AUTO_TOP_UP_NOT_AVAILABLE', 'enabled'), expectNoNewEvents()));

  it('403 for the auditor role; 404 for an unknown account; nothing stored', async () => {
    await spec
      .given(opened('atu-auditor'))
      .when(configure('atu-auditor', {}, 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given()
      .when(configure('atu-nobody', {}))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
  });
});
