import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, settle, succeeded, toppedUp } from '../../../test/support/given-accounts.js';

const NOW = '2026-03-10T09:00:00.000Z';
// The service's own gateway (no adapter configured) answers `pending`: the answer comes through the callback.
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

/** Card 100 and bank transfer 50 paid; a refund of 120 asked (card 100, bank transfer 20), pending. */
const refundPending = (accountId: string) => [
  opened(accountId),
  toppedUp(accountId, `${accountId}-p1`, '100', { channel: 'card' }),
  toppedUp(accountId, `${accountId}-p2`, '50'),
  succeeded(
    'POST',
    `/v1/accounts/${accountId}/refunds`,
    { refundId: 'rf-1', amount: '120', reason: 'customer request' },
    'ops',
  ),
  settle,
];
const answer = (refundId: string, body: Record<string, unknown>, role?: 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/payment-gateway/refunds/${refundId}`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('POST /v1/payment-gateway/refunds/:refundId', () => {
  it('the gateway answered pending: nothing booked until the callback; succeeded completes every pending part', async () => {
    await spec
      .given(...refundPending('cb-ok'))
      .when({ method: 'GET', path: '/v1/accounts/cb-ok/refunds', role: 'auditor' })
      .then(
        expectResponse(200, {
          refunds: [
            {
              refundId: 'rf-1',
              status: 'requested',
              parts: [
                { paymentId: 'cb-ok-p1', channel: 'card', amount: '100', outcome: 'pending' },
                { paymentId: 'cb-ok-p2', channel: 'bank-transfer', amount: '20', outcome: 'pending' },
              ],
            },
          ],
        }),
      );
    await spec
      .given()
      .when(answer('rf-1', { accountId: 'cb-ok', status: 'succeeded', gatewayReference: 'gw-77' }))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['RefundCompleted'] }),
        expectNewEvents('ledger-cb-ok@2026-03', [
          { type: 'RefundCompleted', data: { refundId: 'rf-1', gatewayReference: 'gw-77' } },
        ]),
      );
  });

  it('the same answer again stores nothing; the opposite answer is refused (422)', async () => {
    await spec
      .given(
        ...refundPending('cb-twice'),
        succeeded('POST', '/v1/payment-gateway/refunds/rf-1', { accountId: 'cb-twice', status: 'succeeded' }),
      )
      .when(answer('rf-1', { accountId: 'cb-twice', status: 'succeeded' }))
      .then(expectResponse(200, { status: 'duplicate' }), expectNoNewEvents());
    await spec
      .given()
      .when(answer('rf-1', { accountId: 'cb-twice', status: 'failed', reason: 'late' }))
      .then(expectProblem(422, 'REFUND_ALREADY_SETTLED'), expectNoNewEvents());
  });

  it('failed for one part: that money is back on the balance; the other part completes later', async () => {
    await spec
      .given(...refundPending('cb-part'))
      .when(
        answer('rf-1', {
          accountId: 'cb-part',
          paymentId: 'cb-part-p1',
          status: 'failed',
          reason: 'card closed',
        }),
      )
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['RefundFailed'] }),
        expectNewEvents('ledger-cb-part@2026-03', [
          {
            type: 'RefundFailed',
            data: {
              refundId: 'rf-1',
              paymentId: 'cb-part-p1',
              reason: 'card closed',
              amount: '100',
              balanceAfter: '130',
            },
          },
        ]),
      );
    await spec
      .given()
      .when(answer('rf-1', { accountId: 'cb-part', status: 'succeeded' }))
      .then(
        expectNewEvents('ledger-cb-part@2026-03', [{ type: 'RefundCompleted', data: { refundId: 'rf-1' } }]),
      );
    await spec
      .given(settle)
      .when({ method: 'GET', path: '/v1/accounts/cb-part/refunds', role: 'auditor' })
      .then(
        expectResponse(200, {
          refunds: [
            {
              refundId: 'rf-1',
              status: 'partly-completed',
              parts: [
                { paymentId: 'cb-part-p1', outcome: 'failed', failureReason: 'card closed' },
                { paymentId: 'cb-part-p2', outcome: 'completed' },
              ],
            },
          ],
        }),
      );
  });

  it('422 for a refund the account never asked for, or a payment it does not return', async () => {
    await spec
      .given(...refundPending('cb-unknown'))
      .when(answer('rf-9', { accountId: 'cb-unknown', status: 'succeeded' }))
      .then(expectProblem(422, 'REFUND_NOT_FOUND', 'refundId'), expectNoNewEvents());
    await spec
      .given()
      .when(answer('rf-1', { accountId: 'cb-unknown', paymentId: 'other', status: 'succeeded' }))
      .then(expectProblem(422, 'REFUND_PART_NOT_FOUND', 'paymentId'), expectNoNewEvents());
  });

  it('400 naming the field (status, accountId); 403 for a read key; nothing stored', async () => {
    await spec
      .given(...refundPending('cb-bad'))
      .when(answer('rf-1', { accountId: 'cb-bad', status: 'maybe' }))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'status'), expectNoNewEvents());
    await spec
      .given()
      .when(answer('rf-1', { status: 'succeeded' }))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents());
    await spec
      .given()
      .when(answer('rf-1', { accountId: 'cb-bad', status: 'succeeded' }, 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
  });
});
