import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { grantIssued, opened, settle, toppedUp, used } from '../../../test/support/given-accounts.js';
import { InProcessPaymentGateway } from '../payment-gateway/in-process-payment-gateway.js';

const NOW = '2026-03-10T09:00:00.000Z';
const gateway = new InProcessPaymentGateway();
const spec = apiSpecification({ now: NOW, paymentGateway: gateway });
afterAll(() => spec.close());

/** Card 100, then bank transfer 200; 30 used (from the card money). */
const paid = (accountId: string) => [
  opened(accountId),
  toppedUp(accountId, `${accountId}-p1`, '100', { channel: 'card' }),
  toppedUp(accountId, `${accountId}-p2`, '200'),
  used(accountId, `${accountId}-u1`, '30', '2026-03-10T11:00:00+03:00'),
];
const refund = (
  accountId: string,
  body: Record<string, unknown>,
  role: 'ops' | 'service' | 'auditor' = 'ops',
) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/refunds`,
  body,
  role,
});
const list = (accountId: string) => ({
  method: 'GET' as const,
  path: `/v1/accounts/${accountId}/refunds`,
  role: 'auditor' as const,
});

describe('POST /v1/accounts/:accountId/refunds', () => {
  it('201: the oldest unspent payments first, off the balance at once; the gateway pays each part back', async () => {
    gateway.answerRefundsWith('succeeded');
    await spec
      .given(...paid('rf-fifo'))
      .when(refund('rf-fifo', { refundId: 'rf-1', amount: '150.00', reason: 'customer request' }))
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['RefundRequested'] }),
        expectNewEvents('ledger-rf-fifo@2026-03', [
          {
            type: 'RefundRequested',
            data: {
              refundId: 'rf-1',
              amount: '150',
              currency: 'RUB',
              parts: [
                { paymentId: 'rf-fifo-p1', channel: 'card', amount: '70' },
                { paymentId: 'rf-fifo-p2', channel: 'bank-transfer', amount: '80' },
              ],
              reason: 'customer request',
              by: 'ops:test-ops',
              balanceAfter: '120',
            },
          },
        ]),
      );
    const api = await spec.api();
    await settle(api);
    const stored = (await api.store.readStream('ledger-rf-fifo@2026-03')).map((e) => [e.type, e.data]);
    expect(stored.slice(-2)).toEqual([
      ['RefundCompleted', expect.objectContaining({ refundId: 'rf-1', paymentId: 'rf-fifo-p1' })],
      ['RefundCompleted', expect.objectContaining({ refundId: 'rf-1', paymentId: 'rf-fifo-p2' })],
    ]);
    expect(
      gateway.refundCalls.filter((c) => c.accountId === 'rf-fifo').map((c) => [c.channel, c.amount]),
    ).toEqual([
      ['card', '70'],
      ['bank-transfer', '80'],
    ]);
    // The list (the credit notes' data) and the summary's refundable amount, from the read models.
    await spec
      .given()
      .when(list('rf-fifo'))
      .then(
        expectResponse(200, {
          accountId: 'rf-fifo',
          refunds: [
            {
              refundId: 'rf-1',
              amount: '150',
              currency: 'RUB',
              status: 'completed',
              reason: 'customer request',
              requestedBy: 'ops:test-ops',
              parts: [
                { paymentId: 'rf-fifo-p1', channel: 'card', amount: '70', outcome: 'completed' },
                { paymentId: 'rf-fifo-p2', channel: 'bank-transfer', amount: '80', outcome: 'completed' },
              ],
            },
          ],
        }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/rf-fifo', role: 'auditor' })
      .then(expectResponse(200, { balance: '120', refundable: '120' }));
  });

  it('"all" refunds every unspent payment, never the grant; the gateway refusing puts it back', async () => {
    gateway.answerRefundsWith('failed');
    await spec
      .given(
        ...paid('rf-all'),
        grantIssued('rf-all', {
          grantId: 'rf-all-g',
          kind: 'promo',
          amount: '500',
          expiresAt: '2026-06-01T00:00:00Z',
        }),
      )
      .when(refund('rf-all', { refundId: 'rf-all-1', amount: 'all', reason: 'closing the account' }))
      .then(
        expectResponse(201),
        expectNewEvents('ledger-rf-all@2026-03', [
          { type: 'RefundRequested', data: { amount: '270', balanceAfter: '0' } },
        ]),
      );
    const api = await spec.api();
    await settle(api);
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/rf-all', role: 'auditor' })
      .then(expectResponse(200, { balance: '270', refundable: '270' }));
    await spec
      .given()
      .when(list('rf-all'))
      .then(expectResponse(200, { refunds: [{ refundId: 'rf-all-1', status: 'failed' }] }));
    gateway.answerRefundsWith('succeeded');
  });

  it('the same refund id again stores nothing', () =>
    spec
      .given(...paid('rf-twice'), async (api) => {
        await api.call(
          'POST',
          '/v1/accounts/rf-twice/refunds',
          { refundId: 'r', amount: '10', reason: 'x' },
          { role: 'ops' },
        );
        await settle(api);
      })
      .when(refund('rf-twice', { refundId: 'r', amount: '10', reason: 'x' }))
      .then(expectResponse(201, { status: 'duplicate' }), expectNoNewEvents()));

  it('422 with a stable code: more than refundable, nothing to refund (grants only); nothing stored', async () => {
    await spec
      .given(...paid('rf-much'))
      .when(refund('rf-much', { refundId: 'r', amount: '270.01', reason: 'x' }))
      .then(expectProblem(422, 'REFUND_EXCEEDS_REFUNDABLE', 'amount'), expectNoNewEvents());
    await spec
      .given(
        opened('rf-grant'),
        grantIssued('rf-grant', {
          grantId: 'g',
          kind: 'promo',
          amount: '500',
          expiresAt: '2026-06-01T00:00:00Z',
        }),
      )
      .when(refund('rf-grant', { refundId: 'r', amount: 'all', reason: 'x' }))
      .then(expectProblem(422, 'NOTHING_TO_REFUND', 'amount'), expectNoNewEvents());
  });

  it.each([
    ['amount', 'decimals', { refundId: 'r', amount: '1.005', reason: 'x' }],
    ['amount', 'negative', { refundId: 'r', amount: '-5', reason: 'x' }],
    ['amount', 'missing', { refundId: 'r', reason: 'x' }],
    ['reason', 'missing', { refundId: 'r', amount: '10' }],
    ['refundId', 'spaces', { refundId: 'no spaces', amount: '10', reason: 'x' }],
  ])('400 naming %s (%s); nothing stored', (field, why, body) =>
    spec
      .given(...paid(`rf-bad-${field}-${why}`))
      .when(refund(`rf-bad-${field}-${why}`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('403 for a read key (auditor) and for the service key: refunds are for ops; nothing stored', async () => {
    await spec
      .given(...paid('rf-forbidden'))
      .when(refund('rf-forbidden', { refundId: 'r', amount: '10', reason: 'x' }, 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given()
      .when(refund('rf-forbidden', { refundId: 'r', amount: '10', reason: 'x' }, 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
  });

  it('404 for an account that does not exist', () =>
    spec
      .given()
      .when(refund('rf-nobody', { refundId: 'r', amount: '10', reason: 'x' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});

describe('GET /v1/accounts/:accountId/refunds', () => {
  it('an account without refunds: an empty list; 404 for an unknown account', async () => {
    await spec
      .given(opened('rf-none'))
      .when(list('rf-none'))
      .then(expectResponse(200, { accountId: 'rf-none', refunds: [] }), expectNoNewEvents());
    await spec.given().when(list('rf-unknown')).then(expectProblem(404, 'NOT_FOUND'));
  });
});
