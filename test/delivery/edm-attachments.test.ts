import iconv from 'iconv-lite';
import { KEYS, startTestApi, type TestApi } from '../support/api.js';
import { updSchemaUnavailable, validateAgainstSchema } from '../support/edm-schema.js';
import { creditLegal, legalPostpaid, usage } from '../support/requests.js';
import { attachmentsOf, eventually, mimeParts, startSmtp, type ReceivedMail } from './support/receivers.js';

/**
 * The e-mail of an account that uses EDM carries the tax service's XML beside the PDF, for the kinds that
 * have one (UPD, VAT invoice): the same bytes `GET …/documents/:number/xml` serves, named `<ИдФайл>.xml`,
 * valid against the shared schema. Acts and bills of the same accounts, and every document of an account
 * on paper, carry the PDF only. March closed for three legal entities, through a real SMTP server.
 */
const ACCOUNTS = {
  'ea-upd': { opened: { ...legalPostpaid('ea-upd'), edm: true }, owner: 'edo@vektor.example' },
  'ea-act': { opened: { ...creditLegal('ea-act'), edm: true }, owner: 'edo@romashka.example' },
  'ea-paper': { opened: legalPostpaid('ea-paper'), owner: 'buh@paper.example' },
} as const;
type AccountId = keyof typeof ACCOUNTS;

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let api: TestApi;

beforeAll(async () => {
  smtp = await startSmtp();
  api = await startTestApi(
    '2026-03-02T09:00:00.000Z',
    ':memory:',
    {},
    { SMTP_URL: smtp.url, DELIVERY_FROM: 'billing@example.com', DELIVERY_POLL_MS: '25' },
  );
  for (const [accountId, { opened, owner }] of Object.entries(ACCOUNTS)) {
    const response = await api.call('POST', '/v1/accounts', { ...opened, ownerEmail: owner });
    expect([accountId, response.status]).toEqual([accountId, 201]);
  }
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  for (const accountId of Object.keys(ACCOUNTS)) {
    const used = await api.call(
      'POST',
      `/v1/accounts/${accountId}/usage`,
      usage(`${accountId}-u1`, 'test.unit', '1220'),
    );
    expect(used.status).toBe(201);
  }
  await api.advanceTo('2026-04-02T09:00:00.000Z');
}, 60_000);

afterAll(async () => {
  await api?.close();
  await smtp?.close();
});

/** Each issued document of the account with the e-mail that delivered it (found by its delivery id). */
async function mailed(accountId: AccountId) {
  const issued = (
    await api.call('GET', `/v1/accounts/${accountId}/documents`, undefined, { role: 'auditor' })
  ).body as Array<{ number: string; kind: string }>;
  const log = await eventually(async () => {
    const response = await api.call(
      'GET',
      `/v1/ops/deliveries?channel=email&accountId=${accountId}`,
      undefined,
      { role: 'ops' },
    );
    const entries = response.body.deliveries as Array<{
      documentNumber: string;
      deliveryId: string;
      status: string;
    }>;
    return entries.length === issued.length && entries.every((d) => d.status === 'delivered')
      ? entries
      : undefined;
  });
  return issued.map((document) => {
    const { deliveryId } = log.find((d) => d.documentNumber === document.number)!;
    const mail = smtp.mails.find((m) =>
      mimeParts(m.raw).headers.includes(`Message-ID: <${deliveryId}@billing-engine>`),
    );
    expect([document.number, mail?.to]).toEqual([document.number, [ACCOUNTS[accountId].owner]]);
    return { ...document, mail: mail as ReceivedMail };
  });
}

/** What GET …/documents/:number/xml serves, as bytes. */
async function servedXml(accountId: string, number: string) {
  const response = await fetch(`${api.baseUrl}/v1/accounts/${accountId}/documents/${number}/xml`, {
    headers: { authorization: `Bearer ${KEYS.auditor}` },
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('e-mailed documents of an account that uses EDM', () => {
  it.each([
    ['ea-upd', 'upd', 'СЧФДОП'],
    ['ea-act', 'vat-invoice', 'СЧФ'],
  ] as const)(
    '%s: the %s carries its PDF and the XML GET …/xml serves, named <ИдФайл>.xml and valid (Функция %s)',
    async (accountId, kind, fn) => {
      expect(updSchemaUnavailable).toBeNull();
      const document = (await mailed(accountId)).find((d) => d.kind === kind)!;
      const attachments = attachmentsOf(document.mail.raw);
      expect(attachments.map((a) => a.filename)).toEqual([
        `${document.number}.pdf`,
        expect.stringMatching(/\.xml$/),
      ]);
      const [pdf, xml] = attachments as [(typeof attachments)[0], (typeof attachments)[0]];
      expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
      expect(xml.headers).toMatch(/content-type: application\/xml; charset=windows-1251/i);

      const served = await servedXml(accountId, document.number);
      expect(served.status).toBe(200);
      expect(xml.body.equals(served.bytes)).toBe(true);

      const text = iconv.decode(xml.body, 'win1251');
      const fileId = /ИдФайл="([^"]+)"/.exec(text)?.[1];
      expect(fileId).toMatch(/^ON_NSCHFDOPPR_/);
      expect(xml.filename).toBe(`${fileId}.xml`);
      expect(text).toContain(`Функция="${fn}"`);

      const validation = validateAgainstSchema(xml.body, xml.filename);
      expect(validation.output).toContain('validates');
      expect(validation.status).toBe(0);
    },
  );

  it('acts and bills, which have no XML, carry the PDF only', async () => {
    const documents = [...(await mailed('ea-upd')), ...(await mailed('ea-act'))].filter(
      (d) => d.kind !== 'upd' && d.kind !== 'vat-invoice',
    );
    expect(documents.map((d) => d.kind).sort()).toEqual(expect.arrayContaining(['act', 'bill']));
    for (const document of documents) {
      expect([document.kind, attachmentsOf(document.mail.raw).map((a) => a.filename)]).toEqual([
        document.kind,
        [`${document.number}.pdf`],
      ]);
    }
  });
});

describe('e-mailed documents of an account on paper (no EDM)', () => {
  it('every document, the UPD too, carries the PDF only', async () => {
    const documents = await mailed('ea-paper');
    expect(documents.map((d) => d.kind)).toContain('upd');
    for (const document of documents) {
      const attachments = attachmentsOf(document.mail.raw);
      expect([document.kind, attachments.map((a) => a.filename)]).toEqual([
        document.kind,
        [`${document.number}.pdf`],
      ]);
      expect(attachments[0]!.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const upd = documents.find((d) => d.kind === 'upd')!;
    expect((await servedXml('ea-paper', upd.number)).status).toBe(404);
  });
});
