import Big from 'big.js';

import { DomainError, describeValue } from './errors.js';

/**
 * The domain's own big.js constructor, isolated from the global `Big` so nobody else's settings leak in.
 * Strict mode makes `new Decimal(0.1)`, `x.plus(1)` and `x.valueOf()` throw: JS numbers never touch money.
 */
export const Decimal: Big.BigConstructor = Big();
Decimal.strict = true;
// Keep toString() in plain notation for any magnitude we can meet (no '1e-7').
Decimal.NE = -1_000_000;
Decimal.PE = 1_000_000;

/** How a value is brought to a given number of fractional digits. Signs are symmetric (see below). */
export type RoundingMode = 'half-up' | 'half-even' | 'up' | 'down';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];

/**
 * big.js rounding modes. They act on the magnitude, so rounding is symmetric around zero:
 * 'half-up' = half away from zero (commercial rounding), 'up' = away from zero, 'down' = toward zero,
 * 'half-even' = banker's rounding. Hence round(−x) = −round(x) for every mode.
 */
const BIG_ROUNDING_MODE: Readonly<Record<RoundingMode, Big.RoundingMode>> = {
  down: 0,
  'half-up': 1,
  'half-even': 2,
  up: 3,
};

export class DecimalFormatError extends DomainError {
  override readonly name = 'DecimalFormatError';
  readonly code = 'DECIMAL_FORMAT';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(
      `${field}: ${describeValue(value)} is not a plain decimal string ` +
        `(expected digits with an optional leading '-' and an optional '.' fraction, e.g. '12.345678'; ` +
        `no exponent, no '+', no spaces, no NaN/Infinity)`,
    );
  }
}

export class DecimalScaleError extends DomainError {
  override readonly name = 'DecimalScaleError';
  readonly code = 'DECIMAL_SCALE';
  constructor(
    readonly field: string,
    readonly value: string,
    readonly maxFractionDigits: number,
  ) {
    super(`${field}: '${value}' has more than ${maxFractionDigits} fractional digits`);
  }
}

export class UnknownRoundingModeError extends DomainError {
  override readonly name = 'UnknownRoundingModeError';
  readonly code = 'ROUNDING_MODE_UNKNOWN';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${describeValue(value)} is not one of ${ROUNDING_MODES.join(', ')}`);
  }
}

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * Parses a plain decimal string ('12.345678', '-10.5', '0') into a Decimal. Anything a float could have
 * produced or that is ambiguous ('1e5', '.5', '5.', '+1', ' 1', 'NaN', '') is rejected, as is a value
 * with more than `maxFractionDigits` fractional digits.
 */
export function parseDecimal(value: unknown, field: string, maxFractionDigits: number): Big {
  if (typeof value !== 'string' || !PLAIN_DECIMAL.test(value)) throw new DecimalFormatError(field, value);
  const dot = value.indexOf('.');
  if (dot >= 0 && value.length - dot - 1 > maxFractionDigits) {
    throw new DecimalScaleError(field, value, maxFractionDigits);
  }
  return normalizeZero(new Decimal(value));
}

/** Number of fractional digits a value really has (trailing zeros do not count: big.js drops them). */
export function fractionDigitsOf(value: Big): number {
  return Math.max(0, value.c.length - value.e - 1);
}

/** A plain decimal string, never in exponent notation and never '-0'. */
export function toPlainString(value: Big): string {
  return normalizeZero(value).toFixed();
}

export function assertRoundingMode(mode: unknown, field: string): asserts mode is RoundingMode {
  if (!ROUNDING_MODES.includes(mode as RoundingMode)) throw new UnknownRoundingModeError(field, mode);
}

/** Rounds to `fractionDigits` fractional digits with the given mode (symmetric around zero). */
export function roundDecimal(value: Big, fractionDigits: number, mode: RoundingMode): Big {
  assertRoundingMode(mode, 'rounding mode');
  return normalizeZero(new Decimal(value).round(fractionDigits, BIG_ROUNDING_MODE[mode]));
}

/**
 * dividend / divisor, correctly rounded to `fractionDigits` in one step. big.js keeps the remainder while
 * dividing, so a true tie (e.g. 0.005) is recognised as a tie and never produced by an earlier truncation.
 */
export function divideRounded(dividend: Big, divisor: Big, fractionDigits: number, mode: RoundingMode): Big {
  assertRoundingMode(mode, 'rounding mode');
  const Divider = dividerFor(fractionDigits, mode);
  return normalizeZero(new Decimal(new Divider(dividend).div(new Divider(divisor))));
}

/**
 * One big.js constructor per precision and rounding mode, made once and never changed: making one per
 * division (`Big()`) cost as much as the division (issue 18: the VAT of every line of a month-end close).
 */
const dividers = new Map<string, Big.BigConstructor>();

function dividerFor(fractionDigits: number, mode: RoundingMode): Big.BigConstructor {
  const key = `${fractionDigits} ${mode}`;
  let Divider = dividers.get(key);
  if (!Divider) {
    Divider = Big();
    Divider.strict = true;
    Divider.DP = fractionDigits;
    Divider.RM = BIG_ROUNDING_MODE[mode];
    dividers.set(key, Divider);
  }
  return Divider;
}

/** big.js can produce a negative zero (e.g. −0.001 rounded); the domain has only one zero. */
export function normalizeZero(value: Big): Big {
  return value.c[0] === 0 && value.s === -1 ? new Decimal('0') : value;
}
