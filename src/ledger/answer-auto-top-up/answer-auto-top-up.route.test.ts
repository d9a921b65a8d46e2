import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, succeeded, toppedUp, used } from '../../../test/support/given-accounts.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

/** An account with 1 000 RUB, auto top-up at 100 for 500, and a charge of 950 that asked for it. */
const requested = (accountId: string) => [
  opened(accountId),
  toppedUp(accountId, `${accountId}-p1`, '1000'),
  succeeded('PUT', `/v1/accounts/${accountId}/auto-top-up`, {
    threshold: '100',
    amount: '500',
    currency: 'RUB',
    enabled: true,
  }),
  used(accountId, `${accountId}-u1`, '950', '2026-03-10T11:00:00+03:00'),
];
const answer = (requestId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/payment-gateway/auto-top-ups/${requestId}`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('POST /v1/payment-gateway/auto-top-ups/:requestId', () => {
  it('the charge that crossed the threshold asked for the top-up (the request this endpoint answers)', () =>
    spec
      .given(...requested('gw-asked').slice(0, 3))
      .when({
        method: 'POST',
        path: '/v1/accounts/gw-asked/usage',
        body: {
          usageRecordId: 'gw-asked-u1',
          sku: 'test.unit',
          quantity: '950',
          windowStart: '2026-03-10T11:00:00+03:00',
          windowEnd: '2026-03-10T11:00:00+03:00',
        },
      })
      .then(
        expectNewEvents('ledger-gw-asked@2026-03', [
          { type: 'ResourceConsumed', data: { balanceAfter: '50' } },
          {
            type: 'AutoTopUpRequested',
            data: { requestId: 'gw-asked-atu-1', amount: '500', currency: 'RUB', attempt: 1, balance: '50' },
          },
        ]),
      ));

  it('succeeded: a top-up on channel auto-top-up with the request id as its payment id', () =>
    spec
      .given(...requested('gw-ok'))
      .when(answer('gw-ok-atu-1', { status: 'succeeded' }))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['FundsDeposited'] }),
        expectNewEvents('ledger-gw-ok@2026-03', [
          {
            type: 'FundsDeposited',
            data: { paymentId: 'gw-ok-atu-1', amount: '500', channel: 'auto-top-up', balanceAfter: '550' },
          },
        ]),
      ));

  it('the same success again stores nothing', () =>
    spec
      .given(
        ...requested('gw-twice'),
        succeeded('POST', '/v1/payment-gateway/auto-top-ups/gw-twice-atu-1', {
          status: 'succeeded',
        }),
      )
      .when(answer('gw-twice-atu-1', { status: 'succeeded' }))
      .then(expectResponse(200, { status: 'duplicate' }), expectNoNewEvents()));

  it('failed: AutoTopUpFailed, nothing deposited, a retry planned by the profile', () =>
    spec
      .given(...requested('gw-no'))
      .when(answer('gw-no-atu-1', { status: 'failed', reason: 'insufficient funds' }))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['AutoTopUpFailed'] }),
        expectNewEvents('ledger-gw-no@2026-03', [
          {
            type: 'AutoTopUpFailed',
            data: {
              requestId: 'gw-no-atu-1',
              attempt: 1,
              reason: 'insufficient funds',
              retryAt: '2026-03-10T10:00:00.000Z',
            },
          },
        ]),
      ));

  it('a success after a refusal is refused (422); nothing stored', () =>
    spec
      .given(
        ...requested('gw-late'),
        succeeded('POST', '/v1/payment-gateway/auto-top-ups/gw-late-atu-1', { status: 'failed' }),
      )
      .when(answer('gw-late-atu-1', { status: 'succeeded' }))
      .then(expectProblem(422, 'AUTO_TOP_UP_ALREADY_FAILED'), expectNoNewEvents()));

  it('400 naming status for an unknown status; nothing stored', () =>
    spec
      .given(...requested('gw-bad'))
      .when(answer('gw-bad-atu-1', { status: 'maybe' }))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'status'), expectNoNewEvents()));

  it('404 for a request id that names no request; 422 for one not waiting; nothing stored', async () => {
    await spec
      .given()
      .when(answer('no-such-request', { status: 'succeeded' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given(opened('gw-idle'))
      .when(answer('gw-idle-atu-3', { status: 'failed' }))
      .then(expectProblem(422, 'AUTO_TOP_UP_NOT_PENDING', 'requestId'), expectNoNewEvents());
  });

  it('403 for the auditor role; nothing stored', () =>
    spec
      .given(...requested('gw-auditor'))
      .when(answer('gw-auditor-atu-1', { status: 'succeeded' }, 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()));
});
