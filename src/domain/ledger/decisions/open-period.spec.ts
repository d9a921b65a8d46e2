import { MARCH, emptyCarried, ledger, periodOpened } from '../ledger.fixtures.js';

const open = {
  type: 'OpenPeriod' as const,
  accountId: 'acc-1',
  period: MARCH,
  timeZone: 'Europe/Moscow',
  currency: 'RUB',
  carried: emptyCarried({ balance: '-12.5', everPaid: true }),
};

describe('OpenPeriod', () => {
  it('opens the period with what the previous one carried and the profile in force', () => {
    ledger('yc-legal-credit')
      .given([])
      .when(open)
      .then([
        {
          type: 'PeriodOpened',
          data: {
            accountId: 'acc-1',
            ...MARCH,
            currency: 'RUB',
            profileId: 'yc-legal-credit',
            profileVersion: 1,
            carried: emptyCarried({ balance: '-12.5', everPaid: true }),
          },
        },
      ]);
  });

  it('stores nothing when the period is already open', () => {
    ledger('yc-legal-credit')
      .given([periodOpened({}, 'yc-legal-credit')])
      .when(open)
      .thenNothing();
  });
});
