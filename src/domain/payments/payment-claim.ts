import { reject, type DecisionOf } from '../shared/decision.js';

/**
 * Top-ups and bill payments carry the payment system's id, which must take effect once, forever: even when
 * a retry arrives in a later period. The first arrival claims the id (stream `payment-<id>`, one
 * PaymentClaimed) and records the instant the payment is booked at; a retry is decided at that same
 * instant, in the same period, where the ledger recognises the payment id.
 */
export interface PaymentClaim {
  paymentId: string;
  accountId: string;
  /** The amount as the payment system sent it (a decimal string, compared as sent). */
  amount: string;
  bookedAt: string;
}

export interface PaymentClaimed {
  type: 'PaymentClaimed';
  data: PaymentClaim;
}

/** Unclaimed, or the claim that took the id. */
export type PaymentClaimState = PaymentClaim | undefined;

export const initialPaymentClaimState = (): PaymentClaimState => undefined;

/** The first claim wins: a later one (appended by a concurrent first arrival) changes nothing. */
export const evolvePaymentClaim = (state: PaymentClaimState, event: PaymentClaimed): PaymentClaimState =>
  state ?? { ...event.data };

export type ClaimPaymentCommand = PaymentClaim;

/**
 * Claims a payment id for an account and an amount. The same account and amount again is a retry: nothing
 * is stored and the payment is booked at the claim's `bookedAt`. Another account or amount under a claimed
 * id is refused.
 */
export function decideClaimPayment(
  command: ClaimPaymentCommand,
  state: PaymentClaimState,
): DecisionOf<PaymentClaimed> {
  if (!state) return { ok: true, events: [{ type: 'PaymentClaimed', data: { ...command } }] };
  if (state.accountId === command.accountId && state.amount === command.amount) {
    return { ok: true, events: [], duplicate: true };
  }
  return reject(
    'PAYMENT_ID_REUSED',
    `Payment ${command.paymentId} was already registered with another account or amount`,
    'paymentId',
  );
}

/**
 * When a payment is booked: at its own time, unless the period it is dated in is already closed — then
 * now, in the current period (a closed period takes no corrections).
 */
export const bookingTime = (paymentAt: string, datedPeriodClosed: boolean, now: string): string =>
  datedPeriodClosed ? now : paymentAt;
