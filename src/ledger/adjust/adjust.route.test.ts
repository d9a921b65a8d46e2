import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, toppedUp } from '../../../test/support/given-accounts.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const adjust = (
  accountId: string,
  body: Record<string, unknown>,
  role: 'ops' | 'service' | 'auditor' = 'ops',
) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/adjustments`,
  body,
  role,
});
const credit = (adjustmentId: string, extra: Record<string, unknown> = {}) => ({
  adjustmentId,
  direction: 'credit',
  amount: '15.50',
  period: '2026-03',
  service: 'Cloud Compute',
  reason: 'Compensation for the outage',
  reference: 'INC-7',
  ...extra,
});

describe('POST /v1/accounts/:id/adjustments', () => {
  it('a credit for the open period: ChargeCorrected adjustment, with who, why and the reference', () =>
    spec
      .given(opened('adj-anna'))
      .when(adjust('adj-anna', credit('adj-1')))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-adj-anna@2026-03',
          eventTypes: ['ChargeCorrected'],
        }),
        expectNewEvents('ledger-adj-anna@2026-03', [
          {
            type: 'ChargeCorrected',
            data: {
              correctionId: 'adjustment:adj-1',
              kind: 'adjustment',
              correctsPeriod: '2026-03',
              service: 'Cloud Compute',
              category: 'compute',
              amount: '-15.5',
              fromGrants: [],
              fromBalance: '-15.5',
              fromBalanceBy: [{ source: 'internal', amount: '-15.5' }],
              balanceAfter: '15.5',
              reason: 'Compensation for the outage',
              reference: 'INC-7',
              by: 'ops:test-ops',
              at: '2026-03-10T09:00:00.000Z',
            },
          },
        ]),
      ));

  it('the same adjustmentId again is booked once', () =>
    spec
      .given(opened('adj-again'), (api) =>
        api.call('POST', '/v1/accounts/adj-again/adjustments', credit('a-1'), { role: 'ops' }),
      )
      .when(adjust('adj-again', credit('a-1')))
      .then(expectResponse(201, { status: 'duplicate' }), expectNoNewEvents()));

  it('a debit of a SKU is charged to the balance', () =>
    spec
      .given(opened('adj-debit'), toppedUp('adj-debit', 'adj-p', '100'))
      .when(
        adjust('adj-debit', credit('d-1', { direction: 'debit', amount: '40', sku: 'compute.vcpu.hour' })),
      )
      .then(
        expectResponse(201),
        expectNewEvents('ledger-adj-debit@2026-03', [
          {
            type: 'ChargeCorrected',
            data: { amount: '40', sku: 'compute.vcpu.hour', fromBalance: '40', balanceAfter: '60' },
          },
        ]),
      ));

  it.each([
    ['adj-b1', { amount: '0' }, 'amount'],
    ['adj-b2', { amount: '1.234' }, 'amount'],
    ['adj-b3', { amount: 10 }, 'amount'],
    ['adj-b4', { amount: '-5' }, 'amount'],
    ['adj-b5', { direction: 'refund' }, 'direction'],
    ['adj-b6', { reason: '' }, 'reason'],
    ['adj-b7', { period: 'March' }, 'period'],
    ['adj-b8', { service: undefined }, 'service'],
    ['adj-b9', { adjustmentId: 'has space' }, 'adjustmentId'],
  ])('400 naming the field for a malformed body (%s: %o); nothing stored', (accountId, change, field) =>
    spec
      .given(opened(accountId))
      .when(adjust(accountId, credit('x', change)))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each([
    ['adj-r1', { service: 'Teleportation' }, 'UNKNOWN_SERVICE', 'service'],
    ['adj-r2', { sku: 'storage.ssd.gb.hour' }, 'UNKNOWN_SKU', 'sku'],
    ['adj-r3', { period: '2026-02' }, 'PERIOD_BEFORE_ACCOUNT', 'period'],
    ['adj-r4', { period: '2026-05' }, 'PERIOD_NOT_BOOKED', 'period'],
  ])('422 %s naming the field: %o; nothing stored', (accountId, change, code, field) =>
    spec
      .given(opened(accountId))
      .when(adjust(accountId, credit('x', change)))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(adjust('adj-nobody', credit('x')))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it.each(['service', 'auditor'] as const)('403 for the %s key; nothing stored', (role) =>
    spec
      .given(opened(`adj-${role}`))
      .when(adjust(`adj-${role}`, credit('x'), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('shows in the audit trail with who, why and the reference', () =>
    spec
      .given()
      .when({ method: 'GET', path: '/v1/audit/events?limit=1000', role: 'auditor' })
      .then(expectResponse(200), (result) => {
        const text = JSON.stringify(result.body);
        expect(text).toContain('"correctionId":"adjustment:adj-1"');
        expect(text).toMatch(
          /"reason":"Compensation for the outage","reference":"INC-7","by":"ops:test-ops"/,
        );
      }));

  it('for a closed period: booked in the open one naming it (no time limit for ops); a retry after is still once', async () => {
    await spec
      .given(opened('adj-closed'), (api) => api.advanceTo('2026-06-02T09:00:00.000Z'))
      .when(adjust('adj-closed', credit('c-1')))
      .then(
        expectResponse(201, { streamId: 'ledger-adj-closed@2026-06' }),
        expectNewEvents('ledger-adj-closed@2026-06', [
          { type: 'ChargeCorrected', data: { correctsPeriod: '2026-03', amount: '-15.5' } },
        ]),
      );
    await spec
      .given((api) => api.advanceTo('2026-07-02T09:00:00.000Z'))
      .when(adjust('adj-closed', credit('c-1')))
      .then(expectResponse(201, { status: 'duplicate' }), expectNoNewEvents());
  });
});
