import { retentionOf } from '../account/personal-data-retention.js';
import type { DocumentParty, Numbered } from './document-types.js';
import { hasSealedPayer, openPayer, sealPayer } from './sealed-payer.js';

const PROPRIETOR: DocumentParty = {
  name: 'ИП Кузнецова Мария Сергеевна',
  taxId: '500100732259',
  address: 'Москва, ул. Садовая, 5',
  bank: { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40802810938000012300' },
};
const act = (payer: DocumentParty) =>
  ({
    documentId: 'd-1',
    accountId: 'kuznetsova',
    kind: 'act',
    date: '2026-03-31',
    payer,
  }) as unknown as Numbered;
/** A stand-in cipher: the seal is opaque text the pure functions only carry. */
const vault = new Map<string, unknown>();
const seal = (value: unknown) => {
  const sealed = `sealed-${vault.size}`;
  vault.set(sealed, value);
  return sealed;
};
const unseal = (sealed: string) => vault.get(sealed) as Partial<DocumentParty> | undefined;

describe('A person’s requisites in issued documents: sealed at rest, opened on read, erased at the end', () => {
  it('a sole proprietor’s name, address and bank are sealed; the INN stays; reading opens them', () => {
    const stored = sealPayer(act(PROPRIETOR), 'sole-proprietor', seal);
    expect(stored.payer).toEqual({ taxId: '500100732259', personal: { retained: expect.any(String) } });
    expect(JSON.stringify(stored)).not.toMatch(/Кузнецова|Садовая|40802810938000012300/);
    expect(hasSealedPayer(stored)).toBe(true);
    expect(openPayer(stored, unseal)).toEqual(act(PROPRIETOR));
  });

  it('an individual’s tax id is sealed too', () => {
    const stored = sealPayer(act(PROPRIETOR), 'individual', seal);
    expect(stored.payer).toEqual({ personal: { retained: expect.any(String) } });
    expect(openPayer(stored, unseal)).toEqual(act(PROPRIETOR));
  });

  it('once the retention key is gone the fields read "[удалено]"; the rest of the document stays', () => {
    const stored = sealPayer(act(PROPRIETOR), 'sole-proprietor', seal);
    expect(openPayer(stored, () => undefined)).toEqual({
      ...act(PROPRIETOR),
      payer: { taxId: '500100732259', name: '[удалено]', address: '[удалено]' },
    });
  });

  it('a legal entity’s document, or one without a payer, is stored and read as is', () => {
    const legal = act({ name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' });
    expect(sealPayer(legal, 'legal-entity', seal)).toBe(legal);
    expect(openPayer(legal, unseal)).toBe(legal);
    const bill = { ...act(PROPRIETOR), payer: null } as unknown as Numbered;
    expect(sealPayer(bill, 'sole-proprietor', seal)).toBe(bill);
  });
});

describe('How long documents are kept: to the end of the fifth year after the document’s year', () => {
  it('Russia: 402-FZ art. 29 p. 1 and the Tax Code art. 23 p. 1 pp. 8', () => {
    expect(retentionOf('ru-moscow', '2026-03-31')).toEqual({
      retainUntil: '2032-01-01T00:00:00.000Z',
      basis: expect.stringMatching(/402-FZ.*art\. 29 p\. 1.*art\. 23 p\. 1 pp\. 8/),
    });
    expect(retentionOf('ru-moscow', '2026-12-31').retainUntil).toBe('2032-01-01T00:00:00.000Z');
  });

  it('Kazakhstan: the accounting law No. 234-III', () => {
    expect(retentionOf('kz', '2027-01-01')).toEqual({
      retainUntil: '2033-01-01T00:00:00.000Z',
      basis: expect.stringMatching(/234-III/),
    });
  });
});
