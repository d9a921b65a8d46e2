/** Instants in commands and deadlines: ISO-8601 UTC strings. */

const DAY_MS = 86_400_000;

/** `days` whole days of 24 hours after `instant` (deadlines run in elapsed time, not calendar days). */
export const plusDays = (instant: string, days: number): string =>
  new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** Whether a deadline has come at `at` (a missing deadline never comes). */
export const reached = (at: string, deadline: string | undefined): boolean =>
  deadline !== undefined && Date.parse(at) >= Date.parse(deadline);

/**
 * The instant that places usage in a period: the last moment inside its window (windows are half-open,
 * so usage ending exactly at midnight belongs to the day, and the month, before).
 */
export function usageInstant(windowStart: string, windowEnd: string): string {
  const start = Date.parse(windowStart);
  const end = Date.parse(windowEnd);
  return new Date(Math.max(start, end - 1)).toISOString();
}
