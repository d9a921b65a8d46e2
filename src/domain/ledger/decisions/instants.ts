/** Instants in commands and deadlines: ISO-8601 UTC strings. */
import { canonicalInstantMs, isCanonicalInstant } from '../../shared/calendar.js';

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
  const start = epochMsOf(windowStart);
  const end = epochMsOf(windowEnd);
  return new Date(Math.max(start, end - 1)).toISOString();
}

/** Date.parse, without its general parser for the form toISOString writes (asked twice per usage record). */
function epochMsOf(instant: string): number {
  return (instant.length === 24 ? canonicalInstantMs(instant) : undefined) ?? Date.parse(instant);
}

/** The start of the UTC hour an instant falls in (a charge's billing hour), as toISOString writes it. */
export function startOfUtcHour(at: string): string {
  // An instant in toISOString's form (usageInstant's) keeps its date and hour: no Date made (issue 18).
  if (isCanonicalInstant(at)) return `${at.slice(0, 14)}00:00.000Z`;
  const ms = Date.parse(at);
  return new Date(ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000)).toISOString();
}
