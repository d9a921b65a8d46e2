import { DomainError, describeValue } from './errors.js';

/** A calendar date without a time zone, 'YYYY-MM-DD' (a local date in some account's time zone). */
export type LocalDate = string;

/** An ISO-8601 instant with an explicit offset, e.g. '2026-01-31T21:00:00Z' or '2026-02-01T00:00:00+03:00'. */
export type IsoInstant = string;

const DAY_MS = 86_400_000;

export class InvalidLocalDateError extends DomainError {
  override readonly name = 'InvalidLocalDateError';
  readonly code = 'LOCAL_DATE_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${describeValue(value)} is not a calendar date 'YYYY-MM-DD'`);
  }
}

export class InvalidInstantError extends DomainError {
  override readonly name = 'InvalidInstantError';
  readonly code = 'INSTANT_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(
      `${field}: ${describeValue(value)} is not an ISO-8601 instant with an offset ` +
        `('YYYY-MM-DDTHH:mm:ss[.fff]Z' or '…+03:00')`,
    );
  }
}

export class InvalidDayCountError extends DomainError {
  override readonly name = 'InvalidDayCountError';
  readonly code = 'DAY_COUNT_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${String(value)} is not a whole number of days`);
  }
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 1) - DAY_MS).getUTCDate();
}

/** Days since 1970-01-01 of a valid local date; throws InvalidLocalDateError otherwise. */
export function epochDayOf(date: LocalDate, field = 'date'): number {
  const match = typeof date === 'string' ? LOCAL_DATE.exec(date) : null;
  if (!match) throw new InvalidLocalDateError(field, date);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidLocalDateError(field, date);
  }
  return utcMs(year, month, day) / DAY_MS;
}

export function localDateOfEpochDay(epochDay: number): LocalDate {
  const date = new Date(epochDay * DAY_MS);
  return formatLocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function assertLocalDate(date: unknown, field = 'date'): asserts date is LocalDate {
  epochDayOf(date as LocalDate, field);
}

export function isLocalDate(date: unknown): date is LocalDate {
  try {
    assertLocalDate(date);
    return true;
  } catch {
    return false;
  }
}

/** `date` moved by `days` calendar days (negative moves back): addCalendarDays('2026-01-31', 1) = '2026-02-01'. */
export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isSafeInteger(days)) throw new InvalidDayCountError('days', days);
  return localDateOfEpochDay(epochDayOf(date) + days);
}

/**
 * Calendar days from `from` to `to` (to − from): daysBetween('2026-01-01', '2026-01-31') = 30; negative
 * when `to` is earlier. The number of days *after* `from` up to and including `to`.
 */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDayOf(to, 'to') - epochDayOf(from, 'from');
}

/** Milliseconds since the epoch of an ISO instant. Sub-millisecond digits are truncated. */
export function instantToEpochMs(instant: IsoInstant, field = 'instant'): number {
  // The form the engine writes (toISOString) without the regular expression and two Dates (issue 18:
  // ≈ 5 % of a usage command's CPU); anything else, valid or not, takes the general path below.
  if (typeof instant === 'string' && instant.length === 24) {
    const ms = canonicalInstantMs(instant);
    if (ms !== undefined) return ms;
  }
  const match = typeof instant === 'string' ? INSTANT.exec(instant) : null;
  if (!match) throw new InvalidInstantError(field, instant);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes =
    match[8] === 'Z' ? 0 : (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11]));
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    Math.abs(offsetMinutes) <= 18 * 60 &&
    Number(match[11] ?? 0) <= 59;
  if (!valid) throw new InvalidInstantError(field, instant);
  return utcMs(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** The digit at `at` of `text` (0–9), or NaN for any other character. */
function digitAt(text: string, at: number): number {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : NaN;
}

function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) value = value * 10 + digitAt(text, at + i);
  return value;
}

/** Whether `text` is an instant exactly as toISOString writes it (see canonicalInstantMs), and nothing more. */
export const isCanonicalInstant = (text: string): boolean =>
  text.length === 24 && canonicalInstantMs(text) !== undefined;

/**
 * Epoch ms of 'YYYY-MM-DDTHH:mm:ss.fffZ' (what toISOString writes) with a year from 1000 on (Date.UTC's year
 * is literal there) and every field in range; undefined for anything else, which callers parse the general way.
 */
export function canonicalInstantMs(text: string): number | undefined {
  if (
    text.charCodeAt(4) !== 0x2d || // -
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 || // T
    text.charCodeAt(13) !== 0x3a || // :
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(19) !== 0x2e || // .
    text.charCodeAt(23) !== 0x5a // Z
  )
    return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const millis = digitsAt(text, 20, 3);
  // NaN (a non-digit) fails every comparison.
  if (
    !(year >= 1000) ||
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysInMonthOf(year, month)) ||
    !(hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)
  )
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** daysInMonth by arithmetic (proleptic Gregorian, as Date): no Date made. */
function daysInMonthOf(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** The canonical form of an instant: UTC with milliseconds, as Date.prototype.toISOString prints it. */
export function epochMsToInstant(epochMs: number): IsoInstant {
  return new Date(epochMs).toISOString();
}

/** Compares two instants given in any offsets: negative, zero or positive like Array.sort expects. */
export function compareInstants(left: IsoInstant, right: IsoInstant): number {
  return Math.sign(instantToEpochMs(left, 'left') - instantToEpochMs(right, 'right'));
}

function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Date.UTC maps years 0–99 to 19xx; setUTCFullYear does not. Month is 1-based and may overflow. */
function utcMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
