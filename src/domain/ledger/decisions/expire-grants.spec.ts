import { grantIssued, ledger, periodOpened } from '../ledger.fixtures.js';

const YC = 'yc-legal-prepaid';

describe('ExpireGrants', () => {
  it('expires every grant past its expiry, earliest first, and leaves the others', () => {
    ledger(YC)
      .given([
        periodOpened({}, YC),
        grantIssued('b', '5', '2026-03-04T00:00:00.000Z'),
        grantIssued('a', '7', '2026-03-02T00:00:00.000Z'),
        grantIssued('later', '9', '2026-04-01T00:00:00.000Z'),
      ])
      .when({ type: 'ExpireGrants', at: '2026-03-05T00:00:00.000Z' })
      .then([
        { type: 'GrantExpired', data: { grantId: 'a', amountLost: '7', at: '2026-03-02T00:00:00.000Z' } },
        { type: 'GrantExpired', data: { grantId: 'b', amountLost: '5', at: '2026-03-04T00:00:00.000Z' } },
      ]);
  });

  it('orders expiries as instants, not as strings: 12:00 Moscow (09:00Z) comes before 10:00Z', () => {
    ledger(YC)
      .given([
        periodOpened({}, YC),
        grantIssued('utc', '5', '2026-03-04T10:00:00.000Z'),
        grantIssued('moscow', '7', '2026-03-04T12:00:00+03:00'),
      ])
      .when({ type: 'ExpireGrants', at: '2026-03-05T00:00:00.000Z' })
      .then([
        {
          type: 'GrantExpired',
          data: { grantId: 'moscow', amountLost: '7', at: '2026-03-04T12:00:00+03:00' },
        },
        { type: 'GrantExpired', data: { grantId: 'utc', amountLost: '5', at: '2026-03-04T10:00:00.000Z' } },
      ]);
  });

  it('has nothing to do when no grant has expired', () => {
    ledger(YC)
      .given([periodOpened({}, YC), grantIssued('later', '9', '2026-04-01T00:00:00.000Z')])
      .when({ type: 'ExpireGrants', at: '2026-03-05T00:00:00.000Z' })
      .thenNothing();
  });
});
