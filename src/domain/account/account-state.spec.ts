import { deepFreeze } from '../../../test/support/decider-specification.js';
import type { AccountEvent } from './account-events.js';
import { evolveAccount, initialAccountState, type AccountState } from './account-state.js';

const personal = { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
const history: AccountEvent[] = [
  {
    type: 'AccountOpened',
    data: {
      accountId: 'acc-1',
      payerType: 'legal-entity',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      edm: false,
      currency: 'RUB',
      issuer: 'ru-moscow-llc',
      timeZone: 'Europe/Moscow',
      profileId: 'vk-legal-prepaid',
      profileVersion: 1,
      openedAt: '2026-03-01T00:00:00.000Z',
      openingPeriodId: '2026-03',
    },
  },
  { type: 'LegalDetailsAdded', data: { accountId: 'acc-1', at: '2026-03-02T00:00:00.000Z', personal } },
  {
    type: 'ContractChanged',
    data: {
      accountId: 'acc-1',
      at: '2026-03-03T00:00:00.000Z',
      contract: 'individual-contract',
      paymentScheme: 'postpaid',
      profileId: 'vk-legal-postpaid',
      profileVersion: 1,
    },
  },
  {
    type: 'AccountDeleted',
    data: { accountId: 'acc-1', at: '2026-06-01T00:00:00.000Z', reason: 'test', erased: ['legal details'] },
  },
];

describe('evolveAccount is pure', () => {
  it('never changes the state or the event it is given, for every account event', () => {
    let state: AccountState = initialAccountState();
    for (const event of history) {
      const before = structuredClone(state);
      const next = evolveAccount(deepFreeze(state), deepFreeze(event));
      expect(state).toEqual(before);
      expect(next).not.toBe(state);
      state = next;
    }
    expect(state).toMatchObject({
      deletedAt: '2026-06-01T00:00:00.000Z',
      facts: { paymentScheme: 'postpaid' },
    });
  });
});
