import Big from 'big.js';
import type { LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';

/** Grants whose expiry has passed at `at` lose what is left of them, earliest expiry first. */
export function expiredGrants(state: LedgerState, at: string): LedgerEvent[] {
  return [...state.grants.values()]
    .filter((g) => Date.parse(g.expiresAt) <= Date.parse(at) && new Big(g.remaining).gt('0'))
    .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt) || a.grantId.localeCompare(b.grantId))
    .map((g) => ({
      type: 'GrantExpired',
      data: { grantId: g.grantId, amountLost: g.remaining, at: g.expiresAt },
    }));
}
