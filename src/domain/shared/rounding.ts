import { Decimal, assertRoundingMode, divideRounded, roundDecimal, type RoundingMode } from './decimal.js';
import { DomainError } from './errors.js';
import { CHARGE_FRACTION_DIGITS, Money, assertInMinorUnits, type Currency } from './money.js';

export { ROUNDING_MODES, type RoundingMode } from './decimal.js';

/**
 * How amounts are rounded, as data (rules §2, §12).
 * - `mode`: how a value is brought to the target digits. Symmetric around zero: 'half-up' is half away
 *   from zero, 'up' away from zero, 'down' toward zero, 'half-even' banker's rounding.
 * - `subMinorChargesRoundUp`: a positive charge smaller than one minor unit becomes exactly one minor unit
 *   (first provider: anything below 1 kopeck is billed as 1 kopeck). Applies to charges only, never to
 *   derived amounts such as VAT, penalties or totals.
 */
export interface RoundingPolicy {
  readonly mode: RoundingMode;
  readonly subMinorChargesRoundUp: boolean;
}

/** Engine default: half-up, sub-minor charges rounded like any other amount. */
export const DEFAULT_ROUNDING_POLICY: RoundingPolicy = Object.freeze({
  mode: 'half-up',
  subMinorChargesRoundUp: false,
});

/** First provider (VK): half-up, and any positive charge below 1 kopeck is billed as 1 kopeck. */
export const VK_ROUNDING_POLICY: RoundingPolicy = Object.freeze({
  mode: 'half-up',
  subMinorChargesRoundUp: true,
});

export class InvalidRoundingPolicyError extends DomainError {
  override readonly name = 'InvalidRoundingPolicyError';
  readonly code = 'ROUNDING_POLICY_INVALID';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`rounding policy ${field}: ${reason}`);
  }
}

/** Validates a policy that came from configuration (JSON), so a typo fails loudly at load time. */
export function assertRoundingPolicy(policy: unknown): asserts policy is RoundingPolicy {
  if (typeof policy !== 'object' || policy === null) {
    throw new InvalidRoundingPolicyError('(root)', 'must be an object');
  }
  const { mode, subMinorChargesRoundUp } = policy as Record<string, unknown>;
  assertRoundingMode(mode, 'rounding policy mode');
  if (typeof subMinorChargesRoundUp !== 'boolean') {
    throw new InvalidRoundingPolicyError('subMinorChargesRoundUp', 'must be true or false');
  }
}

/** `money` rounded to `fractionDigits` with `mode`. */
export function roundTo(money: Money, fractionDigits: number, mode: RoundingMode): Money {
  return Money.fromDecimal(roundDecimal(money.amount, fractionDigits, mode), money.currency);
}

/**
 * A derived amount (VAT, penalty, total) rounded to the currency's minor unit with the policy's mode.
 * The sub-minor rule is deliberately NOT applied here: it is about charges.
 */
export function roundToMinor(money: Money, policy: RoundingPolicy = DEFAULT_ROUNDING_POLICY): Money {
  return roundTo(money, money.minorUnitDigits, policy.mode);
}

/**
 * A raw charge (price × quantity) brought to charge precision (6 fractional digits). With
 * `subMinorChargesRoundUp`, a positive charge below one minor unit — judged on the raw value, so even
 * 0.0000001 counts — becomes one minor unit. Zero stays zero; negative charges (corrections) are only
 * rounded, never pushed away from zero.
 */
export function roundCharge(charge: Money, policy: RoundingPolicy = DEFAULT_ROUNDING_POLICY): Money {
  return subMinorChargeFloor(charge, policy) ?? roundTo(charge, CHARGE_FRACTION_DIGITS, policy.mode);
}

/** A charge rounded to minor units for a document line, with the sub-minor rule of the policy. */
export function roundChargeToMinor(charge: Money, policy: RoundingPolicy = DEFAULT_ROUNDING_POLICY): Money {
  return subMinorChargeFloor(charge, policy) ?? roundToMinor(charge, policy);
}

/** One minor unit of the currency: 0.01 RUB, 0.01 KZT, 0.01 USD. */
export function oneMinorUnit(currency: Currency): Money {
  // Asked on every charge; Money is immutable, so one value per currency serves them all.
  let unit = minorUnits.get(currency);
  if (!unit) {
    unit = Money.ofMinorUnits('1', currency);
    minorUnits.set(currency, unit);
  }
  return unit;
}

const minorUnits = new Map<Currency, Money>();

function subMinorChargeFloor(charge: Money, policy: RoundingPolicy): Money | undefined {
  if (!policy.subMinorChargesRoundUp || !charge.isPositive()) return undefined;
  const minorUnit = oneMinorUnit(charge.currency);
  return charge.isLessThan(minorUnit) ? minorUnit : undefined;
}

export class InvalidAllocationWeightsError extends DomainError {
  override readonly name = 'InvalidAllocationWeightsError';
  readonly code = 'ALLOCATION_WEIGHTS_INVALID';
  constructor(reason: string) {
    super(`allocation weights: ${reason}`);
  }
}

/**
 * Splits `amount` (whole minor units) into parts proportional to non-negative integer `weights`, in minor
 * units, by the largest-remainder method: every part is its exact share rounded down or up, and the parts
 * always add up to `amount` exactly (ties go to the earlier part). Negative amounts split symmetrically.
 */
export function allocateByWeights(amount: Money, weights: readonly number[]): Money[] {
  assertInMinorUnits(amount, 'amount to allocate');
  if (weights.length === 0) throw new InvalidAllocationWeightsError('at least one weight is required');
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) {
    throw new InvalidAllocationWeightsError('every weight must be a non-negative integer');
  }
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  if (totalWeight === 0) throw new InvalidAllocationWeightsError('the weights must not all be zero');

  const scale = new Decimal('10').pow(amount.minorUnitDigits);
  const units = amount.amount.abs().times(scale); // an integer: amount is in minor units
  const total = new Decimal(String(totalWeight));
  const shares = weights.map((weight, index) => {
    const exact = units.times(new Decimal(String(weight)));
    const floor = divideRounded(exact, total, 0, 'down');
    return { index, floor, remainder: exact.minus(floor.times(total)) };
  });
  let leftover = shares.reduce((sum, share) => sum.minus(share.floor), units);
  const byRemainder = [...shares].sort((a, b) => b.remainder.cmp(a.remainder) || a.index - b.index);
  const parts = shares.map((share) => share.floor);
  for (const share of byRemainder) {
    if (leftover.lte(new Decimal('0'))) break;
    parts[share.index] = parts[share.index]!.plus(new Decimal('1'));
    leftover = leftover.minus(new Decimal('1'));
  }
  const sign = amount.isNegative() ? -1 : 1;
  return parts.map((part) => {
    const money = Money.fromDecimal(part.div(scale), amount.currency);
    return sign < 0 ? money.negate() : money;
  });
}
