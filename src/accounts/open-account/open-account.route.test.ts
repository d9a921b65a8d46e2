import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { LEGAL_DETAILS, opened, publicOfferLegal } from '../../../test/support/given-accounts.js';
import { creditLegal, individual } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const open = (body: Record<string, unknown>, options: { role?: null | 'ops' | 'auditor' } = {}) => ({
  method: 'POST' as const,
  path: '/v1/accounts',
  body,
  ...options,
});

describe('POST /v1/accounts', () => {
  it('opens an individual: currency, issuer and time zone fixed by the region; its first period opens with it', () =>
    spec
      .given()
      .when(open(individual('oa-anna')))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'account-oa-anna',
          eventTypes: ['AccountOpened'],
        }),
        expectNewEvents('account-oa-anna', [
          {
            type: 'AccountOpened',
            data: {
              accountId: 'oa-anna',
              payerType: 'individual',
              contract: 'public-offer',
              paymentScheme: 'prepaid',
              edm: false,
              currency: 'RUB',
              issuer: 'ru-moscow-llc',
              timeZone: 'Europe/Moscow',
              profileId: 'vk-individual-prepaid',
              profileVersion: 1,
              openedAt: '2026-03-01T09:00:00+03:00',
              openingPeriodId: '2026-03',
            },
          },
        ]),
        expectNewEvents('ledger-oa-anna@2026-03', [
          {
            type: 'PeriodOpened',
            data: {
              periodId: '2026-03',
              startsAt: '2026-02-28T21:00:00.000Z',
              endsAt: '2026-03-31T21:00:00.000Z',
              currency: 'RUB',
              profileId: 'vk-individual-prepaid',
              carried: { balance: '0', creditLimit: '0', status: 'active', openBills: [] },
            },
          },
        ]),
      ));

  it('opens up to 92 days back (EFFECTIVE_TIME_MAX_PAST_DAYS): an account migrated from another system', () =>
    spec
      .given()
      .when(open({ ...individual('oa-migrated'), openedAt: '2025-12-09T00:00:00Z' }))
      .then(expectResponse(201, { status: 'accepted' })));

  it('opens now when no openedAt is given', () => {
    const { openedAt: _openedAt, ...body } = individual('oa-now');
    return spec
      .given()
      .when(open(body))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('account-oa-now', [
          {
            type: 'AccountOpened',
            data: { openedAt: '2026-03-10T09:00:00.000Z', openingPeriodId: '2026-03' },
          },
        ]),
      );
  });

  it('a Kazakh legal entity gets tenge, the Kazakh issuer and Almaty time', () =>
    spec
      .given()
      .when(
        open({
          ...publicOfferLegal('oa-kz', null),
          region: 'kz',
          profileId: 'yc-legal-prepaid',
        }),
      )
      .then(
        expectResponse(201),
        expectNewEvents('account-oa-kz', [
          { type: 'AccountOpened', data: { currency: 'KZT', issuer: 'kz-llp', timeZone: 'Asia/Almaty' } },
        ]),
        expectNewEvents('ledger-oa-kz@2026-03', [{ type: 'PeriodOpened', data: { currency: 'KZT' } }]),
      ));

  it('seals the legal details at rest: the stored event does not carry them in clear', async () => {
    const result = await spec
      .given()
      .when(open(creditLegal('oa-romashka')))
      .then(
        expectResponse(201),
        expectNewEvents('account-oa-romashka', [
          {
            type: 'AccountOpened',
            data: {
              payerType: 'legal-entity',
              profileId: 'yc-legal-credit',
              personal: { sealed: expect.any(String) },
            },
          },
        ]),
      );
    const stored = JSON.stringify(result.newEvents.map((e) => e.data));
    expect(stored).not.toContain(LEGAL_DETAILS.taxId);
    expect(stored).not.toContain(LEGAL_DETAILS.name);
  });

  it('a retry with the same Idempotency-Key replays the first answer and stores nothing', async () => {
    const headers = { 'idempotency-key': 'oa-open-retry' };
    const first = await (await spec.api()).call('POST', '/v1/accounts', individual('oa-retry'), { headers });
    expect(first.status).toBe(201);
    const retry = await spec
      .given()
      .when({ ...open(individual('oa-retry')), headers })
      .then(expectResponse(201, first.body), expectNoNewEvents());
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('ACCOUNT_EXISTS: opening the same account again without a key is refused, naming accountId', () =>
    spec
      .given(opened('oa-twice'))
      .when(open(individual('oa-twice')))
      .then(expectProblem(422, 'ACCOUNT_EXISTS', 'accountId'), expectNoNewEvents()));

  it.each([
    [
      'INDIVIDUAL_POSTPAID',
      'paymentScheme',
      { ...individual('oa-r1'), paymentScheme: 'postpaid', contract: 'individual-contract' },
    ],
    ['POSTPAID_NEEDS_INDIVIDUAL_CONTRACT', 'contract', { ...creditLegal('oa-r2'), contract: 'public-offer' }],
    ['PROFILE_NOT_APPLICABLE', 'profileId', { ...individual('oa-r3'), profileId: 'vk-legal-prepaid' }],
    ['PROFILE_UNKNOWN', 'profileId', { ...individual('oa-r4'), profileId: 'no-such-profile' }],
    ['EDM_NOT_AVAILABLE', 'edm', { ...individual('oa-r5'), edm: true }],
    [
      'INN_CHECKSUM',
      'legalDetails.taxId',
      publicOfferLegal('oa-r6', { ...LEGAL_DETAILS, taxId: '7707083894' }),
    ],
    [
      'INDIVIDUAL_NEEDS_PUBLIC_OFFER',
      'contract',
      { ...individual('oa-r7'), contract: 'individual-contract' },
    ],
    [
      'KPP_REQUIRED',
      'legalDetails.kpp',
      publicOfferLegal('oa-r8', { name: 'ООО «Ромашка»', taxId: '7707083893', address: 'Москва' }),
    ],
    [
      'BANK_ACCOUNT_CHECKSUM',
      'legalDetails.bank.accountNumber',
      publicOfferLegal('oa-r9', {
        ...LEGAL_DETAILS,
        bank: { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40702810038000012345' },
      }),
    ],
  ])('%s: refused naming %s; nothing stored', (code, field, body) =>
    spec
      .given()
      .when(open(body))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it.each([
    ['payerType', { ...individual('oa-b1'), payerType: 'robot' }],
    ['accountId', { ...individual('oa-b2'), accountId: 'has space' }],
    ['openedAt', { ...individual('oa-b3'), openedAt: '2026-03-01T09:00:00' }],
    [
      'legalDetails.bank.bik',
      publicOfferLegal('oa-b9', {
        ...LEGAL_DETAILS,
        bank: { bankName: 'ПАО Сбербанк', bik: 'BIK', accountNumber: '40702810938000012345' },
      }),
    ],
    ['openedAt', { ...individual('oa-b4'), openedAt: '2026-02-30T09:00:00+03:00' }],
    // Bounded relative to the engine's clock (2026-03-10): 1900 would back-fill every month since, 2100
    // would refuse every top-up until then; and year 10000 in Moscow time answered 500.
    ['openedAt', { ...individual('oa-b10'), openedAt: '1900-01-01T00:00:00Z' }],
    ['openedAt', { ...individual('oa-b11'), openedAt: '2100-01-01T00:00:00Z' }],
    ['openedAt', { ...individual('oa-b12'), openedAt: '2025-12-07T00:00:00Z' }],
    ['openedAt', { ...individual('oa-b13'), openedAt: '2026-03-10T09:06:00Z' }],
    ['openedAt', { ...individual('oa-b14'), openedAt: '9999-12-31T23:59:59Z' }],
    ['legalDetails.kpp', publicOfferLegal('oa-b5', { ...LEGAL_DETAILS, kpp: '77' })],
    ['profileId', { ...individual('oa-b6'), profileId: undefined }],
    ['colour', { ...individual('oa-b7'), colour: 'red' }],
  ])('400 naming %s for a malformed body; nothing stored', (field, body) =>
    spec
      .given()
      .when(open(body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given()
      .when(open(individual(`oa-${role}`), { role }))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given()
      .when(open(individual('oa-anonymous'), { role: null }))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
