import type Big from 'big.js';

/**
 * Sign checks of a decimal without a zero to compare with: `x.gt('0')` parses '0' into a new Big on every
 * call, and a usage charge made ≈ 15 such comparisons (issue 18: the Big constructor was the top JS frame of
 * the command path). big.js keeps no leading zero digit, so a value is zero exactly when its first digit
 * is 0 — which is how its own `cmp` tells zero (a negative zero, `-0`, is zero too).
 */
export function signOf(x: Big): -1 | 0 | 1 {
  return x.c[0] === 0 ? 0 : x.s < 0 ? -1 : 1;
}

/** x > 0, as `x.gt('0')`. */
export const isPositive = (x: Big): boolean => x.c[0] !== 0 && x.s > 0;

/** x < 0, as `x.lt('0')`. */
export const isNegative = (x: Big): boolean => x.c[0] !== 0 && x.s < 0;

/** x = 0, as `x.eq('0')`. */
export const isZero = (x: Big): boolean => x.c[0] === 0;
