import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type ApiRequest,
  type Expectation,
} from '../../../test/support/api-specification.js';
import { settle } from '../../../test/support/given-accounts.js';
import { creditLegal, usage } from '../../../test/support/requests.js';

/**
 * Per-account pricing over HTTP. The clock starts at 12:00 Moscow on 10 March and only goes forward, so the
 * scenarios run in the order written (the commitment's close in April comes last).
 */
const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const ACCOUNT = 'pr-romashka';
const opened = (accountId: string) => [
  (api: Awaited<ReturnType<typeof spec.api>>) => api.call('POST', '/v1/accounts', creditLegal(accountId)),
  // Credit enough that no bill or suspension interferes with the usage on the way.
  (api: Awaited<ReturnType<typeof spec.api>>) =>
    api.call('PUT', `/v1/accounts/${accountId}/credit-limit`, { creditLimit: '1000000' }),
];

const discount = (body: Record<string, unknown> = {}) => ({
  discountId: 'vcpu-15',
  sku: 'compute.vcpu.hour',
  percent: '15',
  effectiveFrom: '2026-03-10T10:00:00+03:00',
  reason: 'Agreement 42',
  ...body,
});
const commitment = (body: Record<string, unknown> = {}) => ({
  commitmentId: 'compute-2026',
  amount: '1000.00',
  currency: 'RUB',
  scope: { categories: ['compute'] },
  discountPercent: '20',
  effectiveFrom: '2026-04-01T00:00:00+03:00',
  months: 1,
  ...body,
});

const post = (
  path: string,
  body: unknown,
  role: ApiRequest['role'] = 'ops',
  accountId = ACCOUNT,
): ApiRequest => ({
  method: 'POST',
  path: `/v1/accounts/${accountId}/pricing${path}`,
  body,
  role,
});
const read = (query = '', accountId = ACCOUNT): ApiRequest => ({
  method: 'GET',
  path: `/v1/accounts/${accountId}/pricing${query}`,
  role: 'service',
});
const useVcpu = (id: string, at: string): ApiRequest => ({
  method: 'POST',
  path: `/v1/accounts/${ACCOUNT}/usage`,
  body: usage(id, 'compute.vcpu.hour', '10', at),
  role: 'service',
});
/** The usage record's charge: amount, and what per-account pricing it records. */
const charged =
  (fields: Record<string, unknown>): Expectation =>
  (result) =>
    expect(
      result.newEvents.filter((event) => event.type === 'ResourceConsumed').map((event) => event.data),
    ).toEqual([expect.objectContaining(fields)]);

