import { reject, type DecisionOf, type Rejection } from '../../shared/decision.js';
import type { LedgerCommandOf, LedgerCommandType, LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';

export { reject, type Rejection };

/** A ledger decision: the events to append to the period's stream, or a rejection. */
export type Decision = DecisionOf<LedgerEvent>;

/** How every ledger command is decided: the command, the current period's state, and data (never I/O). */
export type LedgerDecider<T extends LedgerCommandType> = (
  command: LedgerCommandOf<T>,
  state: LedgerState,
  context: LedgerContext,
) => Decision;

export const accept = (events: LedgerEvent[]): Decision => ({ ok: true, events });

/** A retry of what is already applied, or a deadline that has nothing left to do: store nothing. */
export const duplicate = (): Decision => ({ ok: true, events: [], duplicate: true });

/** A deadline that has nothing left to do (paid meanwhile, or already done): stored like a duplicate. */
export const nothingToDo = duplicate;

/** A decider for each command type of `T`: the dispatchers' tables. */
export type LedgerDeciders<T extends LedgerCommandType> = { readonly [K in T]: LedgerDecider<K> };

/** Decides `command` with the decider its type maps to in `deciders`. */
export function decideWith<T extends LedgerCommandType>(
  deciders: LedgerDeciders<T>,
  command: LedgerCommandOf<T>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const decide: LedgerDecider<T> = deciders[command.type as T];
  return decide(command, state, context);
}
