import Big from 'big.js';
import type { LedgerState } from '../ledger-state.js';
import { isNegative, isPositive } from '../../shared/sign.js';

/** Whether a balance is past a profile's threshold for a freeze or a payment requirement. */
export function crosses(balance: Big, comparison: 'below-zero' | 'at-or-below-zero'): boolean {
  return comparison === 'below-zero' ? isNegative(balance) : !isPositive(balance);
}

/** Whether some grant still has money and has not expired at `at`: the account can still be served. */
export function hasUsableGrant(state: LedgerState, at: string): boolean {
  return [...state.grants.values()].some(
    (g) => new Big(g.remaining).gt('0') && Date.parse(g.expiresAt) > Date.parse(at),
  );
}