describe('bad input: 400 naming the field, nothing stored', () => {
  it('opens the account the scenarios use', () =>
    spec
      .given(...opened(ACCOUNT))
      .when(read())
      .then(expectResponse(200, { discounts: [], commitments: [] })));

  it.each([
    ['a zero percent', discount({ percent: '0' }), 'percent'],
    ['a percent above 100', discount({ percent: '100.01' }), 'percent'],
    ['three decimals', discount({ percent: '12.345' }), 'percent'],
    ['a JSON number', discount({ percent: 15 }), 'percent'],
    ['an unknown SKU', discount({ sku: 'compute.quantum.hour' }), 'sku'],
    ['an unknown category', discount({ sku: undefined, category: 'quantum' }), 'category'],
    ['both a SKU and a category', discount({ category: 'compute' }), 'category'],
    ['an end before the start', discount({ effectiveUntil: '2026-03-10T09:00:00+03:00' }), 'effectiveUntil'],
    ['no reason', discount({ reason: undefined }), 'reason'],
  ])('discount with %s → 400', (_name, body, field) =>
    spec
      .given()
      .when(post('/discounts', body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each([
    ['an unknown SKU in the scope', commitment({ scope: { skus: ['nope'] } }), 'scope.skus[0]'],
    ['an empty scope', commitment({ scope: {} }), 'scope'],
    ['no scope', commitment({ scope: undefined }), 'scope'],
    ['a scope that is no object', commitment({ scope: 'compute' }), 'scope'],
    [
      'a start that is no period start',
      commitment({ effectiveFrom: '2026-04-02T00:00:00+03:00' }),
      'effectiveFrom',
    ],
    ['zero months', commitment({ months: 0 }), 'months'],
    ['a percent of 101', commitment({ discountPercent: '101' }), 'discountPercent'],
  ])('commitment with %s → 400', (_name, body, field) =>
    spec
      .given()
      .when(post('/commitments', body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('a malformed asOf → 400', () =>
    spec
      .given()
      .when(read('?asOf=yesterday'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'asOf'), expectNoNewEvents()));
});

describe('who may, and what exists', () => {
  it.each(['service', 'auditor'] as const)('403 for a %s key (no ops scope); nothing stored', (role) =>
    spec
      .given()
      .when(post('/discounts', discount(), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('404 for an unknown account (write and read) and an unknown discount', async () => {
    await spec
      .given()
      .when(post('/discounts', discount(), 'ops', 'pr-nobody'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec.given().when(read('', 'pr-nobody')).then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given()
      .when(post('/discounts/nope/end', { at: '2026-03-10T12:00:00+03:00', reason: 'x' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
  });

  it('a commitment in another currency than the account’s → 422 WRONG_CURRENCY', () =>
    spec
      .given()
      .when(post('/commitments', commitment({ currency: 'USD' })))
      .then(expectProblem(422, 'WRONG_CURRENCY', 'currency'), expectNoNewEvents()));

  it('a start beyond the effective-time window (92 days back) → 422', () =>
    spec
      .given()
      .when(post('/discounts', discount({ effectiveFrom: '2025-12-01T00:00:00+03:00' })))
      .then(expectProblem(422, 'PRICING_EFFECTIVE_TOO_EARLY', 'effectiveFrom'), expectNoNewEvents()));
});

describe('a discount: rated at list price before its instant, discounted after, list again after its end', () => {
  it('usage before the discount exists rates at the list price: 10 vCPU h × 1.10', () =>
    spec
      .given()
      .when(useVcpu('pr-u0', '2026-03-10T09:30:00+03:00'))
      .then(expectResponse(201), charged({ usageRecordId: 'pr-u0', amount: '11' })));

  it('ops grant 15 % off vCPU hours from 10:00 Moscow: one event in the pricing stream', () =>
    spec
      .given()
      .when(post('/discounts', discount()))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: `pricing-${ACCOUNT}`,
          eventTypes: ['DiscountGranted'],
        }),
        expectNewEvents(`pricing-${ACCOUNT}`, [
          {
            type: 'DiscountGranted',
            data: {
              discountId: 'vcpu-15',
              sku: 'compute.vcpu.hour',
              percent: '15',
              effectiveFrom: '2026-03-10T07:00:00.000Z',
              reason: 'Agreement 42',
              grantedAt: NOW,
            },
          },
        ]),
        (result) => expect(result.newEvents).toHaveLength(1),
      ));

  it('the same discount again stores nothing (idempotent by id); other terms under its id → 422', async () => {
    await spec
      .given()
      .when(post('/discounts', discount()))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents());
    await spec
      .given()
      .when(post('/discounts', discount({ percent: '20' })))
      .then(expectProblem(422, 'DISCOUNT_ID_TAKEN', 'discountId'), expectNoNewEvents());
  });

  it('an overlapping discount on the same SKU → 422', () =>
    spec
      .given()
      .when(
        post(
          '/discounts',
          discount({ discountId: 'vcpu-20', percent: '20', effectiveFrom: '2026-04-01T00:00:00+03:00' }),
        ),
      )
      .then(expectProblem(422, 'DISCOUNT_OVERLAPS'), expectNoNewEvents()));

  it('late usage from before 10:00 still rates at list; usage after it at 15 % off, recording what applied', async () => {
    await spec
      .given()
      .when(useVcpu('pr-u1', '2026-03-10T09:59:59+03:00'))
      .then(expectResponse(201), charged({ usageRecordId: 'pr-u1', amount: '11' }), (result) =>
        expect(result.newEvents.find((e) => e.type === 'ResourceConsumed')!.data).not.toHaveProperty(
          'listAmount',
        ),
      );
    await spec
      .given()
      .when(useVcpu('pr-u2', '2026-03-10T11:00:00+03:00'))
      .then(
        expectResponse(201),
        charged({
          usageRecordId: 'pr-u2',
          amount: '9.35',
          ratedAmount: '9.350000',
          listAmount: '11.000000',
          discountId: 'vcpu-15',
          discountPercent: '15',
        }),
      );
  });

  it('GET …/pricing lists the discount in force now; as of before it, nothing; a read stores nothing', async () => {
    await spec
      .given()
      .when(read())
      .then(
        expectResponse(200, {
          accountId: ACCOUNT,
          discounts: [
            expect.objectContaining({ discountId: 'vcpu-15', percent: '15', reason: 'Agreement 42' }),
          ],
          commitments: [],
        }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when(read('?asOf=2026-03-10T09:00:00%2B03:00'))
      .then(expectResponse(200, { discounts: [] }), expectNoNewEvents());
  });

  it('ending it at 18:00 is a new event; ending it again at another time → 422; on the clock, usage after 18:00 is at list', async () => {
    await spec
      .given()
      .when(post('/discounts/vcpu-15/end', { at: '2026-03-10T18:00:00+03:00', reason: 'Agreement 42 ended' }))
      .then(
        expectResponse(201, { eventTypes: ['DiscountEnded'] }),
        expectNewEvents(`pricing-${ACCOUNT}`, [
          {
            type: 'DiscountEnded',
            data: { discountId: 'vcpu-15', at: '2026-03-10T15:00:00.000Z', reason: 'Agreement 42 ended' },
          },
        ]),
      );
    await spec
      .given()
      .when(post('/discounts/vcpu-15/end', { at: '2026-03-10T19:00:00+03:00', reason: 'again' }))
      .then(expectProblem(422, 'DISCOUNT_ALREADY_ENDED', 'at'), expectNoNewEvents());
    await spec
      .given((api) =>
        api.call('POST', '/v1/ops/clock/advance', { to: '2026-03-10T19:00:00+03:00' }, { role: 'ops' }),
      )
      .when(useVcpu('pr-u3', '2026-03-10T18:30:00+03:00'))
      .then(expectResponse(201), charged({ usageRecordId: 'pr-u3', amount: '11' }));
    await spec
      .given()
      .when(useVcpu('pr-u4', '2026-03-10T17:30:00+03:00'))
      .then(expectResponse(201), charged({ usageRecordId: 'pr-u4', amount: '9.35', discountId: 'vcpu-15' }));
  });

  it('a discount scheduled ahead cannot be ended before it begins → 422', async () => {
    await spec
      .given()
      .when(
        post(
          '/discounts',
          discount({
            discountId: 'ram-5',
            sku: 'compute.ram.gb.hour',
            percent: '5',
            effectiveFrom: '2026-03-20T00:00:00+03:00',
          }),
        ),
      )
      .then(expectResponse(201, { eventTypes: ['DiscountGranted'] }));
    await spec
      .given()
      .when(post('/discounts/ram-5/end', { at: '2026-03-25T00:00:00+03:00', reason: 'x' }))
      .then(expectProblem(422, 'DISCOUNT_NOT_BEGUN', 'at'), expectNoNewEvents());
  });
});

describe('committed use: a shortfall charged at the close, on its own line with VAT', () => {
  const COMMITTED = 'pr-commit';
  it('ops record 1 000 RUB a month of compute at 20 % off for April', () =>
    spec
      .given(...opened(COMMITTED))
      .when(post('/commitments', commitment(), 'ops', COMMITTED))
      .then(
        expectResponse(201, { eventTypes: ['CommitmentMade'] }),
        expectNewEvents(`pricing-${COMMITTED}`, [
          {
            type: 'CommitmentMade',
            data: {
              commitmentId: 'compute-2026',
              amount: '1000.00',
              categories: ['compute'],
              firstPeriodId: '2026-04',
              lastPeriodId: '2026-04',
              effectiveUntil: '2026-04-30T21:00:00.000Z',
            },
          },
        ]),
      ));

  it('usage in March (before the term) is at list; in April at the commitment rate', async () => {
    await spec
      .given()
      .when({ ...useVcpu('pc-u1', '2026-03-10T12:00:00+03:00'), path: `/v1/accounts/${COMMITTED}/usage` })
      .then(expectResponse(201), charged({ amount: '11' }));
    await spec
      .given(
        (api) =>
          api.call('POST', '/v1/ops/clock/advance', { to: '2026-04-10T12:00:00+03:00' }, { role: 'ops' }),
        settle,
      )
      .when({ ...useVcpu('pc-u2', '2026-04-10T11:00:00+03:00'), path: `/v1/accounts/${COMMITTED}/usage` })
      .then(
        expectResponse(201),
        charged({ amount: '8.8', commitmentId: 'compute-2026', discountPercent: '20' }),
      );
  });

  it('the preview of April shows the shortfall line with VAT; the close charges 991.20', async () => {
    await spec
      .given()
      .when({ method: 'GET', path: `/v1/accounts/${COMMITTED}/preview`, role: 'service' })
      .then(expectResponse(200), expectNoNewEvents(), (result) => {
        const act = (
          result.body.documents as Array<{ kind: string; lines: Array<Record<string, string>> }>
        ).find((d) => d.kind === 'act')!;
        expect(act.lines).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ service: 'Committed use shortfall', gross: '991.20', vat: '178.74' }),
          ]),
        );
      });
    await spec
      .given(
        (api) =>
          api.call('POST', '/v1/ops/clock/advance', { to: '2026-05-01T01:00:00+03:00' }, { role: 'ops' }),
        settle,
      )
      .when({ method: 'GET', path: `/v1/audit/accounts/${COMMITTED}/events?limit=1000`, role: 'ops' })
      .then(expectResponse(200), (result) => {
        const events = result.body.events as Array<{ type: string; data: Record<string, unknown> }>;
        expect(events.filter((e) => e.type === 'CommitmentShortfallCharged').map((e) => e.data)).toEqual([
          expect.objectContaining({
            commitmentId: 'compute-2026',
            periodId: '2026-04',
            committed: '1000.00',
            used: '8.8',
            shortfall: '991.2',
          }),
        ]);
        const closed = events.filter((e) => e.type === 'PeriodClosed').map((e) => e.data);
        expect(closed.map((d) => d.periodId)).toEqual(['2026-03', '2026-04']);
        expect(closed[1]!.byService).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ service: 'Committed use shortfall', consumption: '991.2' }),
          ]),
        );
      });
  });

  it('the issued act has the shortfall line; its audit derivation re-rates the discounted record and reconciles', async () => {
    const api = await spec.api();
    const list = await api.call('GET', `/v1/accounts/${COMMITTED}/documents`, undefined, { role: 'auditor' });
    const act = (list.body as Array<{ kind: string; periodId: string; number: string }>).find(
      (d) => d.kind === 'act' && d.periodId === '2026-04',
    )!;
    expect(act).toBeDefined();
    await spec
      .given()
      .when({ method: 'GET', path: `/v1/audit/documents/${act.number}/derivation`, role: 'auditor' })
      .then(expectResponse(200), expectNoNewEvents(), (result) => {
        const body = result.body;
        expect(body.document.lines).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ service: 'Committed use shortfall', gross: '991.20', vat: '178.74' }),
          ]),
        );
        expect(body.usage).toEqual([
          expect.objectContaining({
            usageRecordId: 'pc-u2',
            price: expect.objectContaining({
              rated: '8.800000',
              listAmount: '11.000000',
              discountPercent: '20',
              matchesRecord: true,
            }),
          }),
        ]);
        expect(body.reconciles).toBe(true);
      });
  });
});
