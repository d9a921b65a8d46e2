import Big from 'big.js';
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
  /** The amount as the payment system sent it (a decimal string; 1500 and 1500.00 are the same amount). */
  amount: string;
  bookedAt: string;
}

export interface PaymentClaimed {
  type: 'PaymentClaimed';
  data: PaymentClaim;
}

/**
 * A claim taken for a payment the ledger then refused after all (another instance changed the account in
 * between): the id is free again, so the corrected payment is not refused as a reuse.
 */
export interface PaymentClaimReleased {
  type: 'PaymentClaimReleased';
  data: { paymentId: string; accountId: string; reason: string; at: string };
}

export type PaymentClaimEvent = PaymentClaimed | PaymentClaimReleased;

/** Unclaimed, or the claim that took the id. */
export type PaymentClaimState = PaymentClaim | undefined;

export const initialPaymentClaimState = (): PaymentClaimState => undefined;

/**
 * The first claim wins: a later one (appended by a concurrent first arrival) changes nothing. A release
 * frees the id.
 */
export const evolvePaymentClaim = (state: PaymentClaimState, event: PaymentClaimEvent): PaymentClaimState =>
  event.type === 'PaymentClaimReleased' ? undefined : (state ?? { ...event.data });

export type ClaimPaymentCommand = PaymentClaim;

/**
 * Claims a payment id for an account and an amount. The same account and amount again is a retry: nothing
 * is stored and the payment is booked at the claim's `bookedAt`. Another account or amount under a claimed
 * id is refused.
 */
export function decideClaimPayment(
  command: ClaimPaymentCommand,
  state: PaymentClaimState,
): DecisionOf<PaymentClaimEvent> {
  if (!state) return { ok: true, events: [{ type: 'PaymentClaimed', data: { ...command } }] };
  if (state.accountId === command.accountId && new Big(state.amount).eq(command.amount)) {
    return { ok: true, events: [], duplicate: true };
  }
  return reject(
    'PAYMENT_ID_REUSED',
    `Payment ${command.paymentId} was already registered with another account or amount`,
    'paymentId',
  );
}

/** Frees a claim this account took for a payment the ledger refused; anything else changes nothing. */
export function decideReleaseClaim(
  command: PaymentClaimReleased['data'],
  state: PaymentClaimState,
): DecisionOf<PaymentClaimEvent> {
  if (state?.accountId !== command.accountId) return { ok: true, events: [], duplicate: true };
  return { ok: true, events: [{ type: 'PaymentClaimReleased', data: { ...command } }] };
}

/**
 * When a payment is booked: at its own time, unless the period it is dated in is already closed — then
 * now, in the current period (a closed period takes no corrections).
 */
export const bookingTime = (paymentAt: string, datedPeriodClosed: boolean, now: string): string =>
  datedPeriodClosed ? now : paymentAt;
