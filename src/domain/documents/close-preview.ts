/**
 * The invoice preview's seam into the close (issue 14, item 6): what closing the period would record, from a
 * ledger state as of some instant, computed by the close's own decision — never a second formula. The close
 * is decided as at the period's end (grants that expire by then are lost, as they would be), on a copy of
 * the state; nothing is stored.
 */
import { decideLedger } from '../ledger/ledger-decide.js';
import type { LedgerContext } from '../ledger/ledger-commands.js';
import type { LedgerEventOf } from '../ledger/ledger-events.js';
import type { LedgerState } from '../ledger/ledger-state.js';
import { DomainError } from '../shared/errors.js';

export interface ClosePreview {
  /** The PeriodClosed the close would record. */
  readonly closed: LedgerEventOf<'PeriodClosed'>['data'];
  /** The period BillIssued the close would raise, if it raises one. */
  readonly ledgerBill?: LedgerEventOf<'BillIssued'>['data'];
}

/** The close cannot be previewed (no open period, or the close itself refuses: a deleted account). */
export class ClosePreviewRefusedError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function previewClose(state: LedgerState, context: LedgerContext): ClosePreview {
  if (state.phase !== 'open')
    throw new ClosePreviewRefusedError(
      'NO_OPEN_PERIOD',
      `There is no open period to preview (${state.phase})`,
    );
  const decision = decideLedger(
    { type: 'ClosePeriod', at: state.endsAt, timeZone: context.timeZone },
    state,
    context,
  );
  if (!decision.ok) throw new ClosePreviewRefusedError(decision.code, decision.message);
  let closed: ClosePreview['closed'] | undefined;
  let ledgerBill: ClosePreview['ledgerBill'];
  for (const event of decision.events) {
    if (event.type === 'PeriodClosed') closed = event.data;
    if (event.type === 'BillIssued' && event.data.kind === 'period') ledgerBill = event.data;
  }
  if (!closed) throw new Error(`The close of ${state.periodId} recorded no PeriodClosed`);
  return { closed, ...(ledgerBill ? { ledgerBill } : {}) };
}
