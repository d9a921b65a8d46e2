import { addLegalDetails, changeContract, openAccount } from './account.fixtures.js';
import type { ChangeContractCommand } from './change-contract.js';
import type { LegalDetails } from './account-events.js';
import type { OpenAccountCommand } from './open-account.js';

/** The events of an account opened with these terms. */
const opened = (overrides: Partial<OpenAccountCommand> = {}) => {
  const decision = openAccount.given([]).when({
    accountId: 'acc',
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'vk-legal-prepaid',
    at: '2026-03-01T00:00:00.000Z',
    ...overrides,
  }).decision;
  if (!decision.ok) throw new Error(decision.code);
  return decision.events;
};
/** The decisions under test, through the account specifications: given the opening events, when the command. */
const decideChangeContract = (command: ChangeContractCommand, history: ReturnType<typeof opened>) =>
  changeContract.given(history).when(command).decision;
const decideAddLegalDetails = (
  command: { accountId: string; legalDetails: LegalDetails; at: string },
  history: ReturnType<typeof opened>,
) => addLegalDetails.given(history).when(command).decision;
const at = '2026-03-05T00:00:00.000Z';

describe('ChangeContract and AddLegalDetails', () => {
  it('moves a legal entity to postpaid with an individual contract and the postpaid profile', () => {
    expect(
      decideChangeContract(
        {
          accountId: 'acc',
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'vk-legal-postpaid',
          at,
        },
        opened(),
      ),
    ).toEqual({
      ok: true,
      events: [
        {
          type: 'ContractChanged',
          data: {
            accountId: 'acc',
            at,
            contract: 'individual-contract',
            paymentScheme: 'postpaid',
            profileId: 'vk-legal-postpaid',
            profileVersion: 1,
          },
        },
      ],
    });
  });

  it('applies the same combination rules as opening', () => {
    expect(
      decideChangeContract(
        {
          accountId: 'acc',
          contract: 'public-offer',
          paymentScheme: 'postpaid',
          profileId: 'vk-legal-postpaid',
          at,
        },
        opened(),
      ),
    ).toMatchObject({ ok: false, code: 'POSTPAID_NEEDS_INDIVIDUAL_CONTRACT', field: 'contract' });
    const person = opened({ payerType: 'individual', profileId: 'vk-individual-prepaid' });
    expect(
      decideChangeContract(
        {
          accountId: 'acc',
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'vk-legal-postpaid',
          at,
        },
        person,
      ),
    ).toMatchObject({ ok: false, code: 'INDIVIDUAL_POSTPAID' });
  });

  it('changes nothing when the terms are the same', () => {
    expect(
      decideChangeContract(
        {
          accountId: 'acc',
          contract: 'public-offer',
          paymentScheme: 'prepaid',
          profileId: 'vk-legal-prepaid',
          at,
        },
        opened(),
      ),
    ).toEqual({ ok: true, events: [] });
  });

  it('adds valid legal details and rejects them for individuals or with a bad INN', () => {
    const details = { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
    expect(decideAddLegalDetails({ accountId: 'acc', legalDetails: details, at }, opened())).toMatchObject({
      ok: true,
      events: [{ type: 'LegalDetailsAdded', data: { personal: details } }],
    });
    expect(
      decideAddLegalDetails(
        { accountId: 'acc', legalDetails: { ...details, taxId: '7707083890' }, at },
        opened(),
      ),
    ).toMatchObject({
      ok: false,
      code: 'INN_CHECKSUM',
      field: 'legalDetails.taxId',
    });
    const person = opened({ payerType: 'individual', profileId: 'vk-individual-prepaid' });
    expect(decideAddLegalDetails({ accountId: 'acc', legalDetails: details, at }, person)).toMatchObject({
      ok: false,
      code: 'LEGAL_DETAILS_NOT_FOR_INDIVIDUALS',
    });
  });

  it('added legal details of a legal entity that gets VAT invoices need a KPP', () => {
    const withoutKpp = { name: 'ООО «Ромашка»', taxId: '7707083893', address: 'Москва' };
    expect(decideAddLegalDetails({ accountId: 'acc', legalDetails: withoutKpp, at }, opened())).toMatchObject(
      { ok: false, code: 'KPP_REQUIRED', field: 'legalDetails.kpp' },
    );
  });
});
