import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, duplicate, type Decision } from './decision.js';

/**
 * A period opens once, with what the previous one carried over and the profile in force: a second
 * opening (a retry, or a race between two commands of the new month) stores nothing.
 */
export function decideOpenPeriod(
  command: LedgerCommandOf<'OpenPeriod'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.phase !== 'not-opened') return duplicate();
  return accept([
    {
      type: 'PeriodOpened',
      data: {
        accountId: command.accountId,
        ...command.period,
        currency: command.currency,
        profileId: context.profile.id,
        profileVersion: context.profile.version,
        carried: command.carried,
      },
    },
  ]);
}
