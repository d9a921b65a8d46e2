import fc from 'fast-check';
import Big from 'big.js';
import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { creditLegal, individual, usage } from '../../../test/support/requests.js';

/**
 * A random history of one account over March and April: top-ups, grants and usage, each effective some days
 * before it is recorded (so the two bases differ), March closed into April on the way. At random times and on
 * both bases, the balance derivation's opening + movements re-add to its balance, which is the balance
 * GET /v1/accounts/:id shows as of that time on that basis — to the kopeck.
 */
const day = fc.integer({ min: 0, max: 6 });
const step = fc.oneof(
  fc.record({
    kind: fc.constant('top-up' as const),
    amount: fc.integer({ min: 1, max: 90_000 }).map((k) => new Big(k).div(100).toFixed(2)),
    backdays: day,
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    amount: fc.integer({ min: 1, max: 5_000 }).map((k) => new Big(k).div(100).toFixed(2)),
    backdays: day,
  }),
  fc.record({
    kind: fc.constant('use' as const),
    quantity: fc.integer({ min: 1, max: 400_000 }).map((q) => new Big(q).div(1000).toFixed()),
    sku: fc.constantFrom('test.unit', 'compute.vcpu.hour', 'compute.ram.gb.hour'),
    backdays: day,
  }),
  // Corrections by ops (issue 14): booked now in the open period, for the period of the effective time.
  fc.record({
    kind: fc.constant('adjust' as const),
    direction: fc.constantFrom('credit', 'debit'),
    amount: fc.integer({ min: 1, max: 5_000 }).map((k) => new Big(k).div(100).toFixed(2)),
    backdays: day,
  }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), backdays: day }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const HOUR = 3_600_000;
/** Recorded times: one step every 20 hours from March 8, across the month end into April. */
const recordedAt = (i: number) => new Date(Date.parse('2026-03-08T09:00:00.000Z') + i * 20 * HOUR);

async function play(api: TestApi, accountId: string, steps: readonly Step[]) {
  const effectiveTimes: string[] = [];
  for (const [i, s] of steps.entries()) {
    const now = recordedAt(i);
    await api.advanceTo(now.toISOString());
    const at = new Date(now.getTime() - s.backdays * 24 * HOUR - 7 * 60_000).toISOString();
    effectiveTimes.push(at);
    if (s.kind === 'top-up')
      await api.call('POST', `/v1/accounts/${accountId}/top-ups`, {
        paymentId: `${accountId}-p${i}`,
        amount: s.amount,
        currency: 'RUB',
        channel: 'bank-transfer',
        paidAt: at,
      });
    else if (s.kind === 'grant')
      await api.call('POST', `/v1/accounts/${accountId}/grants`, {
        grantId: `${accountId}-g${i}`,
        kind: 'promo',
        amount: s.amount,
        currency: 'RUB',
      });
    else if (s.kind === 'adjust')
      await api.call(
        'POST',
        `/v1/accounts/${accountId}/adjustments`,
        {
          adjustmentId: `${accountId}-a${i}`,
          direction: s.direction,
          amount: s.amount,
          // The Moscow month of the effective time (the account's periods are Moscow months).
          period: new Date(Date.parse(at) + 3 * HOUR).toISOString().slice(0, 7),
          service: 'Cloud Compute',
          reason: 'random history',
        },
        { role: 'ops' },
      );
    else if (s.kind === 'void') {
      const used = steps.slice(0, i).flatMap((u, j) => (u.kind === 'use' ? [`${accountId}-u${j}`] : []));
      if (used.length > 0)
        await api.call(
          'POST',
          `/v1/accounts/${accountId}/usage/${used[s.pick % used.length]}/void`,
          { reason: 'random history' },
          { role: 'ops' },
        );
    } else
      await api.call(
        'POST',
        `/v1/accounts/${accountId}/usage`,
        usage(`${accountId}-u${i}`, s.sku, s.quantity, at),
      );
  }
  return effectiveTimes;
}

