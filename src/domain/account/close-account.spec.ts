import { closeAccount, deleteClosedAccount, openAccount } from './account.fixtures.js';
import type { AccountEvent } from './account-events.js';

const AT = '2026-03-15T09:00:00.000Z';
const opened: AccountEvent[] = (() => {
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
})();
const requested: AccountEvent = {
  type: 'AccountClosureRequested',
  data: { accountId: 'acc-1', at: AT, reason: 'moving to another provider', by: 'service' },
};
const deleted: AccountEvent = {
  type: 'AccountDeleted',
  data: {
    accountId: 'acc-1',
    at: AT,
    reason: 'blocked: debt unpaid 60 days after suspension',
    erased: [],
    kept: [],
  },
};
const LATER = '2026-03-16T09:00:00.000Z';
const ready = {
  accountId: 'acc-1',
  at: LATER,
  finalPeriodClosed: true,
  owed: '0',
  refund: 'completed' as const,
};

describe('CloseAccount (issue 14, item 5)', () => {
  it('records the closure request with its reason and who asked; the facts carry its instant', () => {
    const history = closeAccount.given(opened);
    history
      .when({ accountId: 'acc-1', at: AT, reason: '  moving to another provider ', by: 'service' })
      .then([requested]);
    expect(closeAccount.given([...opened, requested]).state.facts?.closureRequestedAt).toBe(AT);
  });

  it('a second request is refused naming the first', () => {
    closeAccount
      .given([...opened, requested])
      .when({ accountId: 'acc-1', at: LATER, by: 'service' })
      .rejects('ACCOUNT_ALREADY_CLOSING');
  });

  it('a deleted account cannot be closed; an unknown one is not found', () => {
    closeAccount
      .given([...opened, deleted])
      .when({ accountId: 'acc-1', at: LATER, by: 'service' })
      .rejects('ACCOUNT_DELETED');
    closeAccount
      .given([])
      .when({ accountId: 'acc-1', at: LATER, by: 'service' })
      .rejects('ACCOUNT_NOT_FOUND');
  });
});

describe('Deleting a closed account (issue 14, item 5)', () => {
  it('deletes per retention once the final period is closed, nothing is owed and the refund is done', () => {
    const { decision } = deleteClosedAccount.given([...opened, requested]).when(ready);
    expect(decision).toMatchObject({
      ok: true,
      events: [
        {
          type: 'AccountDeleted',
          data: { accountId: 'acc-1', at: LATER, reason: 'closed at the customer’s request', kept: [] },
        },
      ],
    });
  });

  it('with nothing to refund it deletes as well', () => {
    const { decision } = deleteClosedAccount.given([...opened, requested]).when({ ...ready, refund: 'none' });
    expect(decision).toMatchObject({ ok: true, events: [{ type: 'AccountDeleted' }] });
  });

  it.each([
    [{ refund: 'pending' as const }, 'REFUND_PENDING'],
    [{ owed: '0.01' }, 'DEBT_IN_COLLECTION'],
    [{ finalPeriodClosed: false }, 'FINAL_PERIOD_OPEN'],
  ])('waits (%o): deferred with %s, asked again a day later', (change, code) => {
    deleteClosedAccount
      .given([...opened, requested])
      .when({ ...ready, ...change })
      .then([
        {
          type: 'ClosedAccountDeletionDeferred',
          data: {
            accountId: 'acc-1',
            at: LATER,
            code,
            reason: expect.any(String),
            retryAt: '2026-03-17T09:00:00.000Z',
          },
        } as AccountEvent,
      ]);
  });

  it('an account deleted meanwhile (by collection) stores nothing; one never closing is refused', () => {
    deleteClosedAccount
      .given([...opened, requested, deleted])
      .when(ready)
      .thenNothing();
    deleteClosedAccount.given(opened).when(ready).rejects('ACCOUNT_NOT_CLOSING');
  });
});
