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
