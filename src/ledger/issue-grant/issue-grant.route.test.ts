import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { grantIssued, opened } from '../../../test/support/given-accounts.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const promo = (grantId: string, extra: Record<string, unknown> = {}) => ({
  grantId,
  kind: 'promo',
  amount: '500',
  currency: 'RUB',
  expiresAt: '2026-06-01T00:00:00+03:00',
  ...extra,
});
const issue = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/grants`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('POST /v1/accounts/:id/grants', () => {
  it('issues a promo grant for all categories, expiring when asked', () =>
    spec
      .given(opened('ig-anna'))
      .when(issue('ig-anna', promo('ig-g1', { amount: '500.50', priority: 5 })))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-ig-anna@2026-03',
          eventTypes: ['GrantIssued'],
        }),
        expectNewEvents('ledger-ig-anna@2026-03', [
          {
            type: 'GrantIssued',
            data: {
              grantId: 'ig-g1',
              kind: 'promo',
              amount: '500.5',
              remaining: '500.5',
              issuedAt: NOW,
              expiresAt: '2026-05-31T21:00:00.000Z',
              categories: 'all',
              excludedCategories: [],
              priority: 5,
            },
          },
        ]),
      ));

  it('a start grant expires after 60 days and excludes GPU clusters, paid support and the marketplace', () =>
    spec
      .given(opened('ig-start'))
      .when(issue('ig-start', { grantId: 'ig-g2', kind: 'start', amount: '4000', currency: 'RUB' }))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-ig-start@2026-03', [
          {
            type: 'GrantIssued',
            data: {
              kind: 'start',
              issuedAt: NOW,
              expiresAt: '2026-05-09T09:00:00.000Z',
              categories: 'all',
              excludedCategories: ['gpu-cluster', 'paid-support', 'marketplace'],
              priority: 0,
            },
          },
        ]),
      ));

  it('a compensation for some categories, issued at an earlier time, lands in that time’s period', () =>
    spec
      .given(opened('ig-scoped'))
      .when(
        issue('ig-scoped', {
          ...promo('ig-g3'),
          kind: 'compensation',
          categories: ['storage'],
          issuedAt: '2026-03-02T12:00:00+03:00',
        }),
      )
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-ig-scoped@2026-03', [
          {
            type: 'GrantIssued',
            data: { kind: 'compensation', categories: ['storage'], issuedAt: '2026-03-02T12:00:00+03:00' },
          },
        ]),
      ));

  it('issuing the same grant id again stores nothing', () =>
    spec
      .given(opened('ig-again'), grantIssued('ig-again', promo('ig-g4')))
      .when(issue('ig-again', promo('ig-g4')))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('a retry with the same Idempotency-Key replays the first answer; another body under the key is refused', async () => {
    const api = await spec.api();
    await opened('ig-keyed')(api);
    const headers = { 'idempotency-key': 'ig-key-1' };
    const first = await api.call('POST', '/v1/accounts/ig-keyed/grants', promo('ig-g5'), { headers });
    expect(first.status).toBe(201);
    await spec
      .given()
      .when({ ...issue('ig-keyed', promo('ig-g5')), headers })
      .then(expectResponse(201, first.body), expectNoNewEvents());
    await spec
      .given()
      .when({ ...issue('ig-keyed', promo('ig-g5', { amount: '1' })), headers })
      .then(expectProblem(422, 'IDEMPOTENCY_KEY_REUSED'), expectNoNewEvents());
  });

  it.each([
    ['EXPIRY_REQUIRED', 'expiresAt', promo('ig-r1', { expiresAt: undefined })],
    [
      'GRANT_EXPIRY_NOT_AFTER_ISSUE',
      'expiresAt',
      promo('ig-r2', { issuedAt: '2026-03-05T00:00:00Z', expiresAt: '2026-03-05T00:00:00Z' }),
    ],
    ['WRONG_CURRENCY', 'currency', promo('ig-r3', { currency: 'USD' })],
  ])('%s: refused naming %s; nothing stored', (code, field, body) =>
    spec
      .given(opened(`ig-${code}`))
      .when(issue(`ig-${code}`, body))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it('a grant issued after now is refused naming issuedAt (the effective-time window); nothing stored', () =>
    spec
      .given(opened('ig-future'))
      .when(issue('ig-future', promo('ig-r4', { issuedAt: '2026-03-11T00:00:00Z' })))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'issuedAt'), expectNoNewEvents()));

  it.each([
    ['amount', 'ig-b1', promo('ig-b1', { amount: '0' })],
    ['amount', 'ig-b2', promo('ig-b2', { amount: '1.001' })],
    ['kind', 'ig-b3', promo('ig-b3', { kind: 'gift' })],
    ['currency', 'ig-b4', promo('ig-b4', { currency: 'EUR' })],
    ['expiresAt', 'ig-b5', promo('ig-b5', { expiresAt: '2026-06-01' })],
    ['priority', 'ig-b6', promo('ig-b6', { priority: 1.5 })],
    ['priority', 'ig-b7', promo('ig-b7', { priority: 5000 })],
    ['categories', 'ig-b8', promo('ig-b8', { categories: 'storage' })],
    ['grantId', 'ig-b9', promo('ig b9')],
  ])('400 naming %s for a malformed body (%s); nothing stored', (field, accountId, body) =>
    spec
      .given(opened(accountId))
      .when(issue(accountId, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(`ig-${role}`))
      .when(issue(`ig-${role}`, promo(`ig-${role}-g`), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(opened('ig-anonymous'))
      .when(issue('ig-anonymous', promo('ig-anonymous-g'), null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(issue('ig-nobody', promo('ig-g6')))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
