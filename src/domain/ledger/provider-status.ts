/**
 * The second provider's account statuses (rules §7, for reference): a pure mapping from the ledger state,
 * the account's payment method and its profile, shown in the account summary beside the engine's own
 * status. The engine's statuses stay the source of truth; this is how the second provider would name them.
 *
 * - NEW: no reporting period opened yet.
 * - PENDING_INACTIVATION: blocked (the 60 days ran out) or deleted: everything is being removed; also
 *   from the instant the customer asked to close the account (issue 14, item 5) — it is being wound up.
 * - trial profiles: TRIAL_ACTIVE while a grant is usable; suspended at the trial's end — TRIAL_EXPIRED
 *   when a grant expired, TRIAL_SUSPENDED when the grants were used up; PAY_OR_BIND before any grant.
 * - SUSPENDED; PAYMENT_REQUIRED (payment required or frozen), FIRST_PAYMENT_REQUIRED when the account
 *   never paid.
 * - active, never paid, no usable grant, no credit, nothing on the balance: PAY_OR_BIND for a card payer
 *   (pay or bind a card), PAYMENT_NOT_CONFIRMED for a bank-transfer payer (the first transfer is awaited);
 *   otherwise ACTIVE.
 */
import type { PaymentMethod } from '../account/account-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { hasUsableGrant } from './decisions/funds.js';
import type { LedgerState } from './ledger-state.js';

export const PROVIDER_STATUSES = [
  'NEW',
  'PAYMENT_NOT_CONFIRMED',
  'PAY_OR_BIND',
  'TRIAL_ACTIVE',
  'TRIAL_SUSPENDED',
  'TRIAL_EXPIRED',
  'FIRST_PAYMENT_REQUIRED',
  'ACTIVE',
  'PAYMENT_REQUIRED',
  'SUSPENDED',
  'PENDING_INACTIVATION',
] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export function providerStatus(
  state: LedgerState,
  account: { readonly paymentMethod: PaymentMethod; readonly closureRequestedAt?: string },
  profile: Pick<PolicyProfile, 'trial'>,
  at: string,
): ProviderStatus {
  if (state.phase === 'not-opened' || state.periodId === '') return 'NEW';
  if (state.status === 'blocked' || state.status === 'deleted') return 'PENDING_INACTIVATION';
  const closing = account.closureRequestedAt;
  if (closing !== undefined && Date.parse(closing) <= Date.parse(at)) return 'PENDING_INACTIVATION';
  const usableGrant = hasUsableGrant(state, at);
  if (profile.trial?.enabled) {
    if (state.status === 'suspended') {
      const expired =
        state.grantsExpired.gt(0) ||
        [...state.grants.values()].some((g) => Date.parse(g.expiresAt) <= Date.parse(at));
      return expired ? 'TRIAL_EXPIRED' : 'TRIAL_SUSPENDED';
    }
    if (usableGrant) return 'TRIAL_ACTIVE';
    if (state.grants.size === 0 && !state.everPaid) return 'PAY_OR_BIND';
  }
  if (state.status === 'suspended') return 'SUSPENDED';
  if (state.status === 'payment-required' || state.status === 'frozen') {
    return state.everPaid ? 'PAYMENT_REQUIRED' : 'FIRST_PAYMENT_REQUIRED';
  }
  if (!state.everPaid && !usableGrant && state.creditLimit.eq(0) && state.balance.lte(0)) {
    return account.paymentMethod === 'card' ? 'PAY_OR_BIND' : 'PAYMENT_NOT_CONFIRMED';
  }
  return 'ACTIVE';
}
