import { canonicalInstantMs } from '../shared/calendar.js';

/**
 * Parsing of the two scalar formats the catalog and rating accept: plain decimal strings (never
 * exponent notation, never JS numbers) and ISO-8601 instants with an explicit offset.
 */

/** An unsigned plain decimal: digits, optionally a point and at least one more digit. */
const UNSIGNED_DECIMAL = /^\d+(?:\.\d+)?$/;
const NEGATIVE_DECIMAL = /^-\d+(?:\.\d+)?$/;

export function isUnsignedDecimal(value: unknown): value is string {
  return typeof value === 'string' && UNSIGNED_DECIMAL.test(value);
}

/** A well-formed decimal with a leading minus sign (callers report it as "negative", not "malformed"). */
export function isNegativeDecimal(value: unknown): value is string {
  return typeof value === 'string' && NEGATIVE_DECIMAL.test(value) && /[1-9]/.test(value);
}

export function fractionDigits(decimal: string): number {
  const point = decimal.indexOf('.');
  return point < 0 ? 0 : decimal.length - point - 1;
}

/**
 * `YYYY-MM-DDTHH:mm:ss[.f{1,9}](Z|±HH:mm)`. Seconds and an offset are required: an instant without an
 * offset would silently depend on the reader's time zone.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Nanoseconds since the Unix epoch, or undefined when the text is not a valid instant (including
 * impossible calendar dates such as 2025-02-30). Nanoseconds, not milliseconds, so that two instants
 * differing below a millisecond still compare correctly at a version boundary.
 */
export function instantNanos(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  // The form the engine writes, without the regular expression (rating parses every usage instant).
  if (text.length === 24) {
    const ms = canonicalInstantMs(text);
    if (ms !== undefined) return BigInt(ms) * 1_000_000n;
  }
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, offH, offM] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const sameFields =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!sameFields) return undefined;
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const offsetHours = Number(offH);
    const offsetMins = Number(offM);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const subSecondNanos = BigInt((fraction ?? '').padEnd(9, '0'));
  const utcMillis = BigInt(date.getTime()) - BigInt(offsetMinutes) * 60_000n;
  return utcMillis * 1_000_000n + subSecondNanos;
}
