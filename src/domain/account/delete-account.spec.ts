import { deleteAccount, openAccount } from './account.fixtures.js';
import type { AccountEvent } from './account-events.js';

const AT = '2026-06-01T00:00:00.000Z';
const opened = (): AccountEvent[] => {
  const decision = openAccount.given([]).when({
    accountId: 'acc-1',
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'vk-legal-prepaid',
    legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
    at: '2026-03-01T00:00:00.000Z',
  }).decision;
  if (!decision.ok) throw new Error(decision.code);
  return decision.events;
};
const deleted: AccountEvent = {
  type: 'AccountDeleted',
  data: {
    accountId: 'acc-1',
    at: AT,
    reason: 'blocked: debt unpaid 60 days after suspension',
    erased: ['legal details (name, tax id, KPP, address)', 'personal data encryption key'],
  },
};

describe('DeleteAccount: personal data erased once, the financial history kept', () => {
  it('records what was erased, when and why', () => {
    deleteAccount.given(opened()).when({ accountId: 'acc-1', at: AT }).then([deleted]);
  });

  it('stores nothing for an account already deleted', () => {
    deleteAccount
      .given([...opened(), deleted])
      .when({ accountId: 'acc-1', at: '2026-06-02T00:00:00.000Z' })
      .thenNothing();
  });

  it('refuses an account that was never opened', () => {
    deleteAccount.given([]).when({ accountId: 'acc-1', at: AT }).rejects('ACCOUNT_NOT_FOUND');
  });

  it('leaves the facts and drops the legal details from the state', () => {
    const { state } = deleteAccount.given([...opened(), deleted]);
    expect(state).toMatchObject({ deletedAt: AT, facts: { accountId: 'acc-1' } });
    expect(state.legalDetails).toBeUndefined();
  });
});
