import { instantToEpochMs, type IsoInstant } from './calendar.js';
import { DomainError } from './errors.js';
import { CurrencyMismatchError, Money } from './money.js';

/**
 * What a grant may pay for: every service, only the listed service categories, or everything except the
 * listed categories.
 */
export type GrantScope =
  'all' | { readonly categories: readonly string[] } | { readonly excludedCategories: readonly string[] };

/** Start grants pay for everything except GPU clusters, paid support and the marketplace (rules §4). */
export const START_GRANT_EXCLUDED_CATEGORIES: readonly string[] = Object.freeze([
  'gpu-cluster',
  'paid-support',
  'marketplace',
]);

export const START_GRANT_SCOPE: GrantScope = Object.freeze({
  excludedCategories: START_GRANT_EXCLUDED_CATEGORIES,
});

/** A start grant expires 60 days after it is issued (rules §4). */
export const START_GRANT_VALIDITY_DAYS = 60;

/** Bonus funds, spent before the personal account; lost at expiry; never withdrawn; never repay debt. */
export interface Grant {
  readonly id: string;
  readonly remaining: Money;
  /** Exclusive: at this instant the grant is already expired. */
  readonly expiresAt: IsoInstant;
  readonly scope: GrantScope;
  /** Higher numbers are spent first among grants that expire at the same instant. */
  readonly priority: number;
  readonly issuedAt: IsoInstant;
}

/**
 * The order grants are spent in (rules §4, §12):
 * - 'earliest-expiry' (default): every unexpired grant whose scope covers the charge's category, earliest
 *   expiry first, then higher priority, then earlier issue, then grant id (for a total, replayable order);
 *   the charge cascades through them before the personal account.
 * - 'object-type-first-then-account' (first provider, VK): exactly one grant pays — the one dedicated to
 *   the charge's category (object type) if there is one, otherwise the first covering grant in the default
 *   order; whatever it cannot cover comes from the personal account even if other grants remain. A
 *   dedicated grant that is used up keeps that role: its category is then paid from the account.
 */
export type GrantOrderPolicy = 'earliest-expiry' | 'object-type-first-then-account';

export const GRANT_ORDER_POLICIES: readonly GrantOrderPolicy[] = [
  'earliest-expiry',
  'object-type-first-then-account',
];

export const DEFAULT_GRANT_ORDER_POLICY: GrantOrderPolicy = 'earliest-expiry';
export const VK_GRANT_ORDER_POLICY: GrantOrderPolicy = 'object-type-first-then-account';

export interface ChargeToAllocate {
  /** The charge, ≥ 0. */
  readonly amount: Money;
  /** Service category of the charge (the object type, for the first provider), e.g. 'compute'. */
  readonly category: string;
  /** When the charge is incurred; grants with expiresAt ≤ at are not used. */
  readonly at: IsoInstant;
  readonly grants: readonly Grant[];
  readonly order?: GrantOrderPolicy;
}

export interface GrantDebit {
  readonly grantId: string;
  readonly amount: Money;
}

/** How a charge is paid: Σ fromGrants + fromBalance = the charge. */
export interface ChargeAllocation {
  /** Positive amounts only, in the order the grants were spent. */
  readonly fromGrants: readonly GrantDebit[];
  /** The rest, charged to the personal account balance (may take it below zero). */
  readonly fromBalance: Money;
}

