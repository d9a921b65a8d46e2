/** A refused command: nothing is stored; `code` is stable and machine-readable, e.g. ACCOUNT_FROZEN. */
export interface Rejection {
  ok: false;
  code: string;
  message: string;
  /** The command field at fault, when one is. */
  field?: string;
}

/**
 * What every decider returns: the events to append (none for a retry already applied or a deadline with
 * nothing left to do; `duplicate` says which), or a rejection.
 */
export type DecisionOf<Event> = { ok: true; events: Event[]; duplicate?: boolean } | Rejection;

export const reject = (code: string, message: string, field?: string): Rejection => ({
  ok: false,
  code,
  message,
  field,
});
