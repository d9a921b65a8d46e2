/**
 * A charge's billing hour (startOfUtcHour) is cut from an instant in toISOString's form without a Date: the
 * same text as the previous computation through Date (kept here verbatim) on valid instants of every year
 * 0000–9999, on the usage instants windows give, and on other forms of an instant (offsets, fewer digits).
 */
import fc from 'fast-check';
import { startOfUtcHour, usageInstant } from './instants.js';
import {
  EDGE_INSTANT_TEXTS,
  canonicalInstantText,
  fieldsInstantText,
  mutatedInstantText,
} from '../../shared/instant-texts.fixtures.js';

/** The billing hour as consume-resource.ts computed it before (billingHourOf). */
function billingHourBefore(at: string): string {
  const ms = Date.parse(at);
  return new Date(ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000)).toISOString();
}

const HOUR = 3_600_000;

describe('startOfUtcHour (a charge billing hour)', () => {
  it('gives what the computation through Date gave on every valid instant of years 0000–9999', () => {
    fc.assert(
      fc.property(canonicalInstantText, (at) => {
        expect(startOfUtcHour(at)).toBe(billingHourBefore(at));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same on the usage instants of windows of up to two days, on and off the hour', () => {
    const start = fc.integer({
      min: Date.parse('1990-01-01T00:00:00Z'),
      max: Date.parse('2100-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 48 * HOUR }), fc.boolean(), (ms, length, onTheHour) => {
        const from = onTheHour ? ms - (ms % HOUR) : ms;
        const to = onTheHour ? from + Math.ceil(length / HOUR) * HOUR : from + length;
        const at = usageInstant(new Date(from).toISOString(), new Date(to).toISOString());
        expect(startOfUtcHour(at)).toBe(billingHourBefore(at));
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives the same for instants in other forms (offsets, seconds without a fraction) and the edges', () => {
    for (const at of EDGE_INSTANT_TEXTS.filter((text) => !Number.isNaN(Date.parse(text))))
      expect(startOfUtcHour(at)).toBe(billingHourBefore(at));
    for (const at of ['2026-03-01T10:30:00+03:00', '2026-03-01T10:30:00Z', '2026-03-01T10:30:00.5-01:30'])
      expect(startOfUtcHour(at)).toBe(billingHourBefore(at));
  });
});

/** The usage instant as instants.ts computed it before: through Date.parse (issue 18: no general parse now). */
function usageInstantBefore(windowStart: string, windowEnd: string): string {
  return new Date(Math.max(Date.parse(windowStart), Date.parse(windowEnd) - 1)).toISOString();
}

/** The same text, or the same error, as the computation through Date.parse. */
function sameAsBefore(windowStart: string, windowEnd: string): void {
  let before: string | Error;
  try {
    before = usageInstantBefore(windowStart, windowEnd);
  } catch (error) {
    before = error as Error;
  }
  if (typeof before === 'string') expect(usageInstant(windowStart, windowEnd)).toBe(before);
  else expect(() => usageInstant(windowStart, windowEnd)).toThrow(before.constructor as typeof Error);
}

describe('usageInstant (the instant that places usage in a period)', () => {
  it('gives what Date.parse gave on valid instants of years 0000–9999, fields out of range and altered texts', () => {
    const text = fc.oneof(canonicalInstantText, fieldsInstantText, mutatedInstantText);
    fc.assert(fc.property(text, text, sameAsBefore), { numRuns: 10_000 });
  });

  it('gives the same on windows as meters send them, and on the edges and other forms', () => {
    fc.assert(
      fc.property(canonicalInstantText, fc.integer({ min: -HOUR, max: 48 * HOUR }), (start, length) => {
        const end = Date.parse(start) + length;
        if (Math.abs(end) <= 8.64e15) sameAsBefore(start, new Date(end).toISOString());
      }),
      { numRuns: 10_000 },
    );
    const others = [...EDGE_INSTANT_TEXTS, '2026-03-01T10:30:00Z', 'not an instant', ''];
    for (const start of others) for (const end of others) sameAsBefore(start, end);
  });
});
