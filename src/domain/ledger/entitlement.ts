import type { PolicyProfile } from '../policies/policy-profile.js';
import { availableFunds, type LedgerState } from './ledger-state.js';

export interface Entitlement {
  allowed: boolean;
  /** Stable code of the reason: OK, ACCOUNT_FROZEN, ACCOUNT_SUSPENDED, ACCOUNT_BLOCKED, PAYMENT_REQUIRED, UNKNOWN_SKU. */
  reason: string;
  message: string;
  /** When the answer will change by itself, if a deadline is known (e.g. the suspension date). */
  until?: string;
}

/** May the account consume this SKU now, and if not, why — the same rules the ledger applies to usage. */
export function entitlement(
  state: LedgerState,
  profile: PolicyProfile,
  sku: { known: false } | { known: true; category: string; keptWhileStopped: boolean },
): Entitlement {
  if (!sku.known)
    return { allowed: false, reason: 'UNKNOWN_SKU', message: 'The SKU is not in the catalog in force now' };
  const kept = sku.keptWhileStopped || profile.chargedWhileStopped.includes(sku.category);
  switch (state.status) {
    case 'blocked':
    case 'deleted':
      return {
        allowed: false,
        reason: 'ACCOUNT_BLOCKED',
        message: 'The account is blocked; its resources are being deleted',
      };
    case 'frozen':
      return kept
        ? { allowed: true, reason: 'OK', message: 'Frozen, but this resource keeps running and is charged' }
        : {
            allowed: false,
            reason: 'ACCOUNT_FROZEN',
            message: `The balance is ${state.balance.toFixed()}: top up to unfreeze`,
          };
    case 'suspended':
      return kept
        ? { allowed: true, reason: 'OK', message: 'Suspended, but this resource is kept and charged' }
        : {
            allowed: false,
            reason: 'ACCOUNT_SUSPENDED',
            message: 'Pay the debt in full to restore the account',
            until: state.suspension?.deleteAt,
          };
    case 'payment-required':
      return {
        allowed: true,
        reason: 'PAYMENT_REQUIRED',
        message: `Available funds are ${availableFunds(state).toFixed()}: top up before the suspension`,
        until: state.suspension?.suspendAt,
      };
    default:
      return { allowed: true, reason: 'OK', message: 'Allowed' };
  }
}
