/**
 * instantNanos (rating's parse of every usage instant) reads the canonical form without its regular
 * expression: the same nanoseconds, or undefined where the previous parse (decimal-before.fixtures.ts)
 * refused, on valid instants of every year 0000–9999, fields out of range and one character replaced.
 */
import fc from 'fast-check';
import { instantNanos } from './decimal.js';
import { instantNanosBefore } from './decimal-before.fixtures.js';
import {
  EDGE_INSTANT_TEXTS,
  canonicalInstantText,
  fieldsInstantText,
  mutatedInstantText,
} from '../shared/instant-texts.fixtures.js';

describe('instantNanos (the canonical form without the regular expression)', () => {
  it.each([
    ['every valid instant of years 0000–9999', canonicalInstantText],
    ['a field out of its range', fieldsInstantText],
    ['any character replaced', mutatedInstantText],
  ])('gives what the previous parse gave on %s', (_what, texts) => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(instantNanos(text)).toBe(instantNanosBefore(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the edges: leap days, the last millisecond of a year, years below 1000', () => {
    for (const text of EDGE_INSTANT_TEXTS) expect(instantNanos(text)).toBe(instantNanosBefore(text));
  });
});
