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

const voidRecord = (
  accountId: string,
  usageRecordId: string,
  body: unknown,
  role: 'ops' | 'service' | 'auditor' = 'ops',
) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/usage/${usageRecordId}/void`,
  body,
  role,
});
const WHY = { reason: 'The meter sent this hour twice', reference: 'TICKET-101' };

describe('POST /v1/accounts/:id/usage/:usageRecordId/void', () => {
  it("gives back what the record charged, to the source it drew from, as ChargeCorrected in the open period, by the ops key's name", () =>
    spec
      .given(opened('vd-anna'), toppedUp('vd-anna', 'vd-p1', '100'), used('vd-anna', 'vd-u1', '30'))
      .when(voidRecord('vd-anna', 'vd-u1', WHY))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-vd-anna@2026-03',
          eventTypes: ['ChargeCorrected'],
        }),
        expectNewEvents('ledger-vd-anna@2026-03', [
          {
            type: 'ChargeCorrected',
            data: {
              correctionId: 'void:vd-u1',
              kind: 'usage-voided',
              correctsPeriod: '2026-03',
              usageRecordId: 'vd-u1',
              sku: 'test.unit',
              service: 'Test Service',
              quantityChange: '-30',
              amount: '-30',
              fromGrants: [],
              fromBalance: '-30',
              fromBalanceBy: [{ source: 'bank-transfer', amount: '-30' }],
              balanceAfter: '100',
              reason: WHY.reason,
              reference: WHY.reference,
              by: 'ops:test-ops',
              at: '2026-03-10T09:00:00.000Z',
            },
          },
        ]),
      ));

  it('voiding twice → 422 USAGE_RECORD_ALREADY_VOIDED; nothing stored', () =>
    spec
      .given(opened('vd-twice'), used('vd-twice', 'vd-t1', '5'), (api) =>
        api.call('POST', '/v1/accounts/vd-twice/usage/vd-t1/void', WHY, { role: 'ops' }),
      )
      .when(voidRecord('vd-twice', 'vd-t1', { reason: 'again' }))
      .then(expectProblem(422, 'USAGE_RECORD_ALREADY_VOIDED'), expectNoNewEvents()));

  it('an unknown record → 404; nothing stored', () =>
    spec
      .given(opened('vd-unknown'))
      .when(voidRecord('vd-unknown', 'never-sent', WHY))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it.each([
    ['vd-b1', {}, 'reason'],
    ['vd-b2', { reason: '   ' }, 'reason'],
    ['vd-b3', { reason: 42 }, 'reason'],
    ['vd-b4', { reason: 'x', reference: 7 }, 'reference'],
  ])('400 naming the field for a malformed body (%s: %o); nothing stored', (accountId, body, field) =>
    spec
      .given(opened(accountId), used(accountId, `${accountId}-u`, '1'))
      .when(voidRecord(accountId, `${accountId}-u`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['service', 'auditor'] as const)(
    '403 for the %s key (corrections are ops); nothing stored',
    (role) =>
      spec
        .given(opened(`vd-${role}`), used(`vd-${role}`, `vd-${role}-u`, '1'))
        .when(voidRecord(`vd-${role}`, `vd-${role}-u`, WHY, role))
        .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('a record of a closed period is voided in the open one, naming its period; the balance follows', () =>
    spec
      .given(opened('vd-late'), toppedUp('vd-late', 'vd-lp', '50'), used('vd-late', 'vd-l1', '20'), (api) =>
        api.advanceTo('2026-04-02T09:00:00.000Z'),
      )
      .when(voidRecord('vd-late', 'vd-l1', WHY))
      .then(
        expectResponse(201, { streamId: 'ledger-vd-late@2026-04' }),
        expectNewEvents('ledger-vd-late@2026-04', [
          { type: 'ChargeCorrected', data: { correctsPeriod: '2026-03', amount: '-20', balanceAfter: '50' } },
        ]),
        async (_result, api) => {
          const summary = await api.call('GET', '/v1/accounts/vd-late', undefined, { role: 'service' });
          expect(summary.body).toMatchObject({ balance: '50' });
        },
      ));
});