describe('GET /v1/audit/accounts/:id/balance-derivation', () => {
  it('re-adds to the balance the summary shows as of any time, on both bases (random histories)', async () => {
    let run = 0;
    let movementsSeen = 0;
    let carriedSeen = 0;
    let correctionsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 3, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 4, maxLength: 8 }),
        fc.boolean(),
        async (steps, probes, legal) => {
          const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
          try {
            const api = await spec.api();
            const accountId = `bd-${(run += 1)}`;
            await api.call('POST', '/v1/accounts', legal ? creditLegal(accountId) : individual(accountId));
            const effective = await play(api, accountId, steps);
            // Into April: March is closed and April opens with what it carried.
            if (api.clock.now().getTime() < Date.parse('2026-04-03T09:00:00.000Z'))
              await api.advanceTo('2026-04-03T09:00:00.000Z');
            // Probe at effective times, recorded times and between them (up to "now").
            const now = api.clock.now().getTime();
            const times = probes.map((p, i) =>
              i % 2 === 0 && effective.length > 0
                ? effective[p % effective.length]!
                : new Date(
                    Math.min(now, Date.parse('2026-03-01T12:00:00.000Z') + p * 16 * HOUR),
                  ).toISOString(),
            );
            for (const asOf of [...times, '2026-04-02T12:00:00.000Z'])
              for (const basis of ['effective', 'recorded'] as const) {
                const query = `asOf=${encodeURIComponent(asOf)}&basis=${basis}`;
                const summary = await api.call('GET', `/v1/accounts/${accountId}?${query}`, undefined, {
                  role: 'auditor',
                });
                const derivation = await api.call(
                  'GET',
                  `/v1/audit/accounts/${accountId}/balance-derivation?${query}`,
                  undefined,
                  { role: 'auditor' },
                );
                expect(derivation.status).toBe(200);
                expect(summary.status).toBe(200);
                const body = derivation.body;
                const sum = body.movements.reduce(
                  (total: Big, m: { amount: string }) => total.plus(m.amount),
                  new Big(body.opening.balance),
                );
                expect(sum.toFixed()).toBe(new Big(summary.body.balance).toFixed());
                expect(body.balance).toBe(new Big(summary.body.balance).toFixed());
                expect(body.reconciles).toBe(true);
                expect(body.periodId).toBe(summary.body.period.id);
                // Each movement cites its event and the running balance after it.
                let running = new Big(body.opening.balance);
                for (const m of body.movements) {
                  running = running.plus(m.amount);
                  expect(m.balanceAfter).toBe(running.toFixed());
                  expect(m.event).toMatchObject({ stream: `ledger-${accountId}@${body.periodId}` });
                }
                movementsSeen += body.movements.length;
                correctionsSeen += body.movements.filter(
                  (m: { type: string }) => m.type === 'ChargeCorrected',
                ).length;
                if (body.opening.carriedBy) {
                  carriedSeen += 1;
                  expect(new Big(body.opening.carriedBy.closingBalance).eq(body.opening.balance)).toBe(true);
                }
              }
          } finally {
            await spec.close();
          }
        },
      ),
      { numRuns: 6 },
    );
    // The histories moved balances and crossed into April (an opening carried by March's close).
    expect(movementsSeen).toBeGreaterThan(0);
    expect(carriedSeen).toBeGreaterThan(0);
    // The histories hold corrections (adjustments, voids) that moved the balance.
    expect(correctionsSeen).toBeGreaterThan(0);
  }, 240_000);

  const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
  afterAll(() => spec.close());
  const open = async (api: TestApi) => {
    await api.call('POST', '/v1/accounts', individual('bd-check'));
  };

  it('a bad asOf or basis is 400 naming the field; before the account opened, 422; needs the audit scope', async () => {
    await spec
      .given(open)
      .when({
        method: 'GET',
        path: '/v1/audit/accounts/bd-check/balance-derivation?asOf=yesterday',
        role: 'auditor',
      })
      .then(expectProblem(400, 'VALIDATION_FAILED', 'asOf'), expectNoNewEvents());
    await spec
      .given(open)
      .when({
        method: 'GET',
        path: '/v1/audit/accounts/bd-check/balance-derivation?basis=posted',
        role: 'auditor',
      })
      .then(expectProblem(400, 'VALIDATION_FAILED', 'basis'), expectNoNewEvents());
    await spec
      .given(open)
      .when({
        method: 'GET',
        path: '/v1/audit/accounts/bd-check/balance-derivation?asOf=2026-02-01T00:00:00Z',
        role: 'auditor',
      })
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED'), expectNoNewEvents());
    await spec
      .given(open)
      .when({ method: 'GET', path: '/v1/audit/accounts/bd-check/balance-derivation', role: 'service' })
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
  });
});
