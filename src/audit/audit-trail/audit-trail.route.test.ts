import { randomUUID } from 'node:crypto';
import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { individual, usage } from '../../../test/support/requests.js';
import { GENESIS_HASH, chainEvents } from '../../platform/event-store/hash-chain.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

type Role = 'service' | 'ops' | 'auditor' | null;
const get = (path: string, role: Role = 'auditor') => ({ method: 'GET' as const, path, role });

/**
 * au-anna's history: opened, a card top-up of 100.00 (which also claims the payment id in its own stream),
 * 30 units used. au-boris is opened beside her; neither sees the other's events.
 */
const ANNA = [
  ['account-au-anna', 'AccountOpened'],
  ['ledger-au-anna@2026-03', 'PeriodOpened'],
  ['ledger-au-anna@2026-03', 'FundsDeposited'],
  ['ledger-au-anna@2026-03', 'ResourceConsumed'],
];
const history = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual('au-anna'));
  await api.call('POST', '/v1/accounts', individual('au-boris'));
  await api.call('POST', '/v1/accounts/au-anna/top-ups', {
    paymentId: 'au-p1',
    amount: '100',
    currency: 'RUB',
    channel: 'card',
  });
  await api.call('POST', '/v1/accounts/au-boris/top-ups', {
    paymentId: 'au-p2',
    amount: '50',
    currency: 'RUB',
    channel: 'card',
  });
  await api.call(
    'POST',
    '/v1/accounts/au-anna/usage',
    usage('au-u1', 'test.unit', '30', '2026-03-05T12:00:00+03:00'),
  );
  await api.advanceTo('2026-03-10T09:00:00.000Z'); // every timeline has seen the history
});

const positionsOf = (body: any): string[] => body.events.map((e: { position: string }) => e.position);
const kinds = (body: any) => body.events.map((e: { streamId: string; type: string }) => [e.streamId, e.type]);

/** au-anna's events as GET …/events lists them (one page of up to 100), once her history is stored. */
async function anna(api: TestApi): Promise<any[]> {
  await history(api);
  return (await api.call('GET', '/v1/audit/accounts/au-anna/events', undefined, { role: 'auditor' })).body
    .events;
}

describe('GET /v1/audit/accounts/:id/events', () => {
  it('the account’s whole history in log order: the fact, its metadata and where it sits in the log', () =>
    spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/events'))
      .then(
        expectResponse(200),
        (result) => {
          expect(kinds(result.body)).toEqual(ANNA);
          const positions = positionsOf(result.body).map(BigInt);
          expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
          expect(result.body.next).toBe(positionsOf(result.body).at(-1));
          expect(result.body.events[2]).toEqual({
            position: expect.stringMatching(/^\d+$/),
            streamId: 'ledger-au-anna@2026-03',
            revision: 1,
            eventId: expect.any(String),
            type: 'FundsDeposited',
            data: expect.objectContaining({ paymentId: 'au-p1', amount: '100', channel: 'card' }),
            metadata: expect.objectContaining({
              actor: 'service:test-service',
              commandId: expect.any(String),
              recordedAt: '2026-03-10T09:00:00.000Z',
              hash: expect.stringMatching(/^[0-9a-f]{64}$/),
            }),
            storedAt: expect.any(String),
          });
        },
        expectNoNewEvents(),
      ));

  it('pages by position: limit, then after = the last position seen, until an empty page', async () => {
    const all = positionsOf({ events: await anna(await spec.api()) });
    expect(all).toHaveLength(4);
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/events?limit=3', 'ops'))
      .then(expectResponse(200, { next: all[2] }), (r) =>
        expect(positionsOf(r.body)).toEqual(all.slice(0, 3)),
      );
    await spec
      .given(history)
      .when(get(`/v1/audit/accounts/au-anna/events?limit=3&after=${all[2]}`, 'ops'))
      .then(expectResponse(200, { next: all[3] }), (r) => expect(positionsOf(r.body)).toEqual(all.slice(3)));
    await spec
      .given(history)
      .when(get(`/v1/audit/accounts/au-anna/events?limit=3&after=${all[3]}`, 'ops'))
      .then(expectResponse(200, { events: [], next: null }), expectNoNewEvents());
  });

  it('an unknown account has an empty history (200, not 404)', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/au-nobody/events'))
      .then(expectResponse(200, { events: [], next: null }), expectNoNewEvents()));

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-5', 'limit'],
    ['after=abc', 'after'],
    ['after=-1', 'after'],
  ])('400 naming the field for ?%s; nothing stored', (query, field) =>
    spec
      .given(history)
      .when(get(`/v1/audit/accounts/au-anna/events?${query}`))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/-au-bad/events'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/events', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/events', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });
});

