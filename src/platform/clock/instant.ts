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
