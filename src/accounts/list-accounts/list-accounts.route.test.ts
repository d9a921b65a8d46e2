import { CommandBus } from '@nestjs/cqrs';
import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { startTestApi } from '../../../test/support/api.js';
import { liveTable } from '../../../test/support/read-models.js';
import {
  creditLimitSet,
  opened,
  publicOfferLegal,
  settle,
  succeeded,
  suspendableLegal,
  testMeta,
  toppedUp,
  used,
} from '../../../test/support/given-accounts.js';
import { creditLegal, individual } from '../../../test/support/requests.js';
import { DeleteAccount } from '../delete-account/delete-account.command.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

type Api = Awaited<ReturnType<typeof spec.api>>;

const list = (query = '', role?: null | 'service' | 'ops' | 'auditor') => ({
  method: 'GET' as const,
  path: `/v1/accounts${query ? `?${query}` : ''}`,
  ...(role === undefined ? {} : { role }),
});
const ids = (body: { accounts: Array<{ accountId: string }> }) => body.accounts.map((a) => a.accountId);

/** Every page of a listing, following nextCursor; `between` runs after each page but the last. */
async function allPages(
  api: Api,
  query: string,
  limit: number,
  between: (cursor: string) => Promise<void> = async () => undefined,
) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const params: string = [query, `limit=${limit}`, cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
      .filter(Boolean)
      .join('&');
    const res = await api.call('GET', `/v1/accounts?${params}`);
    expect(res.status).toBe(200);
    expect(res.body.accounts.length).toBeLessThanOrEqual(limit);
    pages.push(ids(res.body));
    cursor = res.body.nextCursor;
    if (cursor) await between(cursor);
  } while (cursor);
  return pages;
}

/**
 * The world of the filter tests (now 10 March 2026, Moscow), every id starting with `la-`:
 *  la-anna   individual, topped up 100: active
 *  la-boris  individual, used 5 on 9 March 12:00 Moscow: frozen since 2026-03-09T09:00Z, debt 5
 *  la-credit legal entity on yc-legal-credit, limit 100, used 150: active, balance -150, debt 150
 *  la-gone   individual, deleted now
 *  la-kz     individual in Kazakhstan (KZT): active
 *  la-owing  legal entity on yc-legal-prepaid, used 5 on 9 March: payment-required since 09:00Z, debt 5
 *  la-vera   individual, used 3 on 10 March 10:00 Moscow: frozen since 2026-03-10T07:00Z, debt 3
 */
beforeAll(async () => {
  const api = await spec.api();
  const steps = [
    opened('la-anna'),
    toppedUp('la-anna', 'la-anna-p1', '100'),
    opened('la-boris'),
    used('la-boris', 'la-boris-u1', '5', '2026-03-09T12:00:00+03:00'),
    opened(creditLegal('la-credit')),
    creditLimitSet('la-credit', '100'),
    used('la-credit', 'la-credit-u1', '150'),
    opened('la-gone'),
    opened({ ...individual('la-kz'), region: 'kz' }),
    opened(suspendableLegal('la-owing')),
    used('la-owing', 'la-owing-u1', '5', '2026-03-09T12:00:00+03:00'),
    opened('la-vera'),
    used('la-vera', 'la-vera-u1', '3', '2026-03-10T10:00:00+03:00'),
  ];
  for (const step of steps) await step(api);
  await api.app.get(CommandBus).execute(new DeleteAccount('la-gone', NOW, testMeta()));
  await settle(api);
}, 60_000);

/** The world's accounts only (q=la-), unless the query chooses its own prefix. */
const filtered = (query: string) =>
  spec.given().when(list(/(^|&)q=/.test(query) ? query : query ? `q=la-&${query}` : 'q=la-'));

