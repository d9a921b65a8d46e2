import { randomUUID } from 'node:crypto';
import { ProjectionsRuntime } from '../../src/ops/projections/projections-runtime.js';
import { individual } from '../support/requests.js';
import { startTestApi, type TestApi } from '../support/api.js';

describe('projection operations over HTTP', () => {
  let api: TestApi;
  let runtime: ProjectionsRuntime;

  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const status = async (name: string) =>
    (await api.call('GET', `/v1/ops/projections/${name}`, undefined, { role: 'ops' })).body;

  beforeAll(async () => {
    api = await startTestApi();
    runtime = api.app.get(ProjectionsRuntime);
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    const topUp = await api.call('POST', '/v1/accounts/anna/top-ups', {
      paymentId: 'card-1',
      amount: '100.00',
      currency: 'RUB',
      channel: 'card',
      paidAt: '2026-03-01T10:00:00+03:00',
    });
    expect(topUp.status).toBe(201);
    await until(async () => (await status('account-balances')).lagPositions === 0, 'balances to catch up');
  });
  afterAll(() => api.close());

  it('lists every projection with its state, position, head, lag and holder, for the ops role only', async () => {
    const response = await api.call('GET', '/v1/ops/projections', undefined, { role: 'ops' });
    expect(response.status).toBe(200);
    const names = response.body.projections.map((p: any) => p.name);
    expect(names).toEqual([
      'account-balances',
      'account-status',
      'deadlines',
      'documents',
      'document-registers',
      'billing-report',
      'costs',
    ]);
    expect(response.body.projections[0]).toMatchObject({
      state: 'live',
      holder: 'in-process',
      lagPositions: 0,
      lastError: null,
      liveBuild: 3,
    });
    expect(response.body.projections[0].position).toBe(response.body.projections[0].head);
    const balance = await runtime.db.get<{ balance: string }>(
      `SELECT balance FROM ${await runtime.operations.liveTable('account-balances', 'balance_accounts')} WHERE account_id = $1`,
      ['anna'],
    );
    expect(balance).toEqual({ balance: '100' });
    expect((await api.call('GET', '/v1/ops/projections', undefined, { role: 'service' })).status).toBe(403);
    expect((await api.call('GET', '/v1/ops/projections', undefined, { role: 'auditor' })).status).toBe(403);
  });

  it('replays one projection blue/green: 202 with a request to follow, then the new build is live', async () => {
    const before = await status('account-status');
    const response = await api.call('POST', '/v1/ops/projections/account-status/replay', undefined, {
      role: 'ops',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/v1/ops/projections/requests/${response.body.id}`);
    await runtime.host!.tick();
    await until(async () => {
      const request = await api.call('GET', response.headers.get('location')!, undefined, { role: 'ops' });
      return request.body.state === 'done';
    }, 'the replay to finish');
    const request = (await api.call('GET', response.headers.get('location')!, undefined, { role: 'ops' }))
      .body;
    expect(request).toMatchObject({
      name: 'account-status',
      kind: 'replay',
      requestedBy: 'ops:test-ops',
      detail: { build: before.liveBuild + 1, liveBuild: before.liveBuild, comparison: { identical: true } },
    });
    expect((await status('account-status')).liveBuild).toBe(before.liveBuild + 1);
  });

  it('with requireIdentical=true, a replay whose build differs keeps the live one and fails', async () => {
    const table = await runtime.operations.liveTable('account-status', 'account_status');
    await runtime.db.run(`UPDATE ${table} SET reason = 'tampered' WHERE account_id = $1`, ['anna']);
    const response = await api.call(
      'POST',
      '/v1/ops/projections/account-status/replay?requireIdentical=true',
      undefined,
      {
        role: 'ops',
      },
    );
    expect(response.status).toBe(202);
    await runtime.host!.tick();
    await until(async () => {
      const request = await api.call('GET', response.headers.get('location')!, undefined, { role: 'ops' });
      return request.body.state === 'failed';
    }, 'the replay to be refused');
    expect(await runtime.operations.liveTable('account-status', 'account_status')).toBe(table);
    const bad = await api.call(
      'POST',
      '/v1/ops/projections/account-status/replay?requireIdentical=maybe',
      undefined,
      {
        role: 'ops',
      },
    );
    expect(bad.status).toBe(400);
  });

  it('answers an unknown projection with 404 problem+json naming the known ones', async () => {
    const response = await api.call('POST', '/v1/ops/projections/nope/replay', undefined, { role: 'ops' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'PROJECTION_NOT_FOUND' });
    expect(response.body.known).toContain('account-balances');
  });

  it('reports a poison event by name and position in status and metrics; resume retries it, never skips it', async () => {
    // A payment for a bill that was never issued: the balances projection cannot apply it.
    const { position } = await api.store.append('ledger-anna@2026-03', [
      {
        id: randomUUID(),
        type: 'BillPaymentApplied',
        data: {
          billId: 'no-such-bill',
          paymentId: 'p',
          amount: '1',
          remaining: '0',
          fullyPaid: true,
          at: '2026-03-02T00:00:00Z',
        },
      },
    ]);
    await until(async () => (await status('account-balances')).state === 'failed', 'balances to stop');
    const report = await status('account-balances');
    expect(report.lastError).toMatchObject({
      eventType: 'BillPaymentApplied',
      position: position.toString(),
      streamId: 'ledger-anna@2026-03',
    });
    expect(report.lastError.message).toMatch(/never issued/);
    expect(report.position).toBe((position - 1n).toString());
    expect(report.lagPositions).toBe(1);

    const metrics = await api.call('GET', '/metrics', undefined, { role: 'ops' });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toContain('projection_failed{projection="account-balances"} 1');
    expect(metrics.body).toContain('projection_lag_positions{projection="account-balances"} 1');
    expect(metrics.body).toContain('projection_failed{projection="account-status"} 0');
    expect(metrics.body).toContain('billing_commands_total');
    expect((await api.call('GET', '/metrics', undefined, { role: 'service' })).status).toBe(403);

    const resume = await api.call('POST', '/v1/ops/projections/account-balances/resume', undefined, {
      role: 'ops',
    });
    expect(resume.status).toBe(202);
    await runtime.host!.tick();
    const resumed = await api.call('GET', resume.headers.get('location')!, undefined, { role: 'ops' });
    expect(resumed.body.state).toBe('done');
    await until(async () => (await status('account-balances')).state === 'failed', 'the retry to stop again');
    const after = await status('account-balances');
    expect(after.lastError.eventId).toBe(report.lastError.eventId);
    expect(after.position).toBe((position - 1n).toString());
  });
});
