import { deleteAccount, openAccount } from './account.fixtures.js';
import type { PayerType } from '../policies/policy-profile.js';
import type { AccountEvent } from './account-events.js';
import { initialAccountState, evolveAccount } from './account-state.js';
import { decideEndDocumentRetention } from './delete-account.js';

const AT = '2026-06-01T00:00:00.000Z';
const opened = (payerType: PayerType = 'legal-entity'): AccountEvent[] => {
  const decision = openAccount.given([]).when({
    accountId: 'acc-1',
    payerType,
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'vk-legal-prepaid',
    legalDetails:
      payerType === 'legal-entity'
        ? { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' }
        : { name: 'ИП Иванов Иван Иванович', taxId: '500100732259', address: 'Москва, ул. Ленина, 1' },
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
    erased: [
      'legal details in the account stream (name, tax id, KPP, address, bank)',
      'the account’s personal-data key (everything sealed with it is unreadable)',
    ],
    kept: [],
  },
};
const LAW = 'Federal law No. 402-FZ art. 29 p. 1';
const RETENTION = { retainUntil: '2032-01-01T00:00:00.000Z', basis: LAW };

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

  it('a sole proprietor: states what is kept (the documents’ payer name, address, bank), until when and why', () => {
    const proprietor = opened('sole-proprietor');
    const { decision } = deleteAccount
      .given(proprietor)
      .when({ accountId: 'acc-1', at: AT, retention: RETENTION });
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'AccountDeleted',
          data: {
            accountId: 'acc-1',
            at: AT,
            reason: 'blocked: debt unpaid 60 days after suspension',
            erased: [
              'legal details in the account stream (name, tax id, KPP, address, bank)',
              'the account’s personal-data key (everything sealed with it is unreadable)',
            ],
            kept: [
              {
                what: "the payer's name, address, bank details in issued documents (sealed under the retention key)",
                until: '2032-01-01T00:00:00.000Z',
                why: LAW,
              },
            ],
          },
        },
      ],
    });
  });

  it('the owner’s e-mail is named among what was erased when the account had one', () => {
    const withEmail: AccountEvent[] = [
      ...opened(),
      {
        type: 'OwnerEmailChanged',
        data: { accountId: 'acc-1', at: AT, personal: { ownerEmail: 'owner@example.ru' } },
      },
    ];
    const { decision } = deleteAccount.given(withEmail).when({ accountId: 'acc-1', at: AT });
    expect(decision).toMatchObject({
      ok: true,
      events: [
        {
          data: {
            erased: expect.arrayContaining(['the account owner’s contact e-mail in the account stream']),
          },
        },
      ],
    });
  });

  it('a legal entity keeps nothing personal, even if a retention key were given', () => {
    deleteAccount.given(opened()).when({ accountId: 'acc-1', at: AT, retention: RETENTION }).then([deleted]);
  });
});

describe('EndDocumentRetention: the retention key goes once the law no longer requires the documents’ personal data', () => {
  const stateOf = (events: AccountEvent[]) => events.reduce(evolveAccount, initialAccountState());
  const deletedProprietor = () => stateOf([...opened('sole-proprietor'), deleted]);
  const end = (at: string, retention?: { retainUntil: string; basis: string; destroyedAt?: string }) =>
    decideEndDocumentRetention(
      { accountId: 'acc-1', at, ...(retention ? { retention } : {}) },
      deletedProprietor(),
    );

  it('destroys the key at or after the retain-until instant', () => {
    expect(end('2032-01-01T00:00:00.000Z', RETENTION)).toEqual({
      ok: true,
      destroy: true,
      reason: 'retention period over at 2032-01-01T00:00:00.000Z',
    });
  });

  it('refuses before it, naming the date and the law', () => {
    expect(end('2031-12-31T23:59:59.999Z', RETENTION)).toEqual({
      ok: false,
      code: 'RETENTION_PERIOD_NOT_OVER',
      message: `The documents of acc-1 are kept until 2032-01-01T00:00:00.000Z (${LAW})`,
    });
  });

  it('refuses while the account is served; nothing to do without a key or once it is destroyed', () => {
    expect(
      decideEndDocumentRetention(
        { accountId: 'acc-1', at: '2040-01-01T00:00:00.000Z', retention: RETENTION },
        stateOf(opened('sole-proprietor')),
      ),
    ).toMatchObject({ ok: false, code: 'ACCOUNT_NOT_DELETED' });
    expect(end('2040-01-01T00:00:00.000Z')).toEqual({ ok: true, destroy: false, reason: 'nothing retained' });
    expect(
      end('2040-01-01T00:00:00.000Z', { ...RETENTION, destroyedAt: '2032-01-01T00:00:00.000Z' }),
    ).toEqual({
      ok: true,
      destroy: false,
      reason: 'retention key already destroyed',
    });
  });
});
