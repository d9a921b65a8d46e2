import { openAccount } from './account.fixtures.js';
import type { OpenAccountCommand } from './open-account.js';

const base: OpenAccountCommand = {
  accountId: 'acc-1',
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  edm: false,
  profileId: 'vk-legal-prepaid',
  at: '2026-01-31T21:00:00.000Z',
};
const open = (overrides: Partial<OpenAccountCommand>) =>
  openAccount.given([]).when({ ...base, ...overrides }).decision;

describe('OpenAccount (§1)', () => {
  it('fixes currency, issuer, time zone and the opening period in the account’s time zone', () => {
    expect(open({})).toMatchObject({
      ok: true,
      events: [
        {
          type: 'AccountOpened',
          data: {
            currency: 'RUB',
            issuer: 'ru-moscow-llc',
            timeZone: 'Europe/Moscow',
            openingPeriodId: '2026-02',
            profileVersion: 1,
          },
        },
      ],
    });
    expect(
      open({ region: 'kz', profileId: 'yc-legal-prepaid', at: '2026-01-31T18:59:59.000Z' }),
    ).toMatchObject({
      events: [{ data: { currency: 'KZT', timeZone: 'Asia/Almaty', openingPeriodId: '2026-01' } }],
    });
    expect(
      open({ residency: 'non-resident', contract: 'individual-contract', profileId: 'yc-legal-prepaid' }),
    ).toMatchObject({ events: [{ data: { currency: 'USD' } }] });
  });

  it.each([
    [
      {
        payerType: 'individual',
        paymentScheme: 'postpaid',
        contract: 'individual-contract',
        profileId: 'vk-individual-prepaid',
      },
      'INDIVIDUAL_POSTPAID',
      'paymentScheme',
    ],
    [
      { paymentScheme: 'postpaid', profileId: 'vk-legal-postpaid' },
      'POSTPAID_NEEDS_INDIVIDUAL_CONTRACT',
      'contract',
    ],
    [
      { residency: 'non-resident', profileId: 'yc-legal-prepaid' },
      'NON_RESIDENT_NEEDS_INDIVIDUAL_CONTRACT',
      'contract',
    ],
    [{ edm: true, region: 'kz', profileId: 'yc-legal-prepaid' }, 'EDM_NOT_AVAILABLE', 'edm'],
    [{ edm: true, payerType: 'individual', profileId: 'vk-individual-prepaid' }, 'EDM_NOT_AVAILABLE', 'edm'],
    [{ profileId: 'nope' }, 'PROFILE_UNKNOWN', 'profileId'],
    [{ payerType: 'individual', profileId: 'vk-legal-prepaid' }, 'PROFILE_NOT_APPLICABLE', 'profileId'],
    [{ residency: 'non-resident', contract: 'individual-contract' }, 'PROFILE_NOT_APPLICABLE', 'profileId'],
    [{ accountId: 'bad id' }, 'INVALID_ACCOUNT_ID', 'accountId'],
  ] as const)('rejects %o with %s', (overrides, code, field) => {
    expect(open(overrides as Partial<OpenAccountCommand>)).toMatchObject({ ok: false, code, field });
  });

  it('allows EDM for a RU-resident legal entity or sole proprietor in ru-moscow', () => {
    expect(open({ edm: true })).toMatchObject({ ok: true });
    expect(open({ edm: true, payerType: 'sole-proprietor' })).toMatchObject({ ok: true });
  });

  it('refuses to open the same account twice', () => {
    const opened = open({});
    if (!opened.ok) throw new Error('expected the account to open');
    expect(openAccount.given(opened.events).when(base).decision).toMatchObject({
      ok: false,
      code: 'ACCOUNT_EXISTS',
    });
  });

  it('validates legal details: a broken INN checksum is rejected naming the field', () => {
    const details = { name: 'ООО «Ромашка»', taxId: '7707083894', kpp: '773601001', address: 'Москва' };
    expect(open({ legalDetails: details })).toMatchObject({ ok: false, field: 'legalDetails.taxId' });
    expect(open({ legalDetails: { ...details, taxId: '7707083893' } })).toMatchObject({
      ok: true,
      events: [{ data: { personal: { taxId: '7707083893' } } }],
    });
    expect(open({ legalDetails: { ...details, taxId: '7707083893', kpp: '77360100' } })).toMatchObject({
      ok: false,
      field: 'legalDetails.kpp',
    });
  });

  it('individuals work under the public offer only (§14): an individual contract is refused naming contract', () => {
    expect(
      open({ payerType: 'individual', contract: 'individual-contract', profileId: 'vk-individual-prepaid' }),
    ).toMatchObject({ ok: false, code: 'INDIVIDUAL_NEEDS_PUBLIC_OFFER', field: 'contract' });
    expect(open({ payerType: 'individual', profileId: 'vk-individual-prepaid' })).toMatchObject({ ok: true });
  });

  it('a legal entity whose profile issues VAT invoices (UPD status 1, act + VAT invoice) needs a KPP', () => {
    const withoutKpp = { name: 'ООО «Ромашка»', taxId: '7707083893', address: 'Москва' };
    expect(open({ legalDetails: withoutKpp })).toMatchObject({
      ok: false,
      code: 'KPP_REQUIRED',
      field: 'legalDetails.kpp',
    });
    expect(open({ profileId: 'yc-legal-prepaid', legalDetails: withoutKpp })).toMatchObject({
      ok: false,
      code: 'KPP_REQUIRED',
      field: 'legalDetails.kpp',
    });
    // A sole proprietor has no KPP.
    const proprietor = { name: 'ИП Иванов', taxId: '500100732259', address: 'Москва' };
    expect(open({ payerType: 'sole-proprietor', legalDetails: proprietor })).toMatchObject({ ok: true });
  });

  it('payer bank details belong to the legal details: optional, validated naming the field', () => {
    const details = { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
    const bank = { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40702810938000012345' };
    expect(open({ legalDetails: { ...details, bank } })).toMatchObject({
      ok: true,
      events: [{ data: { personal: { bank } } }],
    });
    expect(open({ legalDetails: { ...details, bank: { ...bank, bik: '04452522' } } })).toMatchObject({
      ok: false,
      code: 'BIK_INVALID',
      field: 'legalDetails.bank.bik',
    });
    expect(
      open({ legalDetails: { ...details, bank: { ...bank, accountNumber: '40702810038000012345' } } }),
    ).toMatchObject({ ok: false, code: 'BANK_ACCOUNT_CHECKSUM', field: 'legalDetails.bank.accountNumber' });
    expect(open({ legalDetails: { ...details, bank: { ...bank, bankName: ' ' } } })).toMatchObject({
      ok: false,
      code: 'BANK_NAME_REQUIRED',
      field: 'legalDetails.bank.bankName',
    });
  });
});
