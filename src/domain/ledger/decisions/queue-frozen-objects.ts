import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { reached } from './instants.js';

/** Still frozen when the freeze's deadline comes: the frozen objects are queued for deletion, once. */
export function decideQueueFrozenObjects(
  command: LedgerCommandOf<'QueueFrozenObjects'>,
  state: LedgerState,
  _context: LedgerContext,
): Decision {
  const freeze = state.freeze;
  if (
    state.status !== 'frozen' ||
    !freeze ||
    freeze.objectsQueued ||
    !reached(command.at, freeze.deleteObjectsAt)
  )
    return nothingToDo();
  return accept([
    {
      type: 'FrozenObjectsQueuedForDeletion',
      data: { at: command.at, frozenSince: freeze.since },
    },
  ]);
}
