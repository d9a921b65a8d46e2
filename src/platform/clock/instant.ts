/** An ISO-8601 instant with an explicit offset (Z or ±hh:mm): a time without a zone is ambiguous. */
export const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Date.parse accepts 2026-02-30 by rolling over; a real instant's date and time survive the round trip. */
export function isRealInstant(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const local = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!));
  return (
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo! - 1 &&
    local.getUTCDate() === d &&
    local.getUTCHours() === h &&
    local.getUTCMinutes() === mi
  );
}

/**
 * The same instant as a UTC ISO string (`2026-02-28T23:30:00+03:00` → `2026-02-28T20:30:00.000Z`): the one
 * spelling in which comparing strings compares times. Instants compared as strings must be normalised first.
 */
export function utcInstant(value: string | Date): string {
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) throw new RangeError(`not an instant: ${String(value)}`);
  return new Date(time).toISOString();
}

/**
 * The range any time given as input must fall in. Outside it a time is a typo or an attack, and some cannot
 * even be spelled back (9999-12-31T23:59:59Z is already year 10000 in Moscow). A day of margin at each end
 * keeps every local date, in every time zone, within the years 2000 to 2998.
 */
export const SANE_INSTANTS = { from: '2000-01-02T00:00:00Z', until: '2998-12-31T00:00:00Z' } as const;

/** A real instant within SANE_INSTANTS. */
export function isSaneInstant(value: string): boolean {
  if (!isRealInstant(value)) return false;
  const time = Date.parse(value);
  return time >= Date.parse(SANE_INSTANTS.from) && time < Date.parse(SANE_INSTANTS.until);
}
