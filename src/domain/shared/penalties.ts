import type Big from 'big.js';

import { daysBetween, type LocalDate } from './calendar.js';
import { Decimal, divideRounded, parseDecimal } from './decimal.js';
import { DomainError } from './errors.js';
import { MAX_MONEY_FRACTION_DIGITS, Money } from './money.js';
import { roundTo, roundToMinor, type RoundingPolicy } from './rounding.js';

/** From which event penalties run (rules §10). */
export type PenaltyStart = 'due-date' | 'suspension';

/** Total penalties on a debt never exceed this percentage of the debt. */
export interface PenaltyCap {
  readonly percentOfDebt: string;
}

/**
 * Late-payment penalty policy, as data (rules §10, §12). Percentages are decimal strings.
 * - 'none': no penalties (first provider; also prepaid negative balances, rules §5).
 * - 'percent-per-day': `ratePercent` % of the overdue debt per calendar day ('0.1' = 0.1 %/day).
 * - 'key-rate-fraction': 1/`denominator` of the annual central-bank key rate per calendar day
 *   (`keyRatePercent` '16.5', denominator 300 as in Russian law).
 */
export type PenaltyPolicy =
  | { readonly model: 'none' }
  | {
      readonly model: 'percent-per-day';
      readonly ratePercent: string;
      readonly cap?: PenaltyCap;
      readonly startsAt: PenaltyStart;
    }
  | {
      readonly model: 'key-rate-fraction';
      readonly keyRatePercent: string;
      readonly denominator: number;
      readonly cap?: PenaltyCap;
      readonly startsAt: PenaltyStart;
    };

export const KEY_RATE_DENOMINATOR = 300;

/** First provider (VK): no late-payment penalties. */
export const NO_PENALTIES: PenaltyPolicy = Object.freeze({ model: 'none' });

/**
 * Engine default, for the second provider whose own rate is not public: the common 0.1 % of the overdue
 * debt per calendar day, accruing while suspended (its cycle charges penalties only then), no cap.
 */
export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = Object.freeze({
  model: 'percent-per-day',
  ratePercent: '0.1',
  startsAt: 'suspension',
});

/** Result of accruing penalties for some more days. */
export interface PenaltyAccrual {
  /** What to accrue now (never negative). */
  readonly accrued: Money;
  /** alreadyAccrued + accrued. */
  readonly total: Money;
  /** True when the cap limited this accrual or had already been reached. */
  readonly capReached: boolean;
}

export class InvalidPenaltyPolicyError extends DomainError {
  override readonly name = 'InvalidPenaltyPolicyError';
  readonly code = 'PENALTY_POLICY_INVALID';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`penalty policy ${field}: ${reason}`);
  }
}

