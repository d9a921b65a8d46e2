import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';

/** A grant (bonus funds) with a positive amount, an expiry after its issue and an integer priority. */
export function decideIssueGrant(
  command: LedgerCommandOf<'IssueGrant'>,
  state: LedgerState,
  _context: LedgerContext,
): Decision {
  if (state.grants.has(command.grantId)) return duplicate();
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  if (!(Date.parse(command.expiresAt) > Date.parse(command.at))) {
    return reject('GRANT_EXPIRY_NOT_AFTER_ISSUE', 'expiresAt must be after the grant is issued', 'expiresAt');
  }
  if (!Number.isInteger(command.priority)) {
    return reject('INVALID_PRIORITY', 'priority must be an integer', 'priority');
  }
  return accept([
    {
      type: 'GrantIssued',
      data: {
        grantId: command.grantId,
        kind: command.kind,
        amount: amount.toFixed(),
        remaining: amount.toFixed(),
        issuedAt: command.at,
        expiresAt: command.expiresAt,
        categories: command.categories,
        excludedCategories: command.excludedCategories,
        priority: command.priority,
      },
    },
  ]);
}
