import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, type Decision } from './decision.js';
import { expiredGrants } from './grant-expiry.js';
import { withTrialEnd } from './trial-end.js';

/** Grants past their expiry lose what is left; a trial left without a usable grant ends. */
export function decideExpireGrants(
  command: LedgerCommandOf<'ExpireGrants'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  return accept(withTrialEnd(state, context, expiredGrants(state, command.at), command.at));
}
