/**
 * instantToEpochMs reads the canonical form ('YYYY-MM-DDTHH:mm:ss.fffZ') without its regular expression:
 * the same milliseconds, and the same error for every text the previous parse refused, as the previous
 * parse (calendar-before.fixtures.ts) on random instants of every year 0000–9999 and on texts of the
 * canonical length with any field out of range or any character replaced.
 */
import fc from 'fast-check';
import { instantToEpochMs } from './calendar.js';
import { instantToEpochMsBefore } from './calendar-before.fixtures.js';
import {
  EDGE_INSTANT_TEXTS,
  canonicalInstantText,
  fieldsInstantText,
  mutatedInstantText,
} from './instant-texts.fixtures.js';

/** The value, or the error's class and message. */
function outcome(parse: (text: string) => number, text: string): number | string {
  try {
    return parse(text);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('instantToEpochMs (the canonical form without the regular expression)', () => {
  it('gives what the previous parse gave on every valid instant of years 0000–9999', () => {
    fc.assert(
      fc.property(canonicalInstantText, (text) => {
        expect(instantToEpochMs(text)).toBe(instantToEpochMsBefore(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same value or the same error when a field is out of its range', () => {
    fc.assert(
      fc.property(fieldsInstantText, (text) => {
        expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same value or the same error when any character is replaced', () => {
    fc.assert(
      fc.property(mutatedInstantText, (text) => {
        expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the edges: leap days, the last millisecond of a year, years below 1000', () => {
    for (const text of EDGE_INSTANT_TEXTS)
      expect(outcome(instantToEpochMs, text)).toEqual(outcome(instantToEpochMsBefore, text));
  });
});
