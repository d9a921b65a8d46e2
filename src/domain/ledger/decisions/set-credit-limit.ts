import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { decimalField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';

/** A credit limit, where the profile allows one: not negative; the same limit again stores nothing. */
export function decideSetCreditLimit(
  command: LedgerCommandOf<'SetCreditLimit'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (!context.profile.billing.creditLimitAllowed) {
    return reject(
      'CREDIT_LIMIT_NOT_ALLOWED',
      `Profile ${context.profile.id} does not allow a credit limit`,
      'creditLimit',
    );
  }
  const limit = decimalField(command.creditLimit, 'creditLimit');
  if (!(limit instanceof Big)) return limit;
  if (limit.lt('0')) return reject('AMOUNT_NEGATIVE', 'creditLimit must not be negative', 'creditLimit');
  if (limit.eq(state.creditLimit)) return duplicate();
  return accept([{ type: 'CreditLimitSet', data: { creditLimit: limit.toFixed(), at: command.at } }]);
}
