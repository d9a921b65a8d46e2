import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, succeeded, toppedUp, used } from '../../../test/support/given-accounts.js';

/** The budget routes: POST and GET …/budgets, DELETE …/budgets/:budgetId. */
const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());
let n = 0;

const post = (accountId: string, body: unknown, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/budgets`,
  body,
  ...(role === undefined ? {} : { role }),
});
const budget = (over: Record<string, unknown> = {}) => ({
  budgetId: 'monthly',
  scope: 'account',
  amount: '1000.00',
  ...over,
});
const budgetSet = (accountId: string, over: Record<string, unknown> = {}) =>
  succeeded('POST', `/v1/accounts/${accountId}/budgets`, budget(over));

describe('POST /v1/accounts/:id/budgets', () => {
  it('sets a budget in the account currency with the default thresholds and channels', () =>
    spec
      .given(opened('bu-anna'))
      .when(post('bu-anna', budget()))
      .then(
        expectResponse(201, { status: 'accepted', streamId: 'alerts-bu-anna', eventTypes: ['BudgetSet'] }),
        expectNewEvents('alerts-bu-anna', [
          {
            type: 'BudgetSet',
            data: {
              budgetId: 'monthly',
              scope: 'account',
              amount: '1000',
              currency: 'RUB',
              thresholds: [50, 80, 100],
              channels: ['webhook', 'email'],
              at: NOW,
            },
          },
        ]),
      ));

  it('a project budget with its own thresholds and channel', () =>
    spec
      .given(opened('bu-project'))
      .when(
        post(
          'bu-project',
          budget({ scope: 'project:web-shop', thresholds: [90, 25], channels: ['webhook'] }),
        ),
      )
      .then(
        expectNewEvents('alerts-bu-project', [
          {
            type: 'BudgetSet',
            data: { scope: 'project:web-shop', thresholds: [25, 90], channels: ['webhook'] },
          },
        ]),
      ));

  it('the same budget again stores nothing; other terms under its id → 422 BUDGET_EXISTS', async () => {
    await spec
      .given(opened('bu-again'), budgetSet('bu-again'))
      .when(post('bu-again', budget()))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents());
    await spec
      .given()
      .when(post('bu-again', budget({ amount: '5' })))
      .then(expectProblem(422, 'BUDGET_EXISTS', 'budgetId'), expectNoNewEvents());
  });

  it.each([
    ['budgetId', { budgetId: 'a b' }],
    ['scope', { scope: 'folder:x' }],
    ['scope', { scope: 'project:' }],
    ['amount', { amount: 1000 }],
    ['amount', { amount: '0' }],
    ['amount', { amount: '10.001' }],
    ['thresholds', { thresholds: [] }],
    ['thresholds', { thresholds: [50, 50] }],
    ['thresholds', { thresholds: [0] }],
    ['thresholds', { thresholds: [12.5] }],
    ['channels', { channels: ['sms'] }],
    ['channels', { channels: [] }],
  ])('400 naming %s (%o); nothing stored', (field, over) =>
    spec
      .given(opened(`bu-bad-${++n}`))
      .when(post(`bu-bad-${n}`, budget(over)))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(`bu-${role}`))
      .when(post(`bu-${role}`, budget(), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; 404 for an unknown account; nothing stored', async () => {
    await spec
      .given()
      .when(post('bu-nobody', budget(), null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
    await spec
      .given()
      .when(post('bu-nobody', budget()))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
  });
});

describe('DELETE /v1/accounts/:id/budgets/:budgetId', () => {
  const end = (accountId: string, budgetId: string, role?: 'ops') => ({
    method: 'DELETE' as const,
    path: `/v1/accounts/${accountId}/budgets/${budgetId}`,
    ...(role === undefined ? {} : { role }),
  });

  it('ends the budget (an event); again is a duplicate', async () => {
    await spec
      .given(opened('bu-end'), budgetSet('bu-end'))
      .when(end('bu-end', 'monthly'))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['BudgetEnded'] }),
        expectNewEvents('alerts-bu-end', [{ type: 'BudgetEnded', data: { budgetId: 'monthly', at: NOW } }]),
      );
    await spec
      .given()
      .when(end('bu-end', 'monthly'))
      .then(expectResponse(200, { status: 'duplicate' }), expectNoNewEvents());
  });

  it('404 for an unknown budget, 403 for ops; nothing stored', async () => {
    await spec
      .given(opened('bu-end-none'))
      .when(end('bu-end-none', 'nothing'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given(budgetSet('bu-end-none'))
      .when(end('bu-end-none', 'monthly', 'ops'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
  });
});

describe('GET /v1/accounts/:id/budgets', () => {
  it('the active budgets with the period spend in their scope and the percent used; reads store nothing', () =>
    spec
      .given(
        opened('bu-list'),
        toppedUp('bu-list', 'bu-list-p1', '5000'),
        budgetSet('bu-list'),
        budgetSet('bu-list', { budgetId: 'ended' }),
        async (api) =>
          expect((await api.call('DELETE', '/v1/accounts/bu-list/budgets/ended')).status).toBe(200),
        budgetSet('bu-list', { budgetId: 'web', scope: 'project:web', amount: '100' }),
        used('bu-list', 'bu-list-u1', '123.45', '2026-03-10T10:00:00+03:00'),
      )
      .when({ method: 'GET', path: '/v1/accounts/bu-list/budgets', role: 'auditor' })
      .then(
        expectResponse(200, {
          accountId: 'bu-list',
          periodId: '2026-03',
          spend: '123.45',
          budgets: [
            { budgetId: 'monthly', scope: 'account', amount: '1000', spend: '123.45', percentUsed: '12.35' },
            // Usage records without a project count as project "default".
            { budgetId: 'web', scope: 'project:web', amount: '100', spend: '0', percentUsed: '0.00' },
          ],
        }),
        expectNoNewEvents(),
      ));

  it('the account summary: spend so far, the forecast at the current rate, each budget — read model and log agree', async () => {
    // 9.5 days of March's 31 (Moscow) elapsed: 123.45 · 744 h / 228 h = 402.844… → 402.84.
    const expected = {
      periodId: '2026-03',
      soFar: '123.45',
      forecast: '402.84',
      budgets: [
        { budgetId: 'monthly', scope: 'account', amount: '1000', spend: '123.45', percentUsed: '12.35' },
        { budgetId: 'web', scope: 'project:web', amount: '100', spend: '0', percentUsed: '0.00' },
      ],
    };
    const now = await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/bu-list' })
      .then(expectResponse(200), expectNoNewEvents());
    expect(now.body.spend).toEqual(expected);
    const fromLog = await spec
      .given()
      .when({ method: 'GET', path: `/v1/accounts/bu-list?asOf=${encodeURIComponent(NOW)}` })
      .then(expectResponse(200));
    expect(fromLog.body.spend).toEqual(expected);
  });

  it('404 for an unknown account, 401 without a key', async () => {
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/bu-ghost/budgets' })
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/bu-ghost/budgets', role: null })
      .then(expectProblem(401, 'UNAUTHENTICATED'));
  });
});

describe('PUT /v1/accounts/:id/alert-settings', () => {
  const put = (accountId: string, body: unknown, role?: 'ops' | 'auditor') => ({
    method: 'PUT' as const,
    path: `/v1/accounts/${accountId}/alert-settings`,
    body,
    ...(role === undefined ? {} : { role }),
  });

  it('sets the low-balance level and the credit-limit alerts; the same again stores nothing', async () => {
    await spec
      .given(opened('bu-settings'))
      .when(put('bu-settings', { lowBalanceThreshold: '500.00', creditLimitAlerts: true }))
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['AlertSettingsSet'] }),
        expectNewEvents('alerts-bu-settings', [
          {
            type: 'AlertSettingsSet',
            data: { lowBalanceThreshold: '500', creditLimitAlerts: true, at: NOW },
          },
        ]),
      );
    await spec
      .given()
      .when(put('bu-settings', { lowBalanceThreshold: '500', creditLimitAlerts: true }))
      .then(expectResponse(200, { status: 'duplicate' }), expectNoNewEvents());
  });

  it.each([
    ['lowBalanceThreshold', { lowBalanceThreshold: '-1', creditLimitAlerts: false }],
    ['lowBalanceThreshold', { lowBalanceThreshold: 100, creditLimitAlerts: false }],
    ['lowBalanceThreshold', { creditLimitAlerts: false }],
    ['creditLimitAlerts', { lowBalanceThreshold: '100', creditLimitAlerts: 'yes' }],
    ['creditLimitAlerts', { lowBalanceThreshold: '100' }],
  ])('400 naming %s (%o); nothing stored', (field, body) =>
    spec
      .given(opened(`bu-set-${++n}`))
      .when(put(`bu-set-${n}`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('403 for the auditor, 404 for an unknown account; nothing stored', async () => {
    await spec
      .given(opened('bu-set-403'))
      .when(put('bu-set-403', { lowBalanceThreshold: '1', creditLimitAlerts: false }, 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given()
      .when(put('bu-set-nobody', { lowBalanceThreshold: '1', creditLimitAlerts: false }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
  });
});

describe('corrections booked in the open period count in its spend, signed (issue 14 × 15)', () => {
  // Its own clock: March closes on the way, so a March record sent in April is late usage.
  const later = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
  afterAll(() => later.close());
  const percentUsed = async () => {
    const read = await later
      .given()
      .when({ method: 'GET', path: '/v1/accounts/bu-corr/budgets', role: 'auditor' })
      .then(expectResponse(200));
    const summary = await later
      .given()
      .when({ method: 'GET', path: '/v1/accounts/bu-corr' })
      .then(expectResponse(200));
    const fromLog = await later
      .given()
      .when({
        method: 'GET',
        path: `/v1/accounts/bu-corr?asOf=${encodeURIComponent('2026-04-02T09:00:00.000Z')}`,
      })
      .then(expectResponse(200));
    // The read model, the summary and the summary's log fallback say the same.
    expect(summary.body.spend.budgets[0].percentUsed).toBe(read.body.budgets[0].percentUsed);
    expect(fromLog.body.spend.budgets[0].percentUsed).toBe(read.body.budgets[0].percentUsed);
    return { spend: read.body.spend, percentUsed: read.body.budgets[0].percentUsed };
  };

  it('a late usage record raises percentUsed; a credit lowers it', async () => {
    await later
      .given(
        opened('bu-corr'),
        toppedUp('bu-corr', 'bu-corr-p1', '5000'),
        (api) => api.advanceTo('2026-04-02T09:00:00.000Z'),
        budgetSet('bu-corr'),
        used('bu-corr', 'bu-corr-u1', '100', '2026-04-01T10:00:00+03:00'),
      )
      .when({ method: 'GET', path: '/v1/accounts/bu-corr/budgets', role: 'auditor' })
      .then(expectResponse(200));
    expect(await percentUsed()).toEqual({ spend: '100', percentUsed: '10.00' });
    await later
      .given(used('bu-corr', 'bu-corr-late', '50', '2026-03-25T12:00:00+03:00'))
      .when({ method: 'GET', path: '/v1/accounts/bu-corr/budgets', role: 'auditor' })
      .then(expectResponse(200));
    expect(await percentUsed()).toEqual({ spend: '150', percentUsed: '15.00' });
    await later
      .given(
        succeeded(
          'POST',
          '/v1/accounts/bu-corr/adjustments',
          {
            adjustmentId: 'bu-corr-credit',
            direction: 'credit',
            amount: '30',
            period: '2026-03',
            service: 'Cloud Compute',
            reason: 'outage',
          },
          'ops',
        ),
      )
      .when({ method: 'GET', path: '/v1/accounts/bu-corr/budgets', role: 'auditor' })
      .then(expectResponse(200));
    expect(await percentUsed()).toEqual({ spend: '120', percentUsed: '12.00' });
  });
});
