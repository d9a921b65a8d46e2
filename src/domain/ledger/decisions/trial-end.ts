import Big from 'big.js';
import type { LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import { evolveLedger, type LedgerState } from '../ledger-state.js';
import { hasUsableGrant } from './funds.js';
import { plusDays } from './instants.js';

/**
 * A trial ends when its grants are used up or expire: if `events` leave an active trial account without a
 * usable grant, the same decision suspends it (deleted `suspension.deleteAfterDays` later unless upgraded).
 */
export function withTrialEnd(
  state: LedgerState,
  context: LedgerContext,
  events: LedgerEvent[],
  at: string,
): LedgerEvent[] {
  if (!context.profile.trial?.enabled || state.status !== 'active') return events;
  const after = events.reduce(evolveLedger, state);
  if (after.status !== 'active' || hasUsableGrant(after, at)) return events;
  return [
    ...events,
    {
      type: 'AccountSuspended',
      data: {
        at,
        reason: 'trial-ended',
        debt: (after.balance.lt('0') ? after.balance.neg() : new Big(0)).toFixed(),
        deleteAt: plusDays(at, context.profile.suspension.deleteAfterDays),
      },
    },
  ];
}
