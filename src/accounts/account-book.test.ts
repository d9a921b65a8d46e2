import { SqliteEventStore } from '../platform/event-store/sqlite/sqlite-event-store.js';
import { PersonalDataVault } from '../platform/personal-data/personal-data-vault.js';
import { buildEngine } from '../../test/support/engine.js';

const LEGAL_DETAILS = {
  name: 'ООО «Ромашка»',
  taxId: '7707083893',
  kpp: '773601001',
  address: 'Москва',
};

describe('the account book', () => {
  it('reads sealed legal details back unsealed when it loads the stream again (a restart, a cache miss)', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const vault = new PersonalDataVault(':memory:');
    const first = await buildEngine({ start: '2026-03-01T09:00:00.000Z', store, vault });
    await first.open({
      accountId: 'romashka',
      payerType: 'legal-entity',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'individual-contract',
      paymentScheme: 'prepaid',
      edm: false,
      profileId: 'yc-legal-prepaid',
      legalDetails: LEGAL_DETAILS,
      at: first.now(),
    });
    const [opened] = await store.readStream('account-romashka');
    expect(JSON.stringify(opened!.data)).not.toContain('Ромашка');
    await first.close();

    // A fresh engine over the same store and key vault: nothing cached.
    const second = await buildEngine({ start: '2026-03-02T09:00:00.000Z', store, vault });
    expect((await second.accounts.state('romashka')).legalDetails).toEqual(LEGAL_DETAILS);
    await second.close();
    await store.close();
    vault.close();
  });
});
