/**
 * instantToEpochMs as it was before its fast path for the canonical form (issue 18, verbatim but for the
 * names): the oracle that calendar.property.spec.ts holds the faster parse to.
 */
import { InvalidInstantError, type IsoInstant } from './calendar.js';

const DAY_MS = 86_400_000;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 1) - DAY_MS).getUTCDate();
}

export function instantToEpochMsBefore(instant: IsoInstant, field = 'instant'): number {
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

function utcMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
