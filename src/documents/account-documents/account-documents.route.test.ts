import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, individual, usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

const UPD = 'RU-MOSCOW-LLC-2026-000001';
const BILL = 'RU-MOSCOW-LLC-BILL-2026-000001';

/**
 * March of a postpaid legal entity on the first provider's profile (a UPD and a period bill each month) that
 * used 1220.00 RUB incl. 22% VAT, and of an individual (no documents), closed by the month end: the document
 * issuer numbered the UPD (the series' 000001) and the bill (000001 of the bills' own series).
 */
const marchClosed = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('ad-vektor'),
    profileId: 'vk-legal-postpaid',
    legalDetails: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  });
  await api.call('POST', '/v1/accounts', individual('ad-anna'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/ad-vektor/usage', usage('ad-u1', 'test.unit', '1220'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});

const get = (path: string, role: 'service' | 'ops' | 'auditor' | null = 'auditor') => ({
  method: 'GET' as const,
  path,
  role,
});

const expectHeader =
  (name: string, value: string | RegExp): Expectation =>
  (result) => {
    if (typeof value === 'string') expect(result.headers.get(name)).toBe(value);
    else expect(result.headers.get(name)).toMatch(value);
  };

describe('GET /v1/accounts/:id/documents', () => {
  it('lists the issued documents: number, kind, date, period and totals, in issue order', () =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-vektor/documents'))
      .then(
        expectResponse(200),
        (result) =>
          expect(result.body).toEqual([
            {
              number: UPD,
              kind: 'upd',
              date: '2026-03-31',
              periodId: '2026-03',
              totals: { net: '1000.00', vat: '220.00', gross: '1220.00' },
            },
            {
              number: BILL,
              kind: 'bill',
              date: '2026-04-01',
              periodId: '2026-03',
              totals: { net: '1000.00', vat: '220.00', gross: '1220.00' },
            },
          ]),
        expectNoNewEvents(),
      ));

  it('an account without documents (an individual) gets an empty list', () =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-anna/documents'))
      .then(expectResponse(200, []), expectNoNewEvents()));

  it.each(['service', 'ops', 'auditor'] as const)('the %s role may read the list', (role) =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-vektor/documents', role))
      .then(expectResponse(200), (result) => expect(result.body).toHaveLength(2), expectNoNewEvents()),
  );

  it('401 without an API key, and with a key nobody issued', async () => {
    await spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-vektor/documents', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
    await spec
      .given()
      .when({
        ...get('/v1/accounts/ad-vektor/documents', null),
        headers: { authorization: 'Bearer not-a-key' },
      })
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents());
  });

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(get('/v1/accounts/ad-nobody/documents'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(get('/v1/accounts/-ad-bad/documents'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));
});

describe('GET /v1/accounts/:id/documents/:number', () => {
  it('answers the whole UPD as issued: requisites of both parties, lines with VAT, totals', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-vektor/documents/${UPD}`))
      .then(
        expectResponse(200, {
          kind: 'upd',
          status: 1,
          number: UPD,
          sequence: 1,
          documentId: 'ad-vektor/2026-03/upd',
          accountId: 'ad-vektor',
          periodId: '2026-03',
          date: '2026-03-31',
          currency: 'RUB',
          vatJurisdiction: 'RU',
          issuer: { id: 'ru-moscow-llc', taxId: '7707049388' },
          payer: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
          servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
          lines: [
            {
              service: 'Test Service',
              vatRate: { kind: 'percent', percent: '22' },
              net: '1000.00',
              vat: '220.00',
              gross: '1220.00',
            },
          ],
          totals: { net: '1000.00', vat: '220.00', gross: '1220.00' },
        }),
        expectNoNewEvents(),
      ));

  it('answers the period bill with the ledger bill’s id and due date', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-vektor/documents/${BILL}`, 'service'))
      .then(
        expectResponse(200, {
          kind: 'bill',
          billKind: 'period',
          number: BILL,
          documentId: 'ad-vektor/2026-03/bill/ad-vektor-2026-03',
          date: '2026-04-01',
          dueDate: '2026-04-14',
          toPay: '1220.00',
          toPayVat: '220.00',
        }),
        expectNoNewEvents(),
      ));

  it('404 for a number the account was never given', () =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-vektor/documents/RU-MOSCOW-LLC-2026-999999'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('404 for another account’s document: a number is looked up within the account only', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-anna/documents/${UPD}`))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(get(`/v1/accounts/ad-nobody/documents/${UPD}`))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('401 without an API key', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-vektor/documents/${UPD}`, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

describe('GET /v1/accounts/:id/documents/:number/pdf', () => {
  it('renders the document as an inline PDF named by its number', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-vektor/documents/${UPD}/pdf`))
      .then(
        expectResponse(200),
        expectHeader('content-type', 'application/pdf'),
        expectHeader('content-disposition', `inline; filename="${UPD}.pdf"`),
        (result) => expect(String(result.body).startsWith('%PDF-')).toBe(true),
        expectNoNewEvents(),
      ));

  it('404 as problem+json for an unknown number', () =>
    spec
      .given(marchClosed)
      .when(get('/v1/accounts/ad-vektor/documents/NOPE/pdf'))
      .then(
        expectProblem(404, 'NOT_FOUND'),
        expectHeader('content-type', /^application\/problem\+json/),
        expectNoNewEvents(),
      ));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(get(`/v1/accounts/ad-nobody/documents/${UPD}/pdf`))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(get(`/v1/accounts/ad%20bad/documents/${UPD}/pdf`))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('401 without an API key', () =>
    spec
      .given(marchClosed)
      .when(get(`/v1/accounts/ad-vektor/documents/${UPD}/pdf`, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
