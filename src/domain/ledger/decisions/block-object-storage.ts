import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { plusDays, reached } from './instants.js';

/** Object storage, read-only while frozen, is blocked the profile's number of days after the freeze. */
export function decideBlockObjectStorage(
  command: LedgerCommandOf<'BlockObjectStorage'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const freeze = state.freeze;
  const due = freeze && plusDays(freeze.since, context.profile.freeze.objectStorage.blockAfterDays);
  if (
    state.status !== 'frozen' ||
    !freeze ||
    freeze.objectStorage !== 'read-only' ||
    !reached(command.at, due)
  )
    return nothingToDo();
  return accept([{ type: 'ObjectStorageBlocked', data: { at: command.at, frozenSince: freeze.since } }]);
}
