import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { individual } from '../../../test/support/requests.js';

/**
 * The test clock of this file starts on 1 March 09:00 Moscow time. It only goes forward, so the scenarios
 * that move it run in the order written; the others must leave it where it was.
 */
const START = '2026-03-01T06:00:00.000Z';
const spec = apiSpecification({ now: START });
afterAll(() => spec.close());

const advance = (body: unknown, role: 'service' | 'ops' | 'auditor' | null = 'ops') => ({
  method: 'POST' as const,
  path: '/v1/ops/clock/advance',
  body,
  role,
});

/** Remembers the clock's time in a given step, for `clockAt`. */
let remembered = '';
const rememberClock = async (api: TestApi) => {
  remembered = api.clock.now().toISOString();
};
const clockAtRemembered = (): Expectation => (_result, api) =>
  expect(api.clock.now().toISOString()).toBe(remembered);

describe('GET /v1/ops/clock', () => {
  it.each(['service', 'ops', 'auditor'] as const)('the %s role reads the virtual time', (role) =>
    spec
      .given()
      .when({ method: 'GET', path: '/v1/ops/clock', role })
      .then(expectResponse(200, { kind: 'virtual', now: START }), expectNoNewEvents()),
  );

  it('401 without an API key', () =>
    spec
      .given()
      .when({ method: 'GET', path: '/v1/ops/clock', role: null })
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

describe('POST /v1/ops/clock/advance', () => {
  it('ops move the clock; every deadline due on the way fires: the month end closes March', () =>
    spec
      .given((api) => api.call('POST', '/v1/accounts', individual('ac-anna')))
      .when(advance({ to: '2026-04-01T00:00:00+03:00' }))
      .then(
        expectResponse(200, {
          kind: 'virtual',
          now: '2026-03-31T21:00:00.000Z',
          fired: [{ id: 'ac-anna/close/2026-03', dueAt: '2026-03-31T21:00:00.000Z', outcome: 'closed' }],
        }),
        (result) => expect(result.body.fired).toHaveLength(1),
        expectNewEvents('ledger-ac-anna@2026-03', [
          { type: 'PeriodClosed', data: { periodId: '2026-03', closedAt: '2026-03-31T21:00:00.000Z' } },
        ]),
        expectNewEvents('ledger-ac-anna@2026-04', [
          { type: 'PeriodOpened', data: { periodId: '2026-04', carried: { status: 'active' } } },
        ]),
        (result) =>
          expect(result.newEvents.map((e) => e.streamId)).toEqual([
            'ledger-ac-anna@2026-03',
            'ledger-ac-anna@2026-04',
          ]),
        async (_result, api) =>
          expect((await api.call('GET', '/v1/ops/clock')).body).toEqual({
            kind: 'virtual',
            now: '2026-03-31T21:00:00.000Z',
          }),
      ));

  it('to the clock’s own time: nothing is due, nothing fires, nothing is stored', () =>
    spec
      .given(rememberClock)
      .when(() => advance({ to: remembered }))
      .then(
        (result) => expect(result.body).toEqual({ kind: 'virtual', now: remembered, fired: [] }),
        expectResponse(200),
        expectNoNewEvents(),
        clockAtRemembered(),
      ));

  it('422 CLOCK_CANNOT_GO_BACK naming to: time in an event log never goes back', () =>
    spec
      .given(rememberClock)
      .when(advance({ to: '2026-03-15T00:00:00+03:00' }))
      .then(
        expectProblem(422, 'CLOCK_CANNOT_GO_BACK', 'to'),
        (result) =>
          expect(result.body.errors).toEqual([
            { field: 'to', rule: 'notBeforeNow', message: `to must not be before ${remembered}` },
          ]),
        expectNoNewEvents(),
        clockAtRemembered(),
      ));

  it.each([
    ['a date without a time', { to: '2026-05-02' }, 'to'],
    ['a time without an offset', { to: '2026-05-02T00:00:00' }, 'to'],
    ['an impossible date', { to: '2026-02-30T00:00:00+03:00' }, 'to'],
    ['a number', { to: 1777680000000 }, 'to'],
    ['no to at all', {}, 'to'],
    ['an unknown field', { to: '2026-05-02T00:00:00Z', speed: 2 }, 'speed'],
  ])('400 naming the field for %s; the clock stays, nothing stored', (_case, body, field) =>
    spec
      .given(rememberClock)
      .when(advance(body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents(), clockAtRemembered()),
  );

  it('400 for a body that is not JSON', () =>
    spec
      .given(rememberClock)
      .when({ ...advance(undefined), rawBody: '{"to": ' })
      .then(expectProblem(400, 'MALFORMED_JSON'), expectNoNewEvents(), clockAtRemembered()));

  it.each(['service', 'auditor'] as const)('403 for the %s role: only ops move the clock', (role) =>
    spec
      .given(rememberClock)
      .when(advance({ to: '2026-05-02T00:00:00Z' }, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents(), clockAtRemembered()),
  );

  it('401 without an API key', () =>
    spec
      .given(rememberClock)
      .when(advance({ to: '2026-05-02T00:00:00Z' }, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents(), clockAtRemembered()));
});

describe('POST /v1/ops/clock/advance with a target in another offset', () => {
  // Its own test clock: 28 February 15:00 Moscow time, so the Moscow month end (21:00Z) is ahead.
  const moscow = apiSpecification({ now: '2026-02-28T12:00:00.000Z' });
  afterAll(() => moscow.close());

  it('23:30 Moscow is 20:30Z: the month end due at 21:00Z is still ahead, nothing fires, the clock is at 20:30Z', () =>
    moscow
      .given((api) =>
        api.call('POST', '/v1/accounts', {
          ...individual('ac-offset'),
          openedAt: '2026-02-28T15:00:00+03:00',
        }),
      )
      .when(advance({ to: '2026-02-28T23:30:00+03:00' }))
      .then(
        expectResponse(200, { kind: 'virtual', now: '2026-02-28T20:30:00.000Z', fired: [] }),
        expectNoNewEvents(),
        (_result, api) => expect(api.clock.now().toISOString()).toBe('2026-02-28T20:30:00.000Z'),
      ));

  it('00:30 Moscow on 1 March is 21:30Z: the February close fires at 21:00Z on the way', () =>
    moscow
      .given()
      .when(advance({ to: '2026-03-01T00:30:00+03:00' }))
      .then(
        expectResponse(200, {
          kind: 'virtual',
          now: '2026-02-28T21:30:00.000Z',
          fired: [{ id: 'ac-offset/close/2026-02', dueAt: '2026-02-28T21:00:00.000Z', outcome: 'closed' }],
        }),
        expectNewEvents('ledger-ac-offset@2026-02', [
          { type: 'PeriodClosed', data: { periodId: '2026-02' } },
        ]),
      ));
});
