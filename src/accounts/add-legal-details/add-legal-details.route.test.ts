import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { LEGAL_DETAILS, opened, publicOfferLegal, succeeded } from '../../../test/support/given-accounts.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NOW = '2026-03-10T09:00:00.000Z';
const withoutDetails = (accountId: string) => opened(publicOfferLegal(accountId, null));
const put = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/legal-details`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('PUT /v1/accounts/:id/legal-details', () => {
  it('adds a legal entity’s requisites, sealed at rest with the account’s key', async () => {
    const result = await spec
      .given(withoutDetails('ld-romashka'))
      .when(put('ld-romashka', LEGAL_DETAILS))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'account-ld-romashka',
          eventTypes: ['LegalDetailsAdded'],
        }),
        expectNewEvents('account-ld-romashka', [
          {
            type: 'LegalDetailsAdded',
            data: { accountId: 'ld-romashka', at: NOW, personal: { sealed: expect.any(String) } },
          },
        ]),
      );
    expect(JSON.stringify(result.newEvents.map((e) => e.data))).not.toContain(LEGAL_DETAILS.taxId);
    const [added] = result.newEvents;
    const vault = (await spec.api()).app.get(PersonalDataVault);
    expect(vault.unseal('ld-romashka', (added!.data as any).personal.sealed)).toEqual(LEGAL_DETAILS);
  });

  it('a sole proprietor’s details without a KPP', () =>
    spec
      .given(opened({ ...publicOfferLegal('ld-ip', null), payerType: 'sole-proprietor' }))
      .when(put('ld-ip', { name: 'ИП Иванов', taxId: '500100732259', address: 'Москва' }))
      .then(
        expectResponse(200, { status: 'accepted' }),
        expectNewEvents('account-ld-ip', [{ type: 'LegalDetailsAdded' }]),
      ));

  it('payer bank details are part of the legal details, and are printed on bills', () =>
    spec
      .given(withoutDetails('ld-bank'))
      .when(
        put('ld-bank', {
          ...LEGAL_DETAILS,
          bank: { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40702810938000012345' },
        }),
      )
      .then(
        expectResponse(200, { status: 'accepted' }),
        expectNewEvents('account-ld-bank', [{ type: 'LegalDetailsAdded' }]),
      ));

  it('the same details again change nothing (a PUT is idempotent)', () =>
    spec
      .given(
        withoutDetails('ld-again'),
        succeeded('PUT', '/v1/accounts/ld-again/legal-details', LEGAL_DETAILS),
      )
      .when(put('ld-again', LEGAL_DETAILS))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('LEGAL_DETAILS_NOT_FOR_INDIVIDUALS: an individual has none; nothing stored', () =>
    spec
      .given(opened('ld-anna'))
      .when(put('ld-anna', LEGAL_DETAILS))
      .then(expectProblem(422, 'LEGAL_DETAILS_NOT_FOR_INDIVIDUALS', 'legalDetails'), expectNoNewEvents()));

  it.each([
    ['INN_CHECKSUM', 'legalDetails.taxId', { ...LEGAL_DETAILS, taxId: '7707083894' }],
    ['NAME_REQUIRED', 'legalDetails.name', { ...LEGAL_DETAILS, name: '   ' }],
    ['ADDRESS_REQUIRED', 'legalDetails.address', { ...LEGAL_DETAILS, address: ' ' }],
    ['KPP_REQUIRED', 'legalDetails.kpp', { ...LEGAL_DETAILS, kpp: undefined }],
    [
      'BIK_INVALID',
      'legalDetails.bank.bik',
      {
        ...LEGAL_DETAILS,
        bank: { bankName: 'Банк', bik: '123456789', accountNumber: '40702810938000012345' },
      },
    ],
  ])('%s: refused naming %s; nothing stored', (code, field, details) =>
    spec
      .given(withoutDetails(`ld-${code}`))
      .when(put(`ld-${code}`, details))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it.each([
    ['kpp', { ...LEGAL_DETAILS, kpp: '77' }],
    ['taxId', { ...LEGAL_DETAILS, taxId: '77 07' }],
    ['name', { ...LEGAL_DETAILS, name: undefined }],
    ['address', { ...LEGAL_DETAILS, address: 'x'.repeat(501) }],
    ['colour', { ...LEGAL_DETAILS, colour: 'red' }],
    [
      'bank.accountNumber',
      { ...LEGAL_DETAILS, bank: { bankName: 'Банк', bik: '044525225', accountNumber: '4070' } },
    ],
  ])('400 naming %s for a malformed body; nothing stored', (field, details) =>
    spec
      .given(withoutDetails(`ld-b-${field}`))
      .when(put(`ld-b-${field}`, details))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(withoutDetails(`ld-${role}`))
      .when(put(`ld-${role}`, LEGAL_DETAILS, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(withoutDetails('ld-anonymous'))
      .when(put('ld-anonymous', LEGAL_DETAILS, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(put('ld-nobody', LEGAL_DETAILS))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
