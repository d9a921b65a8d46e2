/**
 * instantToEpochMs reads the canonical form ('YYYY-MM-DDTHH:mm:ss.fffZ') without its regular expression:
 * the same milliseconds, and the same error for every text the previous parse refused, as the previous
 * parse (calendar-before.fixtures.ts) on random instants of every year 0000–9999 and on texts of the
 * canonical length with any field out of range or any character replaced.
 */
import fc from 'fast-check';
import { instantToEpochMs } from './calendar.js';
import { instantToEpochMsBefore } from './calendar-before.fixtures.js';

/** The value, or the error's class and message. */
function outcome(parse: (text: string) => number, text: string): number | string {
  try {
    return parse(text);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Fields in and out of their ranges (month 0–19, day 0–39, hour 0–29, minute and second 0–69). */
const fieldsText = fc
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

/** Valid instants of every year 0000–9999, as toISOString writes them. */
const canonical = fc
  .integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') })
  .map((ms) => new Date(ms).toISOString())
  .filter((text) => text.length === 24);

/** A canonical text with one character replaced by any of a few that matter (and one arbitrary). */
const mutated = fc
  .tuple(
    canonical,
    fc.integer({ min: 0, max: 23 }),
    fc.oneof(
      fc.constantFrom('0', '9', '-', ':', '.', 'T', 'Z', 'z', ' ', '+', '٣', 'a'),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    ),
  )
  .map(([text, at, char]) => text.slice(0, at) + char + text.slice(at + 1));

describe('instantToEpochMs (the canonical form without the regular expression)', () => {
  it('gives what the previous parse gave on every valid instant of years 0000–9999', () => {
    fc.assert(
      fc.property(canonical, (text) => {
        expect(instantToEpochMs(text)).toBe(instantToEpochMsBefore(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same value or the same error when a field is out of its range', () => {
    fc.assert(
      fc.property(fieldsText, (text) => {
        expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same value or the same error when any character is replaced', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the edges: leap days, the last millisecond of a year, years below 1000', () => {
    for (const text of [
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
    ])
      expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
  });
});
