import { CommandBus } from '@nestjs/cqrs';
import { DeleteAccount } from '../../accounts/delete-account/delete-account.command.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { verifyChain } from '../../platform/event-store/hash-chain.js';
import { startTestApi, type TestApi } from '../../../test/support/api.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { readPdf } from '../forms/pdf-text.fixtures.js';

/**
 * A sole proprietor's documents keep its name and address (personal data) only sealed under the account's
 * retention key: readable through every route while the law requires the documents, kept when the account
 * is deleted, erased when the retention period ends. A legal entity's documents are untouched by all this.
 */
const PROPRIETOR = {
  name: 'ИП Кузнецова Мария Сергеевна',
  taxId: '500100732259',
  address: 'Москва, ул. Садовая, 5',
  bank: { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40802810938000012300' },
};
const RETAIN_UNTIL = '2032-01-01T00:00:00.000Z';
const PLAINTEXT = /Кузнецова|Садовая|40802810938000012300/;

let api: TestApi;
let vault: PersonalDataVault;
beforeAll(async () => {
  api = await startTestApi('2026-03-02T09:00:00.000Z');
  vault = api.app.get(PersonalDataVault);
  const opened = await api.call('POST', '/v1/accounts', {
    ...creditLegal('rt-ivanov'),
    payerType: 'sole-proprietor',
    profileId: 'vk-legal-postpaid',
    legalDetails: PROPRIETOR,
  });
  expect(opened.status).toBe(201);
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('rt-vektor'),
    profileId: 'vk-legal-postpaid',
    legalDetails: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  });
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/rt-ivanov/usage', usage('rt-u1', 'test.unit', '1220'));
  await api.call('POST', '/v1/accounts/rt-vektor/usage', usage('rt-u2', 'test.unit', '1220'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});
afterAll(() => api.close());

const documentEvents = (accountId: string) => api.store.readStream(`documents-${accountId}`);
const numbers = async (accountId: string) =>
  (
    (await api.call('GET', `/v1/accounts/${accountId}/documents`, undefined, { role: 'auditor' }))
      .body as Array<{
      number: string;
      kind: string;
    }>
  ).map((d) => d.number);
const json = async (accountId: string, number: string) =>
  (await api.call('GET', `/v1/accounts/${accountId}/documents/${number}`, undefined, { role: 'auditor' }))
    .body;
const pdfText = async (accountId: string, number: string) => {
  const response = await fetch(`${api.baseUrl}/v1/accounts/${accountId}/documents/${number}/pdf`, {
    headers: { authorization: 'Bearer aud-key' },
  });
  expect(response.status).toBe(200);
  return readPdf(Buffer.from(await response.arrayBuffer()), number).text;
};

describe('a sole proprietor’s requisites in issued documents', () => {
  it('the stored DocumentIssued events hold no plaintext name, address or bank; the INN stays', async () => {
    const events = (await documentEvents('rt-ivanov')).filter((e) => e.type === 'DocumentIssued');
    expect(events.map((e) => (e.data as { kind: string }).kind)).toEqual(['upd', 'bill']);
    const raw = JSON.stringify(events.map((e) => e.data));
    expect(raw).not.toMatch(PLAINTEXT);
    for (const event of events) {
      expect((event.data as { payer: unknown }).payer).toEqual({
        taxId: '500100732259',
        personal: { retained: expect.stringMatching(/^retained:aes-256-gcm:/) },
      });
    }
    expect(vault.retention('rt-ivanov')).toEqual({
      retainUntil: RETAIN_UNTIL,
      basis: expect.stringMatching(/402-FZ.*art\. 29 p\. 1/),
    });
  });

  it('the JSON and PDF routes show them', async () => {
    const [upd, bill] = await numbers('rt-ivanov');
    expect((await json('rt-ivanov', upd!)).payer).toEqual(PROPRIETOR);
    expect((await json('rt-ivanov', bill!)).payer).toEqual(PROPRIETOR);
    const text = await pdfText('rt-ivanov', upd!);
    expect(text).toContain('ИП Кузнецова Мария Сергеевна');
    expect(text).toContain('Москва, ул. Садовая, 5');
  });

  it('deleting the account erases the account stream’s data, keeps the documents’ until 2032 and says why', async () => {
    const bus = api.app.get(CommandBus);
    const at = '2026-04-02T09:00:00.000Z';
    await bus.execute(new DeleteAccount('rt-ivanov', at, { commandId: 'rt-delete', actor: 'test' }));
    const deleted = (await api.store.readStream('account-rt-ivanov')).find(
      (e) => e.type === 'AccountDeleted',
    );
    expect(deleted?.data).toEqual({
      accountId: 'rt-ivanov',
      at,
      reason: 'blocked: debt unpaid 60 days after suspension',
      erased: [
        'legal details in the account stream (name, tax id, KPP, address, bank)',
        'the account’s personal-data key (everything sealed with it is unreadable)',
      ],
      kept: [
        {
          what: "the payer's name, address, bank details in issued documents (sealed under the retention key)",
          until: RETAIN_UNTIL,
          why: expect.stringMatching(/402-FZ.*art\. 29 p\. 1.*Tax Code.*art\. 23 p\. 1 pp\. 8/),
        },
      ],
    });
    expect(vault.destroyedAt('rt-ivanov')).toBe(at);
    // The documents still read in full: the retention key outlives the account key.
    const [upd] = await numbers('rt-ivanov');
    expect((await json('rt-ivanov', upd!)).payer).toEqual(PROPRIETOR);
  });

  it('after the retain-until instant on the virtual clock the fields read "[удалено]"; the rest is intact', async () => {
    const before = await Promise.all((await numbers('rt-ivanov')).map((n) => json('rt-ivanov', n)));
    await api.advanceTo(RETAIN_UNTIL);
    expect(vault.retention('rt-ivanov')).toMatchObject({ destroyedAt: RETAIN_UNTIL });
    // The deleted account's later bills carry no payer at all (its legal details were erased).
    const after = await Promise.all(
      (await numbers('rt-ivanov')).slice(0, before.length).map((n) => json('rt-ivanov', n)),
    );
    expect(after).toEqual(
      before.map((d) => ({
        ...d,
        payer: { taxId: '500100732259', name: '[удалено]', address: '[удалено]' },
      })),
    );
    const text = await pdfText('rt-ivanov', after[0].number);
    expect(text).not.toMatch(PLAINTEXT);
    expect(text).toContain('[удалено]');
    expect(text).toContain(after[0].number);
    const events = await documentEvents('rt-ivanov');
    expect(verifyChain(events)).toBeUndefined();
  });
});

describe('a legal entity’s documents', () => {
  it('are stored with the requisites in clear, under no retention key, and read the same after all this', async () => {
    const events = (await documentEvents('rt-vektor')).filter((e) => e.type === 'DocumentIssued');
    expect(events.length).toBeGreaterThan(0);
    for (const event of events)
      expect((event.data as { payer: unknown }).payer).toEqual({
        name: 'ООО «Вектор»',
        taxId: '7707083893',
        kpp: '773601001',
        address: 'Москва',
      });
    expect(vault.retention('rt-vektor')).toBeUndefined();
    const [upd] = await numbers('rt-vektor');
    expect((await json('rt-vektor', upd!)).payer).toMatchObject({ name: 'ООО «Вектор»', address: 'Москва' });
  });
});
