import iconv from 'iconv-lite';
import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import { KEYS, type TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, legalPostpaid, usage } from '../../../test/support/requests.js';
import { updSchemaUnavailable, validateAgainstSchema } from '../../../test/support/edm-schema.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * March 2026 closed for three legal entities: one on EDM with a UPD (status 1) each month, one on EDM with an
 * act and a VAT invoice, and one without EDM (a UPD too). Numbers come from one series, so the tests look the
 * documents up by kind.
 */
const numbers = new Map<string, string>();
const marchClosed = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', { ...legalPostpaid('dx-upd'), edm: true });
  await api.call('POST', '/v1/accounts', { ...creditLegal('dx-act'), edm: true });
  await api.call('POST', '/v1/accounts', legalPostpaid('dx-post'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  for (const account of ['dx-upd', 'dx-act', 'dx-post']) {
    await api.call('POST', `/v1/accounts/${account}/usage`, usage(`${account}-u1`, 'test.unit', '1220'));
  }
  await api.advanceTo('2026-04-02T09:00:00.000Z');
  for (const account of ['dx-upd', 'dx-act', 'dx-post']) {
    const { body } = await api.call('GET', `/v1/accounts/${account}/documents`);
    for (const d of body as Array<{ kind: string; number: string }>)
      numbers.set(`${account}/${d.kind}`, d.number);
  }
});

function numberOf(accountId: string, kind: string): string {
  const number = numbers.get(`${accountId}/${kind}`);
  if (!number) throw new Error(`${accountId} has no ${kind}: ${JSON.stringify([...numbers])}`);
  return number;
}

const xmlPath = (accountId: string, kind: string) =>
  `/v1/accounts/${accountId}/documents/${numberOf(accountId, kind)}/xml`;

const xmlOf = (accountId: string, kind: string) => () => ({
  method: 'GET' as const,
  path: xmlPath(accountId, kind),
  role: 'auditor' as const,
});

/** The served bytes, fetched again as bytes (the test client reads bodies as UTF-8 text). */
async function bytesOf(api: TestApi, path: string): Promise<Buffer> {
  const response = await fetch(api.baseUrl + path, { headers: { authorization: `Bearer ${KEYS.auditor}` } });
  return Buffer.from(await response.arrayBuffer());
}

const expectXmlFile =
  (
    accountId: string,
    kind: string,
    fn: string,
    check: (xml: string) => void = () => undefined,
  ): Expectation =>
  async (result, api) => {
    expect(result.headers.get('content-type')).toBe('application/xml; charset=windows-1251');
    const disposition = result.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? '';
    expect(fileName).toMatch(/^ON_NSCHFDOPPR_\d+_\d+_\d{8}_[0-9a-f-]{36}\.xml$/);
    const bytes = await bytesOf(api, xmlPath(accountId, kind));
    const xml = iconv.decode(bytes, 'win1251');
    // Cyrillic is one byte per letter: the body really is windows-1251, not UTF-8.
    expect(bytes.includes(Buffer.from('Файл', 'utf8'))).toBe(false);
    expect(bytes.includes(iconv.encode('<Файл', 'win1251'))).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="windows-1251"?>')).toBe(true);
    expect(xml).toContain(`ИдФайл="${fileName.replace(/\.xml$/, '')}"`);
    expect(xml).toContain(`Функция="${fn}"`);
    check(xml);
  };

describe('GET /v1/accounts/:id/documents/:number/xml', () => {
  it('serves a status-1 UPD of an EDM account as the tax service’s XML (СЧФДОП), windows-1251, named by its id', () =>
    spec
      .given(marchClosed)
      .when(xmlOf('dx-upd', 'upd'))
      .then(
        expectResponse(200),
        expectXmlFile('dx-upd', 'upd', 'СЧФДОП', (xml) => {
          expect(xml).toContain('НаимОрг="ООО «Вектор»" ИННЮЛ="7707083893" КПП="773601001"');
          expect(xml).toContain('НалСт="22%"');
          expect(xml).toContain('СтТовУчНалВсего="1220.00"');
        }),
        expectNoNewEvents(),
      ));

  it('renders the same bytes every time (the GUID comes from the document id)', async () => {
    const api = await spec.api();
    await marchClosed(api);
    const path = xmlPath('dx-upd', 'upd');
    const [first, second] = [await bytesOf(api, path), await bytesOf(api, path)];
    expect(first.equals(second)).toBe(true);
  });

  it("what it serves validates against the tax service's schema", async () => {
    expect(updSchemaUnavailable).toBeNull();
    const api = await spec.api();
    await marchClosed(api);
    for (const [account, kind] of [
      ['dx-upd', 'upd'],
      ['dx-act', 'vat-invoice'],
    ] as const) {
      const response = await fetch(api.baseUrl + xmlPath(account, kind), {
        headers: { authorization: `Bearer ${KEYS.auditor}` },
      });
      const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')![1]!;
      const result = validateAgainstSchema(Buffer.from(await response.arrayBuffer()), fileName);
      expect([account, result.output]).toEqual([account, expect.stringContaining('validates')]);
      expect(result.status).toBe(0);
    }
  });

  it('serves the VAT invoice that accompanies an act (СЧФ), naming the act as the shipment document', () =>
    spec
      .given(marchClosed)
      .when(xmlOf('dx-act', 'vat-invoice'))
      .then(
        expectResponse(200),
        expectXmlFile('dx-act', 'vat-invoice', 'СЧФ', (xml) =>
          expect(xml).toMatch(/<ДокПодтвОтгрНом РеквНаимДок="Акт об оказании услуг"/),
        ),
        expectNoNewEvents(),
      ));

  it('404 problem+json for an act: only UPDs and VAT invoices have XML', () =>
    spec
      .given(marchClosed)
      .when(xmlOf('dx-act', 'act'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('404 for a bill', () =>
    spec
      .given(marchClosed)
      .when(xmlOf('dx-upd', 'bill'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('404 problem+json when the account does not use EDM', () =>
    spec
      .given(marchClosed)
      .when(xmlOf('dx-post', 'upd'))
      .then(
        expectProblem(404, 'NOT_FOUND'),
        (result) => expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/),
        expectNoNewEvents(),
      ));

  it('404 for an unknown number and an unknown account', async () => {
    await spec
      .given(marchClosed)
      .when({ method: 'GET', path: '/v1/accounts/dx-upd/documents/NOPE/xml', role: 'auditor' })
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/dx-nobody/documents/NOPE/xml', role: 'auditor' })
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
  });

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/-dx-bad/documents/X/xml', role: 'auditor' })
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('401 without an API key', () =>
    spec
      .given(marchClosed)
      .when(() => ({ ...xmlOf('dx-upd', 'upd')(), role: null }))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