describe('GET /v1/accounts: the accounts, in account id order', () => {
  it('each with its status and since when, profile, region, payer type, currency, balance and debt — a read stores nothing', async () => {
    const { body } = await filtered('').then(expectResponse(200), expectNoNewEvents());
    expect(ids(body)).toEqual([
      'la-anna',
      'la-boris',
      'la-credit',
      'la-gone',
      'la-kz',
      'la-owing',
      'la-vera',
    ]);
    expect(body.nextCursor).toBeNull();
    const row = (id: string) => body.accounts.find((a: { accountId: string }) => a.accountId === id);
    expect(row('la-anna')).toEqual({
      accountId: 'la-anna',
      status: 'active',
      statusSince: '2026-03-01T06:00:00.000Z',
      profileId: 'vk-individual-prepaid',
      region: 'ru-moscow',
      payerType: 'individual',
      currency: 'RUB',
      balance: '100',
      debt: '0',
      openedAt: '2026-03-01T06:00:00.000Z',
    });
    expect(row('la-boris')).toMatchObject({
      status: 'frozen',
      statusSince: '2026-03-09T09:00:00.000Z',
      balance: '-5',
      debt: '5',
    });
    expect(row('la-credit')).toMatchObject({
      status: 'active',
      profileId: 'yc-legal-credit',
      payerType: 'legal-entity',
      balance: '-150',
      debt: '150',
    });
    expect(row('la-gone')).toMatchObject({ status: 'deleted', statusSince: NOW });
    expect(row('la-kz')).toMatchObject({ region: 'kz', currency: 'KZT', status: 'active' });
    expect(row('la-owing')).toMatchObject({
      status: 'payment-required',
      statusSince: '2026-03-09T09:00:00.000Z',
      profileId: 'yc-legal-prepaid',
      debt: '5',
    });
  });

  it('the same balance and debt as each account’s summary', async () => {
    const api = await spec.api();
    const { body } = await api.call('GET', '/v1/accounts?q=la-');
    for (const account of body.accounts as Array<{ accountId: string; balance: string; debt: string }>) {
      const summary = await api.call('GET', `/v1/accounts/${account.accountId}`);
      expect([account.accountId, account.balance, account.debt]).toEqual([
        account.accountId,
        summary.body.balance,
        summary.body.debt,
      ]);
    }
  });

  it.each([
    ['status=frozen', ['la-boris', 'la-vera']],
    ['status=deleted', ['la-gone']],
    ['status=frozen,payment-required', ['la-boris', 'la-owing', 'la-vera']],
    ['status=frozen&status=payment-required', ['la-boris', 'la-owing', 'la-vera']],
    [
      'status=active&status=deleted,frozen',
      ['la-anna', 'la-boris', 'la-credit', 'la-gone', 'la-kz', 'la-vera'],
    ],
    ['status=suspended', []],
    ['profile=yc-legal-credit', ['la-credit']],
    ['profile=vk-individual-prepaid', ['la-anna', 'la-boris', 'la-gone', 'la-kz', 'la-vera']],
    ['region=kz', ['la-kz']],
    ['region=ru-moscow', ['la-anna', 'la-boris', 'la-credit', 'la-gone', 'la-owing', 'la-vera']],
    ['payerType=legal-entity', ['la-credit', 'la-owing']],
    ['payerType=sole-proprietor', []],
    ['hasDebt=true', ['la-boris', 'la-credit', 'la-owing', 'la-vera']],
    ['hasDebt=false', ['la-anna', 'la-gone', 'la-kz']],
    // Frozen since 10 March (Moscow midnight = 9 March 21:00Z): only la-vera; before it, only la-boris.
    ['status=frozen&statusSince=2026-03-10T00:00:00%2B03:00', ['la-vera']],
    ['status=frozen&statusBefore=2026-03-10T00:00:00%2B03:00', ['la-boris']],
    // statusSince is inclusive, statusBefore exclusive.
    ['statusSince=2026-03-09T09:00:00Z&statusBefore=2026-03-10T07:00:00Z', ['la-boris', 'la-owing']],
    ['statusSince=2026-03-10T07:00:00Z', ['la-gone', 'la-vera']],
    ['q=la-b', ['la-boris']],
    ['q=la-k', ['la-kz']],
    ['q=LA-', []],
    [
      'status=frozen&hasDebt=true&payerType=individual&region=ru-moscow&profile=vk-individual-prepaid',
      ['la-boris', 'la-vera'],
    ],
  ])('%s → %j', async (query, expected) => {
    const { body } = await filtered(query).then(expectResponse(200), expectNoNewEvents());
    expect(ids(body)).toEqual(expected);
  });

  it('a filter may stand alone: status=payment-required over every account', async () => {
    const { body } = await spec.given().when(list('status=payment-required')).then(expectResponse(200));
    expect(ids(body)).toEqual(['la-owing']);
  });

  it('a contract change moves the account to its new profile in the list', async () => {
    const api = await spec.api();
    await opened(publicOfferLegal('lc-romashka'))(api);
    const before = await api.call('GET', '/v1/accounts?q=lc-&profile=vk-legal-prepaid');
    expect(ids(before.body)).toEqual(['lc-romashka']);
    await succeeded('PUT', '/v1/accounts/lc-romashka/contract', {
      contract: 'individual-contract',
      paymentScheme: 'postpaid',
      profileId: 'vk-legal-postpaid',
    })(api);
    expect(ids((await api.call('GET', '/v1/accounts?q=lc-&profile=vk-legal-prepaid')).body)).toEqual([]);
    const after = await api.call('GET', '/v1/accounts?q=lc-&profile=vk-legal-postpaid');
    expect(after.body.accounts).toEqual([
      expect.objectContaining({ accountId: 'lc-romashka', profileId: 'vk-legal-postpaid' }),
    ]);
  });

  it.each(['ops', 'auditor'] as const)('the %s role may read too', (role) =>
    spec
      .given()
      .when(list('q=la-a', role))
      .then(expectResponse(200, { accounts: [{ accountId: 'la-anna' }] })),
  );

  it('401 without a key', () =>
    spec.given().when(list('', null)).then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it.each([
    ['status', 'status=archived'],
    ['status', 'status=frozen,'],
    ['status', 'status='],
    ['profile', 'profile=no-such-profile'],
    ['profile', 'profile=yc-trial&profile=yc-legal-credit'],
    ['region', 'region=mars'],
    ['payerType', 'payerType=robot'],
    ['hasDebt', 'hasDebt=yes'],
    ['statusSince', 'statusSince=2026-03-10'],
    ['statusSince', 'statusSince=yesterday'],
    ['statusBefore', 'statusBefore=2026-02-30T00:00:00Z'],
    ['q', 'q=../etc'],
    ['q', `q=${'x'.repeat(65)}`],
    ['limit', 'limit=0'],
    ['limit', 'limit=501'],
    ['limit', 'limit=ten'],
    ['limit', 'limit=1.5'],
    ['cursor', 'cursor=not-a-cursor'],
    ['cursor', `cursor=${Buffer.from('{"after":"../x","filters":"[]"}').toString('base64url')}`],
    ['sort', 'sort=balance'],
  ])('400 naming %s (%s); nothing stored', (field, query) =>
    spec
      .given()
      .when(list(query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('400 names the rule: an unknown status is isIn, and every invalid field is named at once', async () => {
    const { body } = await spec
      .given()
      .when(list('status=archived&limit=0'))
      .then(expectProblem(400, 'VALIDATION_FAILED'));
    expect(body.errors).toEqual([
      expect.objectContaining({ field: 'status', rule: 'isIn' }),
      expect.objectContaining({ field: 'limit', rule: 'isInRange' }),
    ]);
  });
});

describe('pagination by key', () => {
  const pgIds = Array.from({ length: 23 }, (_, i) => `pg-${String(i).padStart(2, '0')}`);
  beforeAll(async () => {
    const api = await spec.api();
    for (const id of pgIds) await opened(id)(api);
    await toppedUp('pg-03', 'pg-03-p1', '10')(api);
    await used('pg-07', 'pg-07-u1', '2')(api);
    await used('pg-16', 'pg-16-u1', '2')(api);
  }, 60_000);

  it('pages concatenated are the whole list, in order, with no duplicate or gap; the last page has no cursor', async () => {
    const api = await spec.api();
    const whole = ids((await api.call('GET', '/v1/accounts?q=pg-&limit=500')).body);
    expect(whole).toEqual(pgIds);
    for (const limit of [1, 5, 7, 23, 50]) {
      const pages = await allPages(api, 'q=pg-', limit);
      expect(pages.flat()).toEqual(whole);
      expect(pages.length).toBe(Math.max(1, Math.ceil(whole.length / limit)));
    }
  });

  it('with filters too: the debtors, one at a time', async () => {
    const api = await spec.api();
    const pages = await allPages(api, 'q=pg-&hasDebt=true', 1);
    expect(pages).toEqual([['pg-07'], ['pg-16']]);
  });

  it('accounts opened between pages: none repeats, none is skipped, and those after the cursor show up', async () => {
    const api = await spec.api();
    const before = ids((await api.call('GET', '/v1/accounts?q=pg-&limit=500')).body);
    const added: Array<{ id: string; afterCursor: boolean }> = [];
    let n = 0;
    const pages = await allPages(api, 'q=pg-', 4, async (cursor) => {
      // The cursor is opaque to callers; the test reads the last id of the page from the listing itself.
      const last = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).after as string;
      n++;
      // One id sorting before everything listed so far, one right after the cursor, one at the end.
      for (const id of [`pg-00-${n}`, `${last}-${n}`, `pg-99-${n}`]) {
        expect((await api.call('POST', '/v1/accounts', individual(id))).status).toBe(201);
        added.push({ id, afterCursor: id > last });
      }
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    const expected = [...before, ...added.filter((a) => a.afterCursor).map((a) => a.id)].sort();
    expect(seen).toEqual(expected);
    expect(added.some((a) => !a.afterCursor)).toBe(true);
  });

  it('a cursor is bound to its filters: other filters → 400 naming cursor; the same filters spelled otherwise, or another limit, continue', async () => {
    const api = await spec.api();
    const first = await api.call('GET', '/v1/accounts?q=pg-&status=active,frozen&limit=2');
    const cursor = encodeURIComponent(first.body.nextCursor);
    const other = await api.call('GET', `/v1/accounts?q=pg-&status=active&limit=2&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'cursor', rule: 'matchesFilters' })]);
    const noFilters = await api.call('GET', `/v1/accounts?limit=2&cursor=${cursor}`);
    expect(noFilters.body.errors).toEqual([
      expect.objectContaining({ field: 'cursor', rule: 'matchesFilters' }),
    ]);
    const respelled = await api.call(
      'GET',
      `/v1/accounts?status=frozen&status=active&q=pg-&limit=3&cursor=${cursor}`,
    );
    expect(respelled.status).toBe(200);
    expect(ids(respelled.body)[0]! > ids(first.body).at(-1)!).toBe(true);
  });
});

describe('read model and log', () => {
  // A service of its own: its read models are stopped.
  const stopped = apiSpecification({ now: NOW });
  afterAll(() => stopped.close());

  it('served from the account-status read model; when it cannot answer, the log gives the same body', async () => {
    const api = await stopped.api();
    for (const step of [
      opened('rl-anna'),
      toppedUp('rl-anna', 'rl-p1', '40'),
      opened('rl-boris'),
      used('rl-boris', 'rl-u1', '7', '2026-03-09T12:00:00+03:00'),
    ])
      await step(api);
    const served = await api.call('GET', '/v1/accounts?limit=1');
    const servedAll = await api.call('GET', '/v1/accounts');
    expect(api.projections.readModels.fallbacksOf('account-list')).toBe(0);
    expect(ids(servedAll.body)).toEqual(['rl-anna', 'rl-boris']);
    // Change the read model's row behind the log's back: the list shows it, so it reads the row.
    const table = await liveTable(api, 'account-status', 'account_list');
    await api.projections.db.run(`UPDATE ${table} SET balance = '12345' WHERE account_id = 'rl-anna'`);
    expect((await api.call('GET', '/v1/accounts?q=rl-a')).body.accounts[0].balance).toBe('12345');
    await api.projections.db.run(`UPDATE ${table} SET balance = '40' WHERE account_id = 'rl-anna'`);

    await api.projections.stop();
    // Stored after the read models stopped: only the log knows it.
    await toppedUp('rl-anna', 'rl-p2', '12')(api);
    const fromLog = await api.call('GET', '/v1/accounts');
    expect(api.projections.readModels.fallbacksOf('account-list')).toBeGreaterThan(0);
    expect(fromLog.body.accounts[0]).toMatchObject({ accountId: 'rl-anna', balance: '52' });
    expect(fromLog.body.accounts[1]).toEqual(servedAll.body.accounts[1]);
    // The log's cursor continues the read model's page.
    const next = await api.call('GET', `/v1/accounts?limit=1&cursor=${served.body.nextCursor}`);
    expect(ids(next.body)).toEqual(['rl-boris']);
  });
});

describe('403 for a key without the read scope', () => {
  it('a key holding only accounts:write may open accounts but not list them', async () => {
    const api = await startTestApi(NOW, ':memory:', { 'writer-key': ['accounts:write'] });
    try {
      const res = await api.call('GET', '/v1/accounts', undefined, { key: 'writer-key' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await api.call('GET', '/v1/accounts')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

// Last: moves the file's clock on (every deadline on the way fires).
describe('suspended since', () => {
  it('accounts suspended for want of payment show as suspended since their suspension, as their summaries say', async () => {
    const api = await spec.api();
    // la-credit's mid-period bill falls overdue (due 12 March); la-owing's 7 days of payment required run out.
    await api.advanceTo('2026-03-20T09:00:00.000Z');
    const since: Record<string, string> = {};
    for (const id of ['la-credit', 'la-owing']) {
      const summary = await api.call('GET', `/v1/accounts/${id}`);
      expect([id, summary.body.status.value]).toEqual([id, 'suspended']);
      since[id] = summary.body.status.since;
    }
    expect(since['la-credit']! < since['la-owing']!).toBe(true);
    const listed = await api.call('GET', '/v1/accounts?q=la-&status=suspended');
    expect(listed.body.accounts).toEqual([
      expect.objectContaining({
        accountId: 'la-credit',
        status: 'suspended',
        statusSince: since['la-credit'],
      }),
      expect.objectContaining({ accountId: 'la-owing', status: 'suspended', statusSince: since['la-owing'] }),
    ]);
    const suspended = async (filter: string) =>
      ids((await api.call('GET', `/v1/accounts?q=la-&status=suspended&${filter}`)).body);
    const justAfter = (at: string) => new Date(Date.parse(at) + 1).toISOString();
    expect(await suspended(`statusSince=${since['la-owing']}`)).toEqual(['la-owing']);
    expect(await suspended(`statusSince=${justAfter(since['la-owing']!)}`)).toEqual([]);
    expect(await suspended(`statusBefore=${since['la-owing']}`)).toEqual(['la-credit']);
    expect(await suspended(`statusBefore=${justAfter(since['la-owing']!)}`)).toEqual([
      'la-credit',
      'la-owing',
    ]);
  });
});
