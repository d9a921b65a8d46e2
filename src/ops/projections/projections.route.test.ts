import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { projectionsCaughtUp, projectionsOf } from '../../../test/support/read-models.js';
import { individual } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NAMES = [
  'account-balances',
  'account-status',
  'deadlines',
  'documents',
  'document-registers',
  'billing-report',
  'costs',
];
const REQUEST_ID = /^[0-9a-f-]{36}$/;

type Role = 'service' | 'ops' | 'auditor' | null;
const get = (path: string, role: Role = 'ops') => ({ method: 'GET' as const, path, role });
const post = (path: string, role: Role = 'ops') => ({ method: 'POST' as const, path, role });

/** An account with a top-up, applied by every projection. */
const history = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual('pj-anna'));
  await api.call('POST', '/v1/accounts/pj-anna/top-ups', {
    paymentId: 'pj-p1',
    amount: '100',
    currency: 'RUB',
    channel: 'card',
  });
  await projectionsCaughtUp(api);
});

/** The holder (this process) carries out every pending request, and any rebuild it starts runs to its end. */
async function carriedOut(api: TestApi): Promise<void> {
  const host = projectionsOf(api).host!;
  await host.tick();
  await host.settled();
}

describe('GET /v1/ops/projections', () => {
  it('lists every projection with its state, holder, position, head and lag', () =>
    spec
      .given(history)
      .when(get('/v1/ops/projections'))
      .then(
        expectResponse(200),
        async (result, api) => {
          const head = (await api.store.headPosition())!.toString();
          expect(result.body.projections.map((p: { name: string }) => p.name)).toEqual(NAMES);
          for (const projection of result.body.projections) {
            expect(projection).toMatchObject({
              kind: 'projection',
              state: 'live',
              holder: 'in-process',
              head,
              lagPositions: 0,
              lagSeconds: 0,
              lastError: null,
              rebuild: null,
            });
          }
          expect(result.body.projections[0]).toMatchObject({ position: head, liveBuild: 3, codeVersion: 3 });
        },
        expectNoNewEvents(),
      ));

  it.each(['service', 'auditor'] as const)('403 for the %s role', (role) =>
    spec
      .given()
      .when(get('/v1/ops/projections', role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without an API key', () =>
    spec
      .given()
      .when(get('/v1/ops/projections', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

describe('GET /v1/ops/projections/:name', () => {
  it('one projection’s status', () =>
    spec
      .given(history)
      .when(get('/v1/ops/projections/account-balances'))
      .then(
        expectResponse(200, {
          name: 'account-balances',
          kind: 'projection',
          state: 'live',
          holder: 'in-process',
          lagPositions: 0,
          lastError: null,
        }),
        (result) => expect(result.body.eventsApplied).toBeGreaterThan(0),
        expectNoNewEvents(),
      ));

  it.each(['nope', 'Not_A_Name'])('404 PROJECTION_NOT_FOUND for %p, naming the known ones', (name) =>
    spec
      .given()
      .when(get(`/v1/ops/projections/${name}`))
      .then(
        expectProblem(404, 'PROJECTION_NOT_FOUND'),
        expectResponse(404, { known: NAMES }),
        expectNoNewEvents(),
      ),
  );

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given()
      .when(get('/v1/ops/projections/account-balances', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'));
    await spec
      .given()
      .when(get('/v1/ops/projections/account-balances', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'));
  });
});

describe('POST /v1/ops/projections/:name/replay', () => {
  it('202 with a request to follow; the holder rebuilds beside the live build and switches to it', async () => {
    const before = (await spec.given(history).when(get('/v1/ops/projections/account-status')).then()).body;
    const accepted = await spec
      .given()
      .when(post('/v1/ops/projections/account-status/replay'))
      .then(
        expectResponse(202, {
          id: expect.stringMatching(REQUEST_ID),
          name: 'account-status',
          kind: 'replay',
          state: 'pending',
          requestedBy: 'ops:test-ops',
          detail: {},
        }),
        (result) =>
          expect(result.headers.get('location')).toBe(`/v1/ops/projections/requests/${result.body.id}`),
        // Requests are kept with the read models, never in the event log.
        expectNoNewEvents(),
      );
    await spec
      .given(carriedOut)
      .when(get(accepted.headers.get('location')!))
      .then(
        expectResponse(200, {
          id: accepted.body.id,
          state: 'done',
          detail: {
            build: before.liveBuild + 1,
            liveBuild: before.liveBuild,
            comparison: { identical: true },
          },
        }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when(get('/v1/ops/projections/account-status'))
      .then(expectResponse(200, { liveBuild: before.liveBuild + 1, state: 'live', lagPositions: 0 }));
  });

  it('400 naming requireIdentical unless it is true or false; nothing requested', async () => {
    await spec
      .given(history)
      .when(post('/v1/ops/projections/account-status/replay?requireIdentical=maybe'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'requireIdentical'), expectNoNewEvents());
    await spec
      .given()
      .when(get('/v1/ops/projections/account-status'))
      .then(expectResponse(200, { rebuild: null }));
  });

  it('404 PROJECTION_NOT_FOUND for an unknown projection', () =>
    spec
      .given()
      .when(post('/v1/ops/projections/nope/replay'))
      .then(
        expectProblem(404, 'PROJECTION_NOT_FOUND'),
        expectResponse(404, { known: NAMES }),
        expectNoNewEvents(),
      ));

  it.each(['service', 'auditor'] as const)('403 for the %s role', (role) =>
    spec
      .given()
      .when(post('/v1/ops/projections/account-status/replay', role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without an API key', () =>
    spec
      .given()
      .when(post('/v1/ops/projections/account-status/replay', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

describe('POST /v1/ops/projections/:name/resume', () => {
  it('202 with a request the holder carries out: the projection restarts from its checkpoint', async () => {
    const accepted = await spec
      .given(history)
      .when(post('/v1/ops/projections/account-balances/resume'))
      .then(
        expectResponse(202, {
          id: expect.stringMatching(REQUEST_ID),
          name: 'account-balances',
          kind: 'resume',
          state: 'pending',
        }),
        (result) =>
          expect(result.headers.get('location')).toBe(`/v1/ops/projections/requests/${result.body.id}`),
        expectNoNewEvents(),
      );
    await spec
      .given(carriedOut)
      .when(get(accepted.headers.get('location')!))
      .then(
        expectResponse(200, { id: accepted.body.id, kind: 'resume', state: 'done' }),
        expectNoNewEvents(),
      );
  });

  it('404 PROJECTION_NOT_FOUND for an unknown projection', () =>
    spec
      .given()
      .when(post('/v1/ops/projections/nope/resume'))
      .then(expectProblem(404, 'PROJECTION_NOT_FOUND'), expectNoNewEvents()));

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given()
      .when(post('/v1/ops/projections/account-balances/resume', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given()
      .when(post('/v1/ops/projections/account-balances/resume', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });
});

describe('POST /v1/ops/projections/rebuild', () => {
  it('202: a replay request for every projection, followed at the projections list', async () => {
    await spec
      .given(history)
      .when(post('/v1/ops/projections/rebuild'))
      .then(
        expectResponse(202),
        (result) => {
          expect(result.headers.get('location')).toBe('/v1/ops/projections');
          expect(result.body.requests).toEqual(
            NAMES.map((name) =>
              expect.objectContaining({
                name,
                kind: 'replay',
                state: 'pending',
                requestedBy: 'ops:test-ops',
              }),
            ),
          );
        },
        expectNoNewEvents(),
      );
    await spec
      .given(carriedOut)
      .when(get('/v1/ops/projections'))
      .then(expectResponse(200), (result) => {
        for (const projection of result.body.projections)
          expect(projection).toMatchObject({ state: 'live', rebuild: null, lagPositions: 0 });
      });
  });

  it('400 naming requireIdentical unless it is true or false', () =>
    spec
      .given()
      .when(post('/v1/ops/projections/rebuild?requireIdentical=yes'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'requireIdentical'), expectNoNewEvents()));

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given()
      .when(post('/v1/ops/projections/rebuild', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given()
      .when(post('/v1/ops/projections/rebuild', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });
});

describe('GET /v1/ops/projections/requests/:id', () => {
  it.each(['00000000-0000-0000-0000-000000000000', 'not-an-id'])('404 NOT_FOUND for %p', (id) =>
    spec
      .given()
      .when(get(`/v1/ops/projections/requests/${id}`))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()),
  );

  it('403 for the auditor role', () =>
    spec
      .given()
      .when(get('/v1/ops/projections/requests/00000000-0000-0000-0000-000000000000', 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN')));
});
