/**
 * Card auto top-up (domain-rules §5): the account's settings and the request in flight, carried from one
 * period to the next. The engine never charges a card itself: it asks the payment gateway once per
 * crossing of the threshold and books the gateway's answer (a top-up, or a failure).
 */
export interface AutoTopUpSettings {
  enabled: boolean;
  /** The balance at or below which a charge asks for a top-up. */
  threshold: string;
  /** What the linked card is charged for. */
  amount: string;
  currency: string;
}

export interface AutoTopUpState extends AutoTopUpSettings {
  /** Requests made so far (request ids are `<accountId>-atu-<sequence>`). */
  sequence: number;
  /** The request waiting for the gateway's answer (a top-up with its id settles it). */
  pending?: { requestId: string; amount: string; attempt: number; requestedAt: string };
  /** The last request the gateway refused, while no newer one was made. */
  lastFailed?: { requestId: string; attempt: number };
}

/** The id of an account's n-th auto top-up request: also the payment id and the gateway's idempotency key. */
export const autoTopUpRequestId = (accountId: string, sequence: number) => `${accountId}-atu-${sequence}`;

/** The account a request id belongs to (undefined when it is not a request id). */
export function accountOfAutoTopUpRequest(requestId: string): string | undefined {
  return /^(.+)-atu-\d+$/.exec(requestId)?.[1];
}

/** The request still waiting for an answer: a top-up booked with its id (the payment id) settled it. */
export function pendingAutoTopUp(
  autoTopUp: AutoTopUpState | undefined,
  payments: { has(id: string): boolean },
): AutoTopUpState['pending'] {
  const pending = autoTopUp?.pending;
  return pending && !payments.has(pending.requestId) ? pending : undefined;
}

/** What the next period carries: the settings, the sequence, and a request still unanswered. */
export function carriedAutoTopUp(
  autoTopUp: AutoTopUpState,
  payments: { has(id: string): boolean },
): AutoTopUpState {
  const { pending: _pending, lastFailed, ...rest } = autoTopUp;
  const pending = pendingAutoTopUp(autoTopUp, payments);
  return {
    ...rest,
    ...(pending ? { pending: { ...pending } } : {}),
    ...(lastFailed ? { lastFailed: { ...lastFailed } } : {}),
  };
}
