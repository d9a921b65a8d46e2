/** Instants in commands and deadlines: ISO-8601 UTC strings. */
import { isCanonicalInstant } from '../../shared/calendar.js';

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
  // Both in toISOString's form (as meters send them): written from the text, without the toISOString that
  // was most of its cost, asked twice per usage record (issue 18). Such texts compare as their instants do.
  if (isCanonicalInstant(windowStart) && isCanonicalInstant(windowEnd)) {
    const lastInside = oneMsBefore(windowEnd);
    if (lastInside !== undefined) return windowStart > lastInside ? windowStart : lastInside;
  }
  const start = Date.parse(windowStart);
  const end = Date.parse(windowEnd);
  return new Date(Math.max(start, end - 1)).toISOString();
}

/**
 * The instant 1 ms before a canonical one, borrowing from its seconds, minutes or hour; undefined at midnight
 * (the day before is Date's to find).
 */
function oneMsBefore(instant: string): string | undefined {
  const millis = numberAt(instant, 20, 3);
  if (millis > 0) return `${instant.slice(0, 20)}${String(millis - 1).padStart(3, '0')}Z`;
  const second = numberAt(instant, 17, 2);
  if (second > 0) return `${instant.slice(0, 17)}${twoDigits(second - 1)}.999Z`;
  const minute = numberAt(instant, 14, 2);
  if (minute > 0) return `${instant.slice(0, 14)}${twoDigits(minute - 1)}:59.999Z`;
  const hour = numberAt(instant, 11, 2);
  if (hour > 0) return `${instant.slice(0, 11)}${twoDigits(hour - 1)}:59:59.999Z`;
  return undefined;
}

/** The number written by the `count` digits at `at` (checked digits: isCanonicalInstant). */
function numberAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
  return value;
}

const twoDigits = (value: number) => (value < 10 ? `0${value}` : String(value));

/** The start of the UTC hour an instant falls in (a charge's billing hour), as toISOString writes it. */
export function startOfUtcHour(at: string): string {
  // An instant in toISOString's form (usageInstant's) keeps its date and hour: no Date made (issue 18).
  if (isCanonicalInstant(at)) return `${at.slice(0, 14)}00:00.000Z`;
  const ms = Date.parse(at);
  return new Date(ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000)).toISOString();
}
