import {
  addCalendarDays,
  daysInMonth,
  epochDayOf,
  epochMsToInstant,
  instantToEpochMs,
  localDateOfEpochDay,
  type IsoInstant,
  type LocalDate,
} from './calendar.js';
import { DomainError, describeValue } from './errors.js';

export { addCalendarDays, daysBetween, type IsoInstant, type LocalDate } from './calendar.js';

/** A provider region; it fixes the issuer, the currency and the time zone of reporting periods. */
export type Region = 'ru-moscow' | 'kz';

export const REGIONS: readonly Region[] = ['ru-moscow', 'kz'];

/**
 * Time zone of each region (rules §1, §12: the period time zone is a policy, this is the default).
 * - Europe/Moscow: UTC+3 all year since 2014.
 * - Asia/Almaty: Kazakhstan moved to a single UTC+5 on 2024-03-01. Node 24's bundled ICU (tzdata 2026c)
 *   already says UTC+5 for Asia/Almaty from that date (a spec pins this), so the IANA zone is used and no
 *   fixed offset is needed; a runtime with older tzdata would fail that spec instead of billing silently
 *   at UTC+6.
 */
export const REGION_TIME_ZONES: Readonly<Record<Region, string>> = Object.freeze({
  'ru-moscow': 'Europe/Moscow',
  kz: 'Asia/Almaty',
});

/** 'YYYY-MM' */
export type PeriodId = string;

/**
 * One calendar month in an account's time zone (rules §9). Instants are canonical UTC ISO strings;
 * `endsAt` is exclusive and equals the next period's `startsAt`. Documents are dated `lastDay`.
 */
export interface ReportingPeriod {
  readonly id: PeriodId;
  readonly timeZone: string;
  readonly startsAt: IsoInstant;
  readonly endsAt: IsoInstant;
  readonly firstDay: LocalDate;
  readonly lastDay: LocalDate;
  readonly days: number;
}

export class UnknownRegionError extends DomainError {
  override readonly name = 'UnknownRegionError';
  readonly code = 'REGION_UNKNOWN';
  constructor(readonly value: unknown) {
    super(`region: ${describeValue(value)} is not one of ${REGIONS.join(', ')}`);
  }
}

export class UnknownTimeZoneError extends DomainError {
  override readonly name = 'UnknownTimeZoneError';
  readonly code = 'TIME_ZONE_UNKNOWN';
  constructor(readonly value: unknown) {
    super(`timeZone: ${describeValue(value)} is not an IANA time zone known to the runtime`);
  }
}

export class InvalidPeriodIdError extends DomainError {
  override readonly name = 'InvalidPeriodIdError';
  readonly code = 'PERIOD_ID_INVALID';
  constructor(readonly value: unknown) {
    super(`period id: ${describeValue(value)} is not a month 'YYYY-MM'`);
  }
}

export function timeZoneOfRegion(region: Region): string {
  if (!REGIONS.includes(region)) throw new UnknownRegionError(region);
  return REGION_TIME_ZONES[region];
}

/** The local calendar date of `instant` in `timeZone`: localDate('2026-01-31T21:00:00Z', 'Europe/Moscow') = '2026-02-01'. */
export function localDate(instant: IsoInstant, timeZone: string): LocalDate {
  return localDateAt(instantToEpochMs(instant), timeZone);
}

/**
 * The first instant of a local day in `timeZone` (canonical UTC ISO). Usually local midnight; when a
 * transition skips midnight the day starts at the first local time that exists.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): IsoInstant {
  return epochMsToInstant(startOfLocalDayMs(date, timeZone));
}

/** The reporting period (calendar month in `timeZone`) that contains `instant`. */
export function periodOf(instant: IsoInstant, timeZone: string): ReportingPeriod {
  const epochMs = instantToEpochMs(instant);
  // Asked twice per command, nearly always for the month asked last in that zone (issue 18): a period is
  // exactly the instants startsAt ≤ t < endsAt, so one inside the last one found is in that period.
  const last = lastPeriodIn.get(timeZone);
  if (last && epochMs >= last.startsAtMs && epochMs < last.endsAtMs) return last.period;
  const period = periodById(localDateAt(epochMs, timeZone).slice(0, 7), timeZone);
  lastPeriodIn.set(timeZone, {
    period,
    startsAtMs: instantToEpochMs(period.startsAt),
    endsAtMs: instantToEpochMs(period.endsAt),
  });
  return period;
}

/** Per time zone, the period periodOf found last, with its bounds in ms (one entry per zone in use). */
const lastPeriodIn = new Map<string, { period: ReportingPeriod; startsAtMs: number; endsAtMs: number }>();

/** The reporting period with the given id ('2026-01') in `timeZone`. */
export function periodById(id: PeriodId, timeZone: string): ReportingPeriod {
  const match = typeof id === 'string' ? /^(\d{4})-(\d{2})$/.exec(id) : null;
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) throw new InvalidPeriodIdError(id);
  const key = `${timeZone}|${id}`;
  const cached = periodCache.get(key);
  if (cached) return cached;

  const days = daysInMonth(year, month);
  const firstDay: LocalDate = `${id}-01`;
  const lastDay: LocalDate = `${id}-${String(days).padStart(2, '0')}`;
  const period: ReportingPeriod = Object.freeze({
    id,
    timeZone,
    startsAt: startOfLocalDay(firstDay, timeZone),
    endsAt: startOfLocalDay(addCalendarDays(lastDay, 1), timeZone),
    firstDay,
    lastDay,
    days,
  });
  if (periodCache.size >= PERIOD_CACHE_LIMIT) periodCache.clear();
  periodCache.set(key, period);
  return period;
}

