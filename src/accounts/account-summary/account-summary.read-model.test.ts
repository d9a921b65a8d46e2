import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
  stream,
} from '../../../test/support/api-specification.js';
import { fallbacks, liveTable, projectionReaches, writeThenRead } from '../../../test/support/read-models.js';
import { individual, usage } from '../../../test/support/requests.js';

/** The account summary now comes from its read model (account-status), consistent with the writes before it. */
const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

type Api = Awaited<ReturnType<typeof spec.api>>;
const open = (accountId: string) => (api: Api) => api.call('POST', '/v1/accounts', individual(accountId));
const topUp = (accountId: string, paymentId: string, amount: string) => (api: Api) =>
  api.call('POST', `/v1/accounts/${accountId}/top-ups`, {
    paymentId,
    amount,
    currency: 'RUB',
    channel: 'card',
  });
const summary = (accountId: string, query = '') => ({
  method: 'GET' as const,
  path: `/v1/accounts/${accountId}${query}`,
  role: 'auditor' as const,
});

describe('GET /v1/accounts/:id from its read model', () => {
  it('is served from the read model once it has caught up with the log', async () => {
    const api = await spec.api();
    await open('rm-served')(api);
    await topUp('rm-served', 'rm-p1', '100')(api);
    const before = await fallbacks(api, 'account-summary');
    const first = await api.call('GET', '/v1/accounts/rm-served');
    expect(first.body).toMatchObject({ balance: '100' });
    // Change the read model's row behind the log's back: the next summary shows it, so it reads the row.
    const table = await liveTable(api, 'account-status', 'account_summary');
    const row = await api.projections.db.get<{ ledger: string }>(
      `SELECT ledger FROM ${table} WHERE account_id = $1`,
      ['rm-served'],
    );
    const ledger = JSON.parse(row!.ledger);
    ledger.carried.balance = '12345';
    await api.projections.db.run(`UPDATE ${table} SET ledger = $2 WHERE account_id = $1`, [
      'rm-served',
      JSON.stringify(ledger),
    ]);
    expect((await api.call('GET', '/v1/accounts/rm-served')).body).toMatchObject({ balance: '12345' });
    expect(await fallbacks(api, 'account-summary')).toBe(before);
  });

  it('read-your-writes: a top-up shows in the summary read right after it, though the read model was behind', async () => {
    const api = await spec.api();
    await open('rm-ryw')(api);
    await topUp('rm-ryw', 'rm-p3', '10')(api);
    expect((await api.call('GET', '/v1/accounts/rm-ryw')).body).toMatchObject({ balance: '10' });
    const before = await fallbacks(api, 'account-summary');
    const after = await writeThenRead(
      api,
      async () => expect((await topUp('rm-ryw', 'rm-p4', '15')(api)).status).toBe(201),
      () => api.call('GET', '/v1/accounts/rm-ryw'),
    );
    expect(after.body).toMatchObject({ balance: '25', availableFunds: '25' });
    // Served from the read model (it waited), not from the log.
    expect(await fallbacks(api, 'account-summary')).toBe(before);
  });

  it('as-of reads replay the log: a past balance', async () => {
    const api = await spec.api();
    await open('rm-asof')(api);
    await topUp('rm-asof', 'rm-p5', '10')(api);
    const res = await api.call('GET', '/v1/accounts/rm-asof?asOf=2026-03-01T09:00:00%2B03:00');
    expect(res.body).toMatchObject({ balance: '0', asOf: '2026-03-01T06:00:00.000Z' });
  });
});

