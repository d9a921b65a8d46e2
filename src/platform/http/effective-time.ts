import { problem } from './problem-details.js';

/** The DI token of the window input times must fall in, relative to the engine's clock. */
export const EFFECTIVE_TIME_WINDOW = Symbol('EffectiveTimeWindow');

/**
 * How far from the engine's clock a time given as input (an account's opening, a payment's date, a grant's
 * issue) may lie. An opening in 1900 would back-fill every month since; one in 2100 would refuse every
 * top-up until then. Configured by EFFECTIVE_TIME_MAX_PAST_DAYS and EFFECTIVE_TIME_MAX_FUTURE_MINUTES.
 */
export interface EffectiveTimeWindow {
  readonly maxPastDays: number;
  readonly maxFutureMinutes: number;
}

export const DEFAULT_EFFECTIVE_TIME_WINDOW: EffectiveTimeWindow = { maxPastDays: 92, maxFutureMinutes: 5 };

/** Refuses (400 naming `field`) a time outside the window around `now`; absent times pass. */
export function assertWithinEffectiveTimeWindow(
  value: string | undefined,
  field: string,
  now: Date,
  window: EffectiveTimeWindow,
): void {
  if (value === undefined) return;
  const time = Date.parse(value);
  const earliest = now.getTime() - window.maxPastDays * 86_400_000;
  const latest = now.getTime() + window.maxFutureMinutes * 60_000;
  if (time >= earliest && time <= latest) return;
  const message =
    `${field} must lie between ${new Date(earliest).toISOString()} and ${new Date(latest).toISOString()} ` +
    `(at most ${window.maxPastDays} days before and ${window.maxFutureMinutes} minutes after now)`;
  throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', message, {
    errors: [{ field, rule: 'effectiveTimeWindow', message }],
  });
}
