import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, toppedUp, used } from '../../../test/support/given-accounts.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const rerate = (
  accountId: string,
  usageRecordId: string,
  body: unknown,
  role: 'ops' | 'service' | 'auditor' = 'ops',
) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/usage/${usageRecordId}/rerate`,
  body,
  role,
});
const WHY = { reason: 'The meter over-counted', reference: 'TICKET-100' };

describe('POST /v1/accounts/:id/usage/:usageRecordId/rerate', () => {
  it('a corrected quantity: the difference is given back as ChargeCorrected usage-rerated', () =>
    spec
      .given(opened('rr-anna'), toppedUp('rr-anna', 'rr-p1', '100'), used('rr-anna', 'rr-u1', '30'))
      .when(rerate('rr-anna', 'rr-u1', { quantity: '12', ...WHY }))
      .then(
        expectResponse(201, { status: 'accepted', streamId: 'ledger-rr-anna@2026-03' }),
        expectNewEvents('ledger-rr-anna@2026-03', [
          {
            type: 'ChargeCorrected',
            data: {
              correctionId: 'rerate:rr-u1:1',
              kind: 'usage-rerated',
              correctsPeriod: '2026-03',
              usageRecordId: 'rr-u1',
              usage: expect.objectContaining({ quantity: '12', catalogVersion: '2026.1' }),
              quantityChange: '-18',
              amount: '-18',
              fromBalance: '-18',
              balanceAfter: '88',
              reason: WHY.reason,
              reference: WHY.reference,
              by: 'ops:test-ops',
            },
          },
        ]),
      ));

  it('a second re-rate starts from what the first left; upwards it charges the difference', () =>
    spec
      .given(
        opened('rr-twice'),
        toppedUp('rr-twice', 'rr-p2', '100'),
        used('rr-twice', 'rr-t1', '10'),
        (api) =>
          api.call(
            'POST',
            '/v1/accounts/rr-twice/usage/rr-t1/rerate',
            { quantity: '4', ...WHY },
            { role: 'ops' },
          ),
      )
      .when(rerate('rr-twice', 'rr-t1', { quantity: '25', ...WHY }))
      .then(
        expectResponse(201),
        expectNewEvents('ledger-rr-twice@2026-03', [
          {
            type: 'ChargeCorrected',
            data: { correctionId: 'rerate:rr-t1:2', amount: '21', balanceAfter: '75' },
          },
        ]),
      ));

  it.each([
    ['rr-r1', { reason: 'nothing given' }, 'NOTHING_TO_RERATE', 'quantity'],
    ['rr-r2', { quantity: '5', reason: 'the same' }, 'RERATE_CHANGES_NOTHING', 'quantity'],
    [
      'rr-r3',
      { catalogVersion: '1999.9', reason: 'old prices' },
      'UNKNOWN_CATALOG_VERSION',
      'catalogVersion',
    ],
  ])('422 %s: %o; nothing stored', (accountId, body, code, field) =>
    spec
      .given(opened(accountId), used(accountId, `${accountId}-u`, '5'))
      .when(rerate(accountId, `${accountId}-u`, body))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it('a voided record → 422 USAGE_RECORD_VOIDED; nothing stored', () =>
    spec
      .given(opened('rr-void'), used('rr-void', 'rr-v1', '5'), (api) =>
        api.call('POST', '/v1/accounts/rr-void/usage/rr-v1/void', WHY, { role: 'ops' }),
      )
      .when(rerate('rr-void', 'rr-v1', { quantity: '1', ...WHY }))
      .then(expectProblem(422, 'USAGE_RECORD_VOIDED'), expectNoNewEvents()));

  it('an unknown record → 404; nothing stored', () =>
    spec
      .given(opened('rr-unknown'))
      .when(rerate('rr-unknown', 'never-sent', { quantity: '1', ...WHY }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it.each([
    ['rr-b1', { quantity: '-1', reason: 'x' }, 'quantity'],
    ['rr-b2', { quantity: 3, reason: 'x' }, 'quantity'],
    ['rr-b3', { quantity: '3' }, 'reason'],
  ])('400 naming the field (%s: %o); nothing stored', (accountId, body, field) =>
    spec
      .given(opened(accountId), used(accountId, `${accountId}-u`, '5'))
      .when(rerate(accountId, `${accountId}-u`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('403 for the service key; nothing stored', () =>
    spec
      .given(opened('rr-svc'), used('rr-svc', 'rr-svc-u', '5'))
      .when(rerate('rr-svc', 'rr-svc-u', { quantity: '1', ...WHY }, 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()));
});
