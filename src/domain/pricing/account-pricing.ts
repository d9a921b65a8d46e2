/**
 * Per-account pricing as the ledger sees it (business-rules.md#per-account-pricing): the discounts and
 * committed-use terms of one account, as data the handler passes into the ledger's context. Pure: what
 * applies to a usage instant, and the discounted amount, computed with big.js only.
 */
import Big from 'big.js';

/** Digits after the point of a rated amount (the rater's AMOUNT_FRACTION_DIGITS). */
const RATED_FRACTION_DIGITS = 6;

/** A percent off the list price of one SKU or of every SKU of one category, in force over [from, until). */
export interface DiscountTerms {
  readonly discountId: string;
  /** Exactly one of `sku` and `category`. */
  readonly sku?: string;
  readonly category?: string;
  /** 0 < percent ≤ 100, at most 2 decimals. */
  readonly percent: string;
  readonly effectiveFrom: string;
  /** Exclusive; absent = open-ended. An early end shortens it (the read side's `effectiveUntil`). */
  readonly effectiveUntil?: string;
}

/** A fixed monthly commitment (gross, the account's currency) for usage in its scope, rated at a discount. */
export interface CommitmentTerms {
  readonly commitmentId: string;
  /** Committed spend per period, gross, in the account's currency. */
  readonly amount: string;
  readonly currency: string;
  readonly skus: readonly string[];
  readonly categories: readonly string[];
  /** The discount covered usage is rated at (0 < p ≤ 100, at most 2 decimals). */
  readonly discountPercent: string;
  /** A period start: the term is `months` whole periods, so no period is partial. */
  readonly effectiveFrom: string;
  readonly months: number;
  /** The term's first and last reporting periods ('YYYY-MM', inclusive). */
  readonly firstPeriodId: string;
  readonly lastPeriodId: string;
  /** The start of the period after the last one (exclusive end of the term). */
  readonly effectiveUntil: string;
}

/** Everything the ledger needs of an account's pricing: data, never I/O. */
export interface AccountPricing {
  readonly discounts: readonly DiscountTerms[];
  readonly commitments: readonly CommitmentTerms[];
}

/** What applies to one usage, recorded on ResourceConsumed so documents and audits can explain it. */
export type AppliedPricing =
  | { readonly discountId: string; readonly percent: string }
  | { readonly commitmentId: string; readonly percent: string };

/** from ≤ at < until (until absent = open-ended); instants compared as instants, never as strings. */
export function inForce(from: string, until: string | undefined, at: string): boolean {
  const instant = Date.parse(at);
  return Date.parse(from) <= instant && (until === undefined || instant < Date.parse(until));
}

/**
 * The one percent that applies to a usage of `sku` (in `category`) at `at`. Nothing stacks: usage a
 * commitment covers is rated at the commitment's rate; otherwise a discount on the SKU beats one on its
 * category.
 */
export function pricingApplied(
  pricing: AccountPricing | undefined,
  usage: { readonly sku: string; readonly category: string; readonly at: string },
): AppliedPricing | undefined {
  if (pricing === undefined) return undefined;
  const commitment = pricing.commitments.find(
    (c) =>
      inForce(c.effectiveFrom, c.effectiveUntil, usage.at) &&
      (c.skus.includes(usage.sku) || c.categories.includes(usage.category)),
  );
  if (commitment) return { commitmentId: commitment.commitmentId, percent: commitment.discountPercent };
  const live = pricing.discounts.filter((d) => inForce(d.effectiveFrom, d.effectiveUntil, usage.at));
  const discount =
    live.find((d) => d.sku === usage.sku) ??
    live.find((d) => d.sku === undefined && d.category === usage.category);
  return discount && { discountId: discount.discountId, percent: discount.percent };
}

/** amount × (1 − percent/100), rounded half-up to the rated amount's 6 decimals (before hourly rounding). */
export function discountedAmount(amount: string, percent: string): string {
  return new Big(amount)
    .times(new Big(100).minus(percent))
    .div(100)
    .toFixed(RATED_FRACTION_DIGITS, Big.roundHalfUp);
}

/** The commitments whose term includes the period `periodId` ('YYYY-MM' compares as a string). */
export const commitmentsOfPeriod = (
  pricing: AccountPricing | undefined,
  periodId: string,
): CommitmentTerms[] =>
  (pricing?.commitments ?? []).filter((c) => c.firstPeriodId <= periodId && periodId <= c.lastPeriodId);

/** The service line a commitment's shortfall is billed under (documents print it with VAT). */
export const COMMITMENT_SHORTFALL_SERVICE = 'Committed use shortfall';
export const COMMITMENT_SHORTFALL_CATEGORY = 'committed-use';
