/**
 * Texts of instants for the properties that hold a fast parse of the canonical form to the general one:
 * valid ones as toISOString writes them, fields out of range, and one character replaced.
 */
import fc from 'fast-check';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Valid instants of every year 0000–9999, as toISOString writes them. */
export const canonicalInstantText = fc
  .integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') })
  .map((ms) => new Date(ms).toISOString())
  .filter((text) => text.length === 24);

/** The canonical layout with fields in and out of their ranges (month 0–19, day 0–39, hour 0–29, …). */
export const fieldsInstantText = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 19 }),
    fc.integer({ min: 0, max: 39 }),
    fc.integer({ min: 0, max: 29 }),
    fc.integer({ min: 0, max: 69 }),
    fc.integer({ min: 0, max: 69 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(
    ([year, month, day, hour, minute, second, millis]) =>
      `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millis, 3)}Z`,
  );

/** A canonical text with one character replaced by one that matters (a digit, a separator) or any. */
export const mutatedInstantText = fc
  .tuple(
    canonicalInstantText,
    fc.integer({ min: 0, max: 23 }),
    fc.oneof(
      fc.constantFrom('0', '9', '-', ':', '.', 'T', 'Z', 'z', ' ', '+', '٣', 'a'),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    ),
  )
  .map(([text, at, char]) => text.slice(0, at) + char + text.slice(at + 1));

/** Leap days, the last millisecond of a year, years below 1000, fields just out of range, other forms. */
export const EDGE_INSTANT_TEXTS = [
  '2024-02-29T00:00:00.000Z',
  '2023-02-29T00:00:00.000Z',
  '2000-02-29T12:00:00.000Z',
  '1900-02-29T12:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '0999-12-31T23:59:59.999Z',
  '0050-06-15T08:30:00.000Z',
  '1000-01-01T00:00:00.000Z',
  '2026-03-01T24:00:00.000Z',
  '2026-03-01T23:60:00.000Z',
  '2026-03-01T23:59:60.000Z',
  '2026-04-31T00:00:00.000Z',
  '2026-03-01T00:00:00+03:00',
  '2026-03-01T00:00:00.00Z',
  '2026-03-01T10:30:00.000+03:00',
];
