import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, duplicate, type Decision } from './decision.js';

/** Moving from a trial to a paid profile ends a suspension the trial's end caused, and nothing else. */
export function decideUpgradeFromTrial(
  command: LedgerCommandOf<'UpgradeFromTrial'>,
  state: LedgerState,
  _context: LedgerContext,
): Decision {
  if (state.status !== 'suspended' || state.suspension?.reason !== 'trial-ended') return duplicate();
  return accept([
    {
      type: 'AccountRestored',
      data: {
        at: command.at,
        suspendedAt: state.suspension.suspendedAt ?? state.statusSince,
        balance: state.balance.toFixed(),
      },
    },
  ]);
}
