/**
 * instantNanos as it was before its fast path for the canonical form (issue 18, verbatim but for the name):
 * the oracle that instant-nanos.property.spec.ts holds the faster parse to.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

export function instantNanosBefore(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
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