export class GrantAllocationError extends DomainError {
  override readonly name = 'GrantAllocationError';
  constructor(
    readonly code:
      | 'CHARGE_AMOUNT_NEGATIVE'
      | 'GRANT_REMAINING_NEGATIVE'
      | 'GRANT_ID_DUPLICATE'
      | 'GRANT_PRIORITY_INVALID'
      | 'GRANT_ORDER_UNKNOWN',
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Whether a grant's scope covers a service category. */
export function grantCoversCategory(scope: GrantScope, category: string): boolean {
  if (scope === 'all') return true;
  if ('categories' in scope) return scope.categories.includes(category);
  return !scope.excludedCategories.includes(category);
}

/** Expired grants (expiresAt ≤ at) are never used; the rules call the loss at that moment GrantExpired. */
export function isGrantExpired(grant: Grant, at: IsoInstant): boolean {
  return instantToEpochMs(grant.expiresAt, 'expiresAt') <= instantToEpochMs(at, 'at');
}

/** Splits a charge between grants and the personal account according to the order policy. */
export function allocateCharge(charge: ChargeToAllocate): ChargeAllocation {
  const order = charge.order ?? DEFAULT_GRANT_ORDER_POLICY;
  validate(charge, order);
  const covering = charge.grants
    .filter((grant) => grantCoversCategory(grant.scope, charge.category) && !isGrantExpired(grant, charge.at))
    .sort(byDefaultOrder);
  const payers = order === 'earliest-expiry' ? covering : singleVkPayer(covering);

  const fromGrants: GrantDebit[] = [];
  let left = charge.amount;
  for (const grant of payers) {
    if (!left.isPositive()) break;
    const taken = Money.min(left, grant.remaining);
    if (!taken.isPositive()) continue;
    fromGrants.push({ grantId: grant.id, amount: taken });
    left = left.subtract(taken);
  }
  return { fromGrants, fromBalance: left };
}

/**
 * The one grant the first provider charges, or none. `covering` is already filtered by category and
 * expiry, so a grant with a category list here is dedicated to the charge's category.
 */
function singleVkPayer(covering: readonly Grant[]): Grant[] {
  const dedicated = covering.filter((grant) => grant.scope !== 'all' && 'categories' in grant.scope);
  const pool = dedicated.length > 0 ? dedicated : covering;
  const payer = pool.find((grant) => grant.remaining.isPositive());
  return payer ? [payer] : [];
}

function byDefaultOrder(left: Grant, right: Grant): number {
  return (
    instantToEpochMs(left.expiresAt) - instantToEpochMs(right.expiresAt) ||
    right.priority - left.priority ||
    instantToEpochMs(left.issuedAt) - instantToEpochMs(right.issuedAt) ||
    (left.id < right.id ? -1 : left.id > right.id ? 1 : 0)
  );
}

function validate(charge: ChargeToAllocate, order: GrantOrderPolicy): void {
  if (!GRANT_ORDER_POLICIES.includes(order)) {
    throw new GrantAllocationError(
      'GRANT_ORDER_UNKNOWN',
      'order',
      `${String(order)} is not a grant order policy`,
    );
  }
  if (charge.amount.isNegative()) {
    throw new GrantAllocationError(
      'CHARGE_AMOUNT_NEGATIVE',
      'amount',
      'a charge to allocate must not be negative',
    );
  }
  instantToEpochMs(charge.at, 'at');
  const seen = new Set<string>();
  for (const grant of charge.grants) {
    if (seen.has(grant.id)) {
      throw new GrantAllocationError('GRANT_ID_DUPLICATE', 'grants', `grant ${grant.id} is listed twice`);
    }
    seen.add(grant.id);
    if (grant.remaining.currency !== charge.amount.currency) {
      throw new CurrencyMismatchError(`grant ${grant.id}`, charge.amount.currency, grant.remaining.currency);
    }
    if (grant.remaining.isNegative()) {
      throw new GrantAllocationError(
        'GRANT_REMAINING_NEGATIVE',
        `grant ${grant.id} remaining`,
        'must not be negative',
      );
    }
    if (!Number.isFinite(grant.priority)) {
      throw new GrantAllocationError(
        'GRANT_PRIORITY_INVALID',
        `grant ${grant.id} priority`,
        'must be a finite number',
      );
    }
    instantToEpochMs(grant.expiresAt, `grant ${grant.id} expiresAt`);
    instantToEpochMs(grant.issuedAt, `grant ${grant.id} issuedAt`);
  }
}