export class InvalidPenaltyInputError extends DomainError {
  override readonly name = 'InvalidPenaltyInputError';
  constructor(
    readonly code: 'PENALTY_DEBT_NEGATIVE' | 'PENALTY_DAYS_INVALID' | 'PENALTY_ACCRUED_NEGATIVE',
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

// Penalty fractions (e.g. 1/300 of a rate) do not terminate: results keep Money's full 12 digits,
// rounded half-up; documents round them to minor units later.
const PENALTY_FRACTION_DIGITS = MAX_MONEY_FRACTION_DIGITS;
const RATE_FRACTION_DIGITS = 6;

/** Throws InvalidPenaltyPolicyError unless `policy` is a well-formed PenaltyPolicy (e.g. from configuration). */
export function assertPenaltyPolicy(policy: unknown): asserts policy is PenaltyPolicy {
  if (typeof policy !== 'object' || policy === null)
    throw new InvalidPenaltyPolicyError('(root)', 'must be an object');
  const candidate = policy as Record<string, unknown>;
  if (candidate.model === 'none') return;
  if (candidate.model !== 'percent-per-day' && candidate.model !== 'key-rate-fraction') {
    throw new InvalidPenaltyPolicyError('model', `must be 'none', 'percent-per-day' or 'key-rate-fraction'`);
  }
  if (candidate.startsAt !== 'due-date' && candidate.startsAt !== 'suspension') {
    throw new InvalidPenaltyPolicyError('startsAt', `must be 'due-date' or 'suspension'`);
  }
  if (candidate.model === 'percent-per-day') {
    nonNegativePercent(candidate.ratePercent, 'ratePercent');
  } else {
    nonNegativePercent(candidate.keyRatePercent, 'keyRatePercent');
    const { denominator } = candidate;
    if (typeof denominator !== 'number' || !Number.isSafeInteger(denominator) || denominator <= 0) {
      throw new InvalidPenaltyPolicyError('denominator', 'must be a positive integer (e.g. 300)');
    }
  }
  if (candidate.cap !== undefined) {
    const cap = candidate.cap as Record<string, unknown> | null;
    if (typeof cap !== 'object' || cap === null)
      throw new InvalidPenaltyPolicyError('cap', 'must be an object');
    nonNegativePercent(cap.percentOfDebt, 'cap.percentOfDebt');
  }
}

/** One calendar day's penalty on `debt`, at full precision (12 fractional digits), not rounded to minor units. */
export function penaltyForDay(debt: Money, policy: PenaltyPolicy): Money {
  return penaltyForDays(debt, 1, policy);
}

/**
 * Penalties for `days` more calendar days on `debt`, given what has already accrued on it. Computed as
 * debt × daily rate × days in one step (so 30 days of 1/300 are exact to 12 digits, not 30 rounded days),
 * then limited by the cap: alreadyAccrued + accrued ≤ cap% × debt. If the debt shrank and alreadyAccrued
 * is above the new cap, nothing more accrues (accrued penalties are never taken back here).
 */
export function accruedPenalty(
  debt: Money,
  days: number,
  alreadyAccrued: Money,
  policy: PenaltyPolicy,
): PenaltyAccrual {
  assertPenaltyPolicy(policy);
  if (alreadyAccrued.isNegative()) {
    throw new InvalidPenaltyInputError('PENALTY_ACCRUED_NEGATIVE', 'alreadyAccrued', 'must not be negative');
  }
  const uncapped = penaltyForDays(debt, days, policy);
  if (policy.model === 'none' || policy.cap === undefined) {
    return { accrued: uncapped, total: alreadyAccrued.add(uncapped), capReached: false };
  }
  const cap = penaltyCap(debt, policy.cap);
  const room = Money.max(cap.subtract(alreadyAccrued), Money.zero(debt.currency));
  const accrued = Money.min(uncapped, room);
  const total = alreadyAccrued.add(accrued);
  return { accrued, total, capReached: total.isGreaterThanOrEqual(cap) };
}

/** One day of penalties as booked: the running totals before and after it, exact and rounded. */
export interface PenaltyDay {
  /** The exact (unrounded) running total after this day, never above the cap. */
  readonly exactTotal: Money;
  /** What the day books: the rounded running total after it less what was booked before (may be 0). */
  readonly amount: Money;
  /** booked before + amount: the exact running total rounded once. */
  readonly bookedTotal: Money;
  /** True when the cap limited this day or had already been reached. */
  readonly capReached: boolean;
}

/**
 * One more calendar day of penalties on `debt`, booked as the difference of the rounded running totals
 * (rules §10): the exact running total grows by the day's exact penalty, and the day books what its
 * rounding adds to what was booked before. So the booked days always add up to the exact total rounded
 * once (0.1 % a day on 333.33 for 60 days is 20.00, not 60 × 0.33), a day below half a kopeck books 0
 * and still counts, and the cap — in minor units, rounded down — is never exceeded.
 */
export function penaltyDayToBook(
  debt: Money,
  before: { readonly exact: Money; readonly booked: Money },
  policy: PenaltyPolicy,
  rounding: RoundingPolicy,
): PenaltyDay {
  const day = penaltyForDays(debt, 1, policy);
  const cap =
    policy.model !== 'none' && policy.cap !== undefined
      ? roundTo(penaltyCap(debt, policy.cap), debt.minorUnitDigits, 'down')
      : undefined;
  const room = cap === undefined ? day : Money.max(cap.subtract(before.exact), Money.zero(debt.currency));
  const exactTotal = before.exact.add(Money.min(day, room));
  const bookedTotal = Money.max(roundToMinor(exactTotal, rounding), before.booked);
  return {
    exactTotal,
    amount: bookedTotal.subtract(before.booked),
    bookedTotal,
    capReached: cap !== undefined && exactTotal.isGreaterThanOrEqual(cap),
  };
}

/** The most penalties a debt can carry under a cap: percentOfDebt % × debt. */
export function penaltyCap(debt: Money, cap: PenaltyCap): Money {
  return debt.multiply(percentAsFraction(nonNegativePercent(cap.percentOfDebt, 'cap.percentOfDebt')));
}

/**
 * Calendar days of penalty as of `asOf`: the days strictly after the start date up to and including
 * `asOf` (paying on the due date is still on time, so the first penalty day is the day after; the same
 * convention is kept for the suspension date). Zero before that, and zero for 'suspension' while the
 * account has never been suspended.
 */
export function penaltyDays(
  policy: PenaltyPolicy,
  dates: { readonly dueDate: LocalDate; readonly suspendedOn?: LocalDate; readonly asOf: LocalDate },
): number {
  if (policy.model === 'none') return 0;
  const start = policy.startsAt === 'due-date' ? dates.dueDate : dates.suspendedOn;
  if (start === undefined) return 0;
  return Math.max(0, daysBetween(start, dates.asOf));
}

function penaltyForDays(debt: Money, days: number, policy: PenaltyPolicy): Money {
  assertPenaltyPolicy(policy);
  if (debt.isNegative()) {
    throw new InvalidPenaltyInputError(
      'PENALTY_DEBT_NEGATIVE',
      'debt',
      'the overdue debt must not be negative',
    );
  }
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new InvalidPenaltyInputError(
      'PENALTY_DAYS_INVALID',
      'days',
      `${String(days)} is not a whole number ≥ 0`,
    );
  }
  if (policy.model === 'none') return Money.zero(debt.currency);
  const dailyPercent =
    policy.model === 'percent-per-day'
      ? { numerator: nonNegativePercent(policy.ratePercent, 'ratePercent'), denominator: new Decimal('100') }
      : {
          numerator: nonNegativePercent(policy.keyRatePercent, 'keyRatePercent'),
          denominator: new Decimal(String(policy.denominator * 100)),
        };
  const amount = divideRounded(
    debt.amount.times(dailyPercent.numerator).times(new Decimal(String(days))),
    dailyPercent.denominator,
    PENALTY_FRACTION_DIGITS,
    'half-up',
  );
  return Money.fromDecimal(amount, debt.currency);
}

function percentAsFraction(percent: Big): Big {
  return percent.div(new Decimal('100'));
}

function nonNegativePercent(value: unknown, field: string): Big {
  let parsed: Big;
  try {
    parsed = parseDecimal(value, field, RATE_FRACTION_DIGITS);
  } catch (error) {
    if (error instanceof DomainError) throw new InvalidPenaltyPolicyError(field, error.message);
    throw error;
  }
  if (parsed.s < 0) throw new InvalidPenaltyPolicyError(field, 'must not be negative');
  return parsed;
}