describe('the same body as the log gives (the summary replayed as of now)', () => {
  // A service of its own: its clock moves past a month end.
  const travel = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
  afterAll(() => travel.close());

  it('active with a grant, frozen, past the month end before it is closed, and in the next period', async () => {
    const api = await travel.api();
    await open('rm-same')(api);
    await topUp('rm-same', 'rm-p2', '10')(api);
    await api.call('POST', '/v1/accounts/rm-same/grants', {
      grantId: 'rm-g1',
      kind: 'start',
      amount: '5',
      currency: 'RUB',
    });
    const compare = async () => {
      const now = api.clock.now().toISOString();
      const head = await api.store.headPosition();
      const fromReadModel = await api.call('GET', '/v1/accounts/rm-same');
      const fromLog = await api.call('GET', `/v1/accounts/rm-same?asOf=${encodeURIComponent(now)}`);
      expect(await api.store.headPosition()).toBe(head);
      expect(fromReadModel.status).toBe(200);
      expect(fromReadModel.body).toEqual(fromLog.body);
      return fromReadModel.body;
    };
    expect(await compare()).toMatchObject({ status: { value: 'active' }, grants: [{ grantId: 'rm-g1' }] });
    // Frozen below zero: status with its reason and why, and the frozen objects' deadline.
    await api.call(
      'POST',
      '/v1/accounts/rm-same/usage',
      usage('rm-u1', 'test.unit', '20', '2026-03-10T11:00:00+03:00'),
    );
    expect(await compare()).toMatchObject({
      status: { value: 'frozen', reason: 'balance-below-zero' },
      nextDeadlines: [{ kind: 'delete-frozen-objects' }, { kind: 'period-close' }],
    });
    // Past the month end, nothing fired yet: still March (a read opens and closes nothing).
    api.clock.set('2026-04-01T09:00:00.000Z');
    expect(await compare()).toMatchObject({ period: { id: '2026-03' } });
    // The timelines close March (and queue the frozen objects): April carries the state over.
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    expect(await compare()).toMatchObject({ period: { id: '2026-04' }, status: { value: 'frozen' } });
    await topUp('rm-same', 'rm-p3', '100')(api);
    expect(await compare()).toMatchObject({ period: { id: '2026-04' }, status: { value: 'active' } });
  });
});

describe('no read writes', () => {
  it('now (read model): the log head does not move', () =>
    spec.given(open('rm-ro')).when(summary('rm-ro')).then(expectResponse(200), expectNoNewEvents()));

  it('as of a past time and as recorded (log): the log head does not move', async () => {
    await spec
      .given(open('rm-ro2'))
      .when(summary('rm-ro2', '?asOf=2026-03-05T00:00:00Z'))
      .then(expectResponse(200), expectNoNewEvents());
    await spec
      .given()
      .when(summary('rm-ro2', '?basis=recorded'))
      .then(expectResponse(200), expectNoNewEvents());
  });
});

describe('when the read model cannot answer, the log does, with the same body', () => {
  // A service of its own: its account-status projection (which keeps the summary) is made to fail.
  const broken = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
  afterAll(() => broken.close());

  it('a failed projection: the summary is answered from the log, counted in /metrics, and still reads its writes', async () => {
    const api = await broken.api();
    await open('rm-fb')(api);
    await topUp('rm-fb', 'rm-p6', '40')(api);
    const served = await api.call('GET', '/v1/accounts/rm-fb');
    expect(await fallbacks(api, 'account-summary')).toBe(0);

    // Another account's ledger holds an event the projection cannot apply (an amount that is no
    // number): the account-status projection, which keeps the summaries, stops at it.
    await broken
      .given(
        open('rm-poisoned'),
        stream('ledger-rm-poisoned@2026-03', {
          type: 'FundsDeposited',
          data: {
            paymentId: 'x',
            amount: 'lots',
            channel: 'card',
            countsInDocuments: false,
            balanceAfter: '1',
          },
        }),
      )
      .when(summary('rm-fb'))
      .then(expectResponse(200));
    await projectionReaches(api, 'account-status', 'failed');

    const fromLog = await api.call('GET', '/v1/accounts/rm-fb');
    expect(fromLog.body).toEqual(served.body);
    expect(await fallbacks(api, 'account-summary')).toBeGreaterThanOrEqual(1);
    const counted = await fallbacks(api, 'account-summary');

    expect((await topUp('rm-fb', 'rm-p7', '12')(api)).status).toBe(201);
    expect((await api.call('GET', '/v1/accounts/rm-fb')).body).toMatchObject({ balance: '52' });
    expect(await fallbacks(api, 'account-summary')).toBe(counted + 1);
    await broken.given().when(summary('rm-fb')).then(expectResponse(200), expectNoNewEvents());
  });

  it('an unknown account is still a 404, from the log', () =>
    broken.given().when(summary('rm-nobody')).then(expectResponse(404), expectNoNewEvents()));
});
