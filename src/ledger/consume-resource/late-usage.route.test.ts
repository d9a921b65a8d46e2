import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, toppedUp, used } from '../../../test/support/given-accounts.js';
import { usage } from '../../../test/support/requests.js';

// One account through three month ends: the steps run in order on one clock.
const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const IN_MARCH = '2026-03-20T12:00:00+03:00';
const send = (usageRecordId: string, quantity = '7', at = IN_MARCH) => ({
  method: 'POST' as const,
  path: '/v1/accounts/lu-anna/usage',
  body: usage(usageRecordId, 'test.unit', quantity, at),
});

describe('late usage: POST /v1/accounts/:id/usage for a period already closed (issue 14)', () => {
  it('is booked in the open period as ChargeCorrected late-usage naming the closed period, paid now', () =>
    spec
      .given(
        opened('lu-anna'),
        toppedUp('lu-anna', 'lu-p1', '100'),
        used('lu-anna', 'lu-on-time', '10'),
        (api) => api.advanceTo('2026-04-02T09:00:00.000Z'),
      )
      .when(send('lu-late'))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-lu-anna@2026-04',
          eventTypes: ['ChargeCorrected'],
        }),
        expectNewEvents('ledger-lu-anna@2026-04', [
          {
            type: 'ChargeCorrected',
            data: {
              correctionId: 'late:lu-late',
              kind: 'late-usage',
              correctsPeriod: '2026-03',
              usageRecordId: 'lu-late',
              sku: 'test.unit',
              usage: expect.objectContaining({ quantity: '7', windowEnd: IN_MARCH, ratedAmount: '7.000000' }),
              amount: '7',
              fromBalance: '7',
              balanceAfter: '83',
              reason: 'late usage',
              by: 'service:test-service',
              at: '2026-04-02T09:00:00.000Z',
            },
          },
        ]),
      ));

  it('a retry of the late record, and of a record booked on time in the closed period, is a duplicate', async () => {
    await spec
      .given()
      .when(send('lu-late'))
      .then(
        expectResponse(201, { status: 'duplicate', streamId: 'ledger-lu-anna@2026-04' }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when(send('lu-on-time', '10', '2026-03-10T12:00:00+03:00'))
      .then(
        expectResponse(201, { status: 'duplicate', streamId: 'ledger-lu-anna@2026-03' }),
        expectNoNewEvents(),
      );
  });

  it('after the next close, the late record is still a duplicate; a new one within 35 days is still booked', async () => {
    await spec
      .given((api) => api.advanceTo('2026-05-02T09:00:00.000Z'))
      .when(send('lu-late'))
      .then(
        expectResponse(201, { status: 'duplicate', streamId: 'ledger-lu-anna@2026-04' }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when(send('lu-late-2', '3'))
      .then(
        expectResponse(201, { status: 'accepted', streamId: 'ledger-lu-anna@2026-05' }),
        expectNewEvents('ledger-lu-anna@2026-05', [
          { type: 'ChargeCorrected', data: { kind: 'late-usage', correctsPeriod: '2026-03', amount: '3' } },
        ]),
      );
  });

  it('35 days after the period ends → 422 LATE_USAGE_WINDOW_PASSED naming windowEnd; nothing stored; retries stay duplicates', async () => {
    await spec
      .given((api) => api.advanceTo('2026-05-06T09:00:00.000Z'))
      .when(send('lu-too-late'))
      .then(expectProblem(422, 'LATE_USAGE_WINDOW_PASSED', 'windowEnd'), expectNoNewEvents());
    await spec
      .given()
      .when(send('lu-late-2', '3'))
      .then(expectResponse(201, { status: 'duplicate' }), expectNoNewEvents());
  });

  it('negative usage stays refused', () =>
    spec
      .given()
      .when(send('lu-negative', '-1'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'quantity'), expectNoNewEvents()));

  it('the late record and its period show in the audit trail', () =>
    spec
      .given()
      .when({ method: 'GET', path: '/v1/audit/accounts/lu-anna/events?limit=100', role: 'auditor' })
      .then(expectResponse(200), (result) => {
        const corrections = JSON.stringify(result.body).match(/"ChargeCorrected"/g) ?? [];
        expect(corrections).toHaveLength(2);
        expect(JSON.stringify(result.body)).toContain('"by":"service:test-service"');
      }));
});