export function nextPeriod(period: ReportingPeriod): ReportingPeriod {
  return periodById(addCalendarDays(period.lastDay, 1).slice(0, 7), period.timeZone);
}

export function previousPeriod(period: ReportingPeriod): ReportingPeriod {
  return periodById(addCalendarDays(period.firstDay, -1).slice(0, 7), period.timeZone);
}

/** startsAt ≤ instant < endsAt. */
export function isInPeriod(instant: IsoInstant, period: ReportingPeriod): boolean {
  const at = instantToEpochMs(instant);
  return instantToEpochMs(period.startsAt) <= at && at < instantToEpochMs(period.endsAt);
}

// Periods are pure functions of (time zone, id); computing one costs a few Intl calls, so keep a few.
const PERIOD_CACHE_LIMIT = 1024;
const periodCache = new Map<string, ReportingPeriod>();

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new UnknownTimeZoneError(timeZone);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of `epochMs` in `timeZone`. */
function wallClock(
  epochMs: number,
  timeZone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/**
 * The local date through the offset cache: `epochMs + offset`, read as a UTC date, is the local date.
 * Falls back to Intl for the rare bucket that holds a transition.
 */
function localDateAt(epochMs: number, timeZone: string): LocalDate {
  const offset = cachedOffset(epochMs, timeZone);
  if (offset === undefined) return localDateByFormatter(epochMs, timeZone);
  return localDateOfEpochDay(Math.floor((epochMs + offset) / DAY_MS));
}

function localDateByFormatter(epochMs: number, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(epochMs, timeZone);
  return localDateOfParts(year, month, day);
}

/** The local date through Intl on every call: the reference the cached path is tested against. */
export function localDateByIntl(instant: IsoInstant, timeZone: string): LocalDate {
  return localDateByFormatter(instantToEpochMs(instant), timeZone);
}

/** UTC offset of `timeZone` at `epochMs`, in ms (wall clock − UTC). */
function offsetAt(epochMs: number, timeZone: string): number {
  return cachedOffset(epochMs, timeZone) ?? offsetByFormatter(epochMs, timeZone);
}

function offsetByFormatter(epochMs: number, timeZone: string): number {
  const { year, month, day, hour, minute, second } = wallClock(epochMs, timeZone);
  const wallAsUtc =
    epochDayOf(localDateOfParts(year, month, day)) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * Offsets per time zone and 15-minute bucket of UTC time. `formatToParts` costs microseconds and every
 * usage record asks for a local date (its period, its billing day). A bucket's offset is kept only when
 * its first and its last millisecond have the same offset, so a bucket holding a transition is never
 * cached (it goes to Intl each time): exact for any offset, including historical ones in seconds, as long
 * as no zone has two transitions within 15 minutes (none has). `null`: the bucket holds a transition.
 */
const OFFSET_BUCKET_MS = 15 * 60_000;
/** Per time zone; ≈ 3 000 buckets a month, so a year of instants in one zone before it is cleared. */
const OFFSET_CACHE_LIMIT = 40_000;
const offsetCache = new Map<string, Map<number, number | null>>();

function cachedOffset(epochMs: number, timeZone: string): number | undefined {
  let buckets = offsetCache.get(timeZone);
  if (!buckets) {
    formatterFor(timeZone); // an unknown zone fails here, before anything is cached for it
    buckets = new Map();
    offsetCache.set(timeZone, buckets);
  }
  const bucket = Math.floor(epochMs / OFFSET_BUCKET_MS);
  let offset = buckets.get(bucket);
  if (offset === undefined) {
    const first = bucket * OFFSET_BUCKET_MS;
    const atFirst = offsetByFormatter(first, timeZone);
    offset = atFirst === offsetByFormatter(first + OFFSET_BUCKET_MS - 1, timeZone) ? atFirst : null;
    if (buckets.size >= OFFSET_CACHE_LIMIT) buckets.clear();
    buckets.set(bucket, offset);
  }
  return offset ?? undefined;
}

function localDateOfParts(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function startOfLocalDayMs(date: LocalDate, timeZone: string): number {
  const midnightAsUtc = epochDayOf(date) * DAY_MS;
  const startsHere = (at: number) =>
    localDateAt(at, timeZone) >= date && localDateAt(at - 1, timeZone) < date;
  // Fast path: local midnight under one of the offsets in force around that day. When a transition
  // skips midnight, midnight under the old offset is exactly the first instant after the gap.
  const candidates = [-DAY_MS, 0, DAY_MS]
    .map((shift) => midnightAsUtc - offsetAt(midnightAsUtc + shift, timeZone))
    .sort((a, b) => a - b);
  return candidates.find(startsHere) ?? searchStartOfLocalDayMs(date, timeZone);
}

/**
 * The first instant of a local day found by binary search — slower, but it needs no assumption about
 * offsets, so it also covers several transitions within a day (none exist in current tzdata for the
 * regions' zones). Exported as the reference the fast path is tested against.
 */
export function startOfLocalDayBySearch(date: LocalDate, timeZone: string): IsoInstant {
  return epochMsToInstant(searchStartOfLocalDayMs(date, timeZone));
}

function searchStartOfLocalDayMs(date: LocalDate, timeZone: string): number {
  const midnightAsUtc = epochDayOf(date) * DAY_MS;
  // Offsets stay within ±18 h, so two days either side bracket the start; local dates only move forward.
  let low = midnightAsUtc - 2 * DAY_MS;
  let high = midnightAsUtc + 2 * DAY_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localDateAt(middle, timeZone) >= date) high = middle;
    else low = middle;
  }
  return high;
}
