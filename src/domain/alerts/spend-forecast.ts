import Big from 'big.js';

const HOUR_MS = 3_600_000;

/**
 * The period's spend at the current rate: spend so far ÷ the elapsed fraction of the period, rounded to
 * minor units (half-up). Undefined in the period's first hour (too little to extrapolate from); after the
 * period's end, the spend itself.
 */
export function forecastSpend(
  spendSoFar: Big,
  period: { startsAt: string; endsAt: string },
  at: string,
): Big | undefined {
  const start = Date.parse(period.startsAt);
  const end = Date.parse(period.endsAt);
  const now = Date.parse(at);
  if (!(end > start) || Number.isNaN(now)) return undefined;
  const elapsed = now - start;
  if (elapsed < HOUR_MS) return undefined;
  if (now >= end) return spendSoFar.round(2, Big.roundHalfUp);
  return spendSoFar
    .times(end - start)
    .div(elapsed)
    .round(2, Big.roundHalfUp);
}