describe('GET /v1/audit/events', () => {
  let head = '';
  const rememberHead = async (api: TestApi) => {
    await history(api);
    head = (await api.store.headPosition())!.toString();
    await api.call('POST', '/v1/accounts', individual('au-feed'));
  };

  it('the global feed of every stream after a position', () =>
    spec
      .given(rememberHead)
      .when(() => get(`/v1/audit/events?after=${head}`, 'ops'))
      .then(
        expectResponse(200),
        (result) => {
          expect(kinds(result.body)).toEqual([
            ['account-au-feed', 'AccountOpened'],
            ['ledger-au-feed@2026-03', 'PeriodOpened'],
          ]);
          expect(result.body.next).toBe(positionsOf(result.body).at(-1));
        },
        expectNoNewEvents(),
      ));

  // The log begins with the price list seeded on first start (the catalog stream is audited too).
  it('pages: limit=1 answers one event and the position to continue after', () =>
    spec
      .given(history)
      .when(get('/v1/audit/events?limit=1'))
      .then(
        expectResponse(200, { next: '1' }),
        (result) => expect(kinds(result.body)).toEqual([['catalog', 'CatalogVersionPublished']]),
        expectNoNewEvents(),
      ));

  it.each([
    ['limit=0', 'limit'],
    ['after=1.5', 'after'],
  ])('400 naming the field for ?%s', (query, field) =>
    spec
      .given()
      .when(get(`/v1/audit/events?${query}`))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('403 for the service role; 401 without a key', async () => {
    await spec.given().when(get('/v1/audit/events', 'service')).then(expectProblem(403, 'FORBIDDEN'));
    await spec.given().when(get('/v1/audit/events', null)).then(expectProblem(401, 'UNAUTHENTICATED'));
  });
});

describe('GET /v1/audit/accounts/:id/export', () => {
  it('JSON Lines by default: one line per event, as the history lists them', async () => {
    const listed = await anna(await spec.api());
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/export'))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
          expect(result.headers.get('content-disposition')).toBe(
            'attachment; filename="au-anna-events.jsonl"',
          );
          const text = result.body as string;
          expect(text.endsWith('\n')).toBe(true);
          expect(
            text
              .trimEnd()
              .split('\n')
              .map((line) => JSON.parse(line)),
          ).toEqual(listed);
        },
        expectNoNewEvents(),
      );
  });

  it('format=csv: a header and one record per event, the data as quoted JSON', async () => {
    const listed = await anna(await spec.api());
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/export?format=csv', 'ops'))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.headers.get('content-type')).toBe('text/csv; charset=utf-8');
          expect(result.headers.get('content-disposition')).toBe('attachment; filename="au-anna-events.csv"');
          const [header, ...records] = (result.body as string).trimEnd().split('\n');
          expect(header).toBe(
            'position,streamId,revision,eventId,type,recordedAt,effectiveAt,actor,commandId,correlationId,causationId,data',
          );
          // The columns before the data hold no comma.
          expect(records.map((record) => record.split(',').slice(0, 5))).toEqual(
            listed.map((e) => [e.position, e.streamId, String(e.revision), e.eventId, e.type]),
          );
          expect(records[2]).toContain(',"{""paymentId"":""au-p1"",""amount"":""100"",""channel"":""card""');
        },
        expectNoNewEvents(),
      );
  });

  it('an unknown account exports nothing (200, an empty file)', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/au-nobody/export'))
      .then(expectResponse(200), (result) => expect(result.body).toBeUndefined(), expectNoNewEvents()));

  it('400 naming format for another format; nothing stored', () =>
    spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/export?format=xml'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'format'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/au%20bad/export'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/export', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/export', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });
});

describe('GET /v1/audit/accounts/:id/verify', () => {
  it('recomputes every hash chain of the account: intact, stream by stream, never cached', () =>
    spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/verify'))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.body).toEqual({
            accountId: 'au-anna',
            intact: true,
            streams: [
              { streamId: 'account-au-anna', events: 1, intact: true },
              { streamId: 'ledger-au-anna@2026-03', events: 3, intact: true },
              // The claim of her top-up's payment id (PaymentBook): a payment claim is covered too.
              { streamId: 'payment-au-p1', events: 1, intact: true },
            ],
          });
          expect(result.headers.get('cache-control')).toBe('no-store');
        },
        expectNoNewEvents(),
      ));

  it('names the first event whose data no longer matches its hash', async () => {
    const eventId = randomUUID();
    await spec
      .given(history, async (api) => {
        // au-anna's opening as au-edited's, hashed as the engine would, then edited after hashing (as a
        // direct edit of the database would): the stored profile is not the one the hash covers.
        const [template] = await api.store.readStream('account-au-anna');
        const data = { ...(template!.data as object), accountId: 'au-edited' };
        const [opened] = chainEvents('account-au-edited', 0, GENESIS_HASH, [
          { id: eventId, type: 'AccountOpened', data, metadata: { ...template!.metadata } },
        ]);
        await api.store.append(
          'account-au-edited',
          [{ ...opened!, data: { ...data, profileId: 'yc-trial' } }],
          'no_stream',
        );
      })
      .when(get('/v1/audit/accounts/au-edited/verify', 'ops'))
      .then(
        expectResponse(200, {
          accountId: 'au-edited',
          intact: false,
          streams: [
            {
              streamId: 'account-au-edited',
              events: 1,
              intact: false,
              firstBreak: { streamId: 'account-au-edited', revision: 0, eventId, problem: 'edited' },
            },
          ],
        }),
        expectNoNewEvents(),
      );
  });

  it('an unknown account has no streams, and reports them intact (200, not 404)', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/au-nobody/verify'))
      .then(expectResponse(200, { accountId: 'au-nobody', intact: true, streams: [] }), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(get('/v1/audit/accounts/-au-bad/verify'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('403 for the service role; 401 without a key', async () => {
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/verify', 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
    await spec
      .given(history)
      .when(get('/v1/audit/accounts/au-anna/verify', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });
});
