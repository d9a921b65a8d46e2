import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays, reached } from './instants.js';

/** Blocked object storage of an account still frozen is deleted the profile's number of days later. */
export function decideDeleteObjectStorage(
  command: LedgerCommandOf<'DeleteObjectStorage'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const freeze = state.freeze;
  const { blockAfterDays, deleteAfterBlockedDays } = context.profile.freeze.objectStorage;
  const due = freeze && plusDays(freeze.since, blockAfterDays + deleteAfterBlockedDays);
  if (state.status !== 'frozen' || !freeze || freeze.objectStorage !== 'blocked' || !reached(command.at, due))
    return nothingToDo();
  return accept([{ type: 'ObjectStorageDeleted', data: { at: command.at, frozenSince: freeze.since } }]);
}
