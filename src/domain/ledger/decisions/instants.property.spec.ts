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

/** The usage instant as instants.ts computed it before (through Date), kept here verbatim. */
function usageInstantBefore(windowStart: string, windowEnd: string): string {
  const start = Date.parse(windowStart);
  const end = Date.parse(windowEnd);
  return new Date(Math.max(start, end - 1)).toISOString();
}

describe('usageInstant (the last moment inside a usage window)', () => {
  /** A window end on a whole hour, minute, second or none (the borrows), or midnight. */
  const roundedTo = fc.constantFrom(1, 1000, 60_000, HOUR, 24 * HOUR);
  const instantMs = fc.integer({
    min: Date.parse('1000-01-01T00:00:00Z'),
    max: Date.parse('9999-12-31T23:59:59.999Z'),
  });

  it('gives what the computation through Date gave on windows in toISOString form, rounded or not, empty or inverted', () => {
    fc.assert(
      fc.property(
        instantMs,
        roundedTo,
        fc.integer({ min: -2 * HOUR, max: 48 * HOUR }),
        (ms, unit, length) => {
          const end = Math.min(ms - (ms % unit), Date.parse('9999-12-31T23:59:59.999Z'));
          const start = Math.max(end - length, Date.parse('1000-01-01T00:00:00Z'));
          const [windowStart, windowEnd] = [new Date(start).toISOString(), new Date(end).toISOString()];
          expect(usageInstant(windowStart, windowEnd)).toBe(usageInstantBefore(windowStart, windowEnd));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('gives the same on any pair of valid instants of years 0000–9999, and on other forms and the edges', () => {
    fc.assert(
      fc.property(canonicalInstantText, canonicalInstantText, (windowStart, windowEnd) => {
        expect(usageInstant(windowStart, windowEnd)).toBe(usageInstantBefore(windowStart, windowEnd));
      }),
      { numRuns: 20_000 },
    );
    const valid = EDGE_INSTANT_TEXTS.filter((text) => !Number.isNaN(Date.parse(text) - 1));
    const others = ['2026-03-01T10:30:00+03:00', '2026-03-01T10:30:00Z', '2026-03-01T00:00:00.000Z'];
    for (const windowStart of [...valid, ...others])
      for (const windowEnd of [...valid, ...others]) {
        const before = (() => {
          try {
            return usageInstantBefore(windowStart, windowEnd);
          } catch (error) {
            return (error as Error).name;
          }
        })();
        const now = (() => {
          try {
            return usageInstant(windowStart, windowEnd);
          } catch (error) {
            return (error as Error).name;
          }
        })();
        expect(now).toBe(before);
      }
  });
});

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

describe('usageInstant on out-of-range fields, altered texts and invalid instants', () => {
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
