import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  grantIssued,
  opened,
  openedInTheFuture,
  succeeded,
  trialIndividual,
  used,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const expire = (accountId: string, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/grants/expire`,
  ...(role === undefined ? {} : { role }),
});
/** A promo grant of 50 issued on 2 March that expired on 5 March (its own deadline has not fired). */
const expiredPromo = (accountId: string, grantId = `${accountId}-g1`) =>
  grantIssued(accountId, {
    grantId,
    kind: 'promo',
    amount: '50',
    issuedAt: '2026-03-02T12:00:00+03:00',
    expiresAt: '2026-03-05T12:00:00+03:00',
  });

describe('POST /v1/accounts/:id/grants/expire', () => {
  it('what is left of a grant past its expiry is lost', () =>
    spec
      .given(
        opened('eg-anna'),
        expiredPromo('eg-anna'),
        used('eg-anna', 'eg-anna-u1', '20', '2026-03-03T12:00:00+03:00'),
      )
      .when(expire('eg-anna'))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'ledger-eg-anna@2026-03',
          eventTypes: ['GrantExpired'],
        }),
        expectNewEvents('ledger-eg-anna@2026-03', [
          {
            type: 'GrantExpired',
            data: { grantId: 'eg-anna-g1', amountLost: '30', at: '2026-03-05T09:00:00.000Z' },
          },
        ]),
      ));

  it('a grant not yet expired is kept; nothing stored', () =>
    spec
      .given(
        opened('eg-valid'),
        grantIssued('eg-valid', {
          grantId: 'eg-valid-g1',
          kind: 'promo',
          amount: '50',
          expiresAt: '2026-04-01T00:00:00Z',
        }),
      )
      .when(expire('eg-valid'))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('expiring again stores nothing', () =>
    spec
      .given(
        opened('eg-again'),
        expiredPromo('eg-again'),
        succeeded('POST', '/v1/accounts/eg-again/grants/expire'),
      )
      .when(expire('eg-again'))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('the ops role may expire grants too', () =>
    spec
      .given(opened('eg-ops'), expiredPromo('eg-ops'))
      .when(expire('eg-ops', 'ops'))
      .then(
        expectResponse(200, { status: 'accepted' }),
        expectNewEvents('ledger-eg-ops@2026-03', [{ type: 'GrantExpired', data: { amountLost: '50' } }]),
      ));

  it('a trial whose start grant has expired ends: the account is suspended in the same decision', () =>
    spec
      .given(opened(trialIndividual('eg-trial')), expiredPromo('eg-trial'))
      .when(expire('eg-trial'))
      .then(
        expectResponse(200, { eventTypes: ['GrantExpired', 'AccountSuspended'] }),
        expectNewEvents('ledger-eg-trial@2026-03', [
          { type: 'GrantExpired', data: { grantId: 'eg-trial-g1' } },
          {
            type: 'AccountSuspended',
            data: { at: NOW, reason: 'trial-ended', debt: '0', deleteAt: '2026-05-09T09:00:00.000Z' },
          },
        ]),
      ));

  it('a retry with the same Idempotency-Key replays the first answer', async () => {
    const api = await spec.api();
    await opened('eg-keyed')(api);
    await expiredPromo('eg-keyed')(api);
    const headers = { 'idempotency-key': 'eg-key-1' };
    const first = await api.call('POST', '/v1/accounts/eg-keyed/grants/expire', undefined, { headers });
    expect(first.body).toMatchObject({ status: 'accepted' });
    await spec
      .given()
      .when({ ...expire('eg-keyed'), headers })
      .then(expectResponse(200, first.body), expectNoNewEvents());
  });

  it('BEFORE_ACCOUNT_OPENED: an account opened with a future date has no period now; nothing stored', () =>
    spec
      .given(openedInTheFuture({ ...individual('eg-future'), openedAt: '2026-04-05T09:00:00+03:00' }))
      .when(expire('eg-future'))
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(expire('eg%2Fslash'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('403 for the auditor role; nothing stored', () =>
    spec
      .given(opened('eg-auditor'), expiredPromo('eg-auditor'))
      .when(expire('eg-auditor', 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()));

  it('401 without a key; nothing stored', () =>
    spec
      .given(opened('eg-anonymous'), expiredPromo('eg-anonymous'))
      .when(expire('eg-anonymous', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec.given().when(expire('eg-nobody')).then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
