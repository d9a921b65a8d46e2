import { randomUUID } from 'node:crypto';
import { SystemClock, VirtualClock } from '../../src/platform/clock/clock.js';
import { openClock } from '../../src/bootstrap.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { RunningTimelines } from '../../src/timelines/running-timelines.js';
import { AdvanceClockController } from '../../src/timelines/advance-clock/advance-clock.controller.js';
import { individual } from '../support/requests.js';
import { startTestApi, type TestApi } from '../support/api.js';

describe('the test clock over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('2026-03-01T06:00:00.000Z');
  });
  afterAll(() => api.close());

  it('moves forward for ops, firing every deadline due on the way in order', async () => {
    expect((await api.call('POST', '/v1/accounts', individual('anna'))).status).toBe(201);
    expect((await api.call('GET', '/v1/ops/clock', undefined, { role: 'auditor' })).body).toEqual({
      kind: 'virtual',
      now: '2026-03-01T06:00:00.000Z',
    });
    const advanced = await api.call(
      'POST',
      '/v1/ops/clock/advance',
      { to: '2026-05-01T00:00:00+03:00' },
      {
        role: 'ops',
      },
    );
    expect(advanced.status).toBe(200);
    expect(advanced.body.now).toBe('2026-04-30T21:00:00.000Z');
    // Both month ends, March before April, each at local midnight.
    expect(advanced.body.fired).toEqual([
      { id: 'anna/close/2026-03', dueAt: '2026-03-31T21:00:00.000Z', outcome: 'closed' },
      { id: 'anna/close/2026-04', dueAt: '2026-04-30T21:00:00.000Z', outcome: 'closed' },
    ]);
    expect(api.clock.now().toISOString()).toBe('2026-04-30T21:00:00.000Z');
  });

  it('never goes back, names a malformed time, and is moved by ops only', async () => {
    const before = api.clock.now().toISOString();
    const back = await api.call(
      'POST',
      '/v1/ops/clock/advance',
      { to: '2026-04-01T00:00:00Z' },
      { role: 'ops' },
    );
    expect(back.status).toBe(422);
    expect(back.body).toMatchObject({
      code: 'CLOCK_CANNOT_GO_BACK',
      errors: [{ field: 'to', rule: 'notBeforeNow' }],
    });
    const malformed = await api.call('POST', '/v1/ops/clock/advance', { to: '2026-05-02' }, { role: 'ops' });
    expect(malformed.status).toBe(400);
    expect(new Set(malformed.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['to']));
    const unknown = await api.call(
      'POST',
      '/v1/ops/clock/advance',
      { to: '2026-05-02T00:00:00Z', speed: 2 },
      {
        role: 'ops',
      },
    );
    expect(unknown.status).toBe(400);
    for (const role of ['service', 'auditor'] as const) {
      const refused = await api.call(
        'POST',
        '/v1/ops/clock/advance',
        { to: '2026-05-02T00:00:00Z' },
        { role },
      );
      expect(refused.status).toBe(403);
    }
    expect(api.clock.now().toISOString()).toBe(before);
  });
});

describe('the clock setting', () => {
  it('refuses to move the system clock', async () => {
    const controller = new AdvanceClockController(new SystemClock(), new RunningTimelines());
    expect(controller.now().kind).toBe('system');
    await expect(controller.advance({ to: '2030-01-01T00:00:00Z' })).rejects.toMatchObject({
      response: { status: 409, code: 'CLOCK_NOT_VIRTUAL' },
    });
  });

  it('resumes a test clock where the log last decided, never before it', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const start = '2026-03-01T06:00:00.000Z';
    expect((await openClock({ kind: 'virtual', start }, store)).now().toISOString()).toBe(start);
    await store.append('work-1', [
      { id: randomUUID(), type: 'WorkDone', data: {}, metadata: { recordedAt: '2026-04-15T10:00:00.000Z' } },
    ]);
    const resumed = await openClock({ kind: 'virtual', start }, store);
    expect(resumed).toBeInstanceOf(VirtualClock);
    expect(resumed.now().toISOString()).toBe('2026-04-15T10:00:00.000Z');
    expect(
      (await openClock({ kind: 'virtual', start: '2026-06-01T00:00:00.000Z' }, store)).now().toISOString(),
    ).toBe('2026-06-01T00:00:00.000Z');
    expect(await openClock({ kind: 'system' }, store)).toBeInstanceOf(SystemClock);
    await store.close();
  });
});
