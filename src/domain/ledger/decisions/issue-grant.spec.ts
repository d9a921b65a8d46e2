import type { LedgerCommandOf } from '../ledger-commands.js';
import { IN_MARCH, grantIssued, ledger, periodOpened } from '../ledger.fixtures.js';

const YC = 'yc-legal-prepaid';
const issue: LedgerCommandOf<'IssueGrant'> = {
  type: 'IssueGrant',
  grantId: 'start',
  kind: 'start',
  amount: '4000.00',
  expiresAt: '2026-05-01T00:00:00.000Z',
  categories: ['compute', 'storage'],
  excludedCategories: [],
  priority: 2,
  at: IN_MARCH,
};

describe('IssueGrant', () => {
  it('issues the grant in full, with its scope, expiry and priority', () => {
    ledger(YC)
      .given([periodOpened({}, YC)])
      .when(issue)
      .then([
        {
          type: 'GrantIssued',
          data: {
            grantId: 'start',
            kind: 'start',
            amount: '4000',
            remaining: '4000',
            issuedAt: IN_MARCH,
            expiresAt: '2026-05-01T00:00:00.000Z',
            categories: ['compute', 'storage'],
            excludedCategories: [],
            priority: 2,
          },
        },
      ]);
  });

  it('stores nothing for a grant id already issued', () => {
    ledger(YC)
      .given([periodOpened({}, YC), grantIssued('start', '10')])
      .when(issue)
      .thenNothing();
  });

  it('refuses a grant that expires when it is issued', () => {
    ledger(YC)
      .given([periodOpened({}, YC)])
      .when({ ...issue, expiresAt: IN_MARCH })
      .rejects('GRANT_EXPIRY_NOT_AFTER_ISSUE', 'expiresAt');
  });
});
