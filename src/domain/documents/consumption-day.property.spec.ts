/**
 * consumptionDay looks the day of a window up by its end (issue 18) when the window is two canonical
 * instants with start < end; it must answer exactly what the domain's formula answers for every window —
 * canonical or not, empty, inverted, ending on a local midnight, around daylight-saving transitions —
 * asked once or again (from the lookup).
 */
import fc from 'fast-check';
import { usageInstant } from '../ledger/decisions/instants.js';
import { localDate } from '../shared/reporting-period.js';
import { consumptionDay } from './billing-report.js';

/** The previous code, verbatim: the day of the instant the ledger rated the usage at. */
const reference = (windowStart: string, windowEnd: string, timeZone: string) =>
  localDate(usageInstant(windowStart, windowEnd), timeZone);

const ZONES = ['Europe/Moscow', 'Asia/Almaty', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];

/**
 * Instants on or next to the local midnights of the zones (UTC 00:00, New York 04:00/05:00, Lord Howe
 * 13:00/13:30, Almaty 19:00, Moscow 21:00), ± 1 ms, on a few days around transitions: few enough that
 * windows share their ends, so lookups are tried against windows of every kind.
 */
const instantMs = fc
  .record({
    day: fc.constantFrom(0, 66, 67, 94, 95, 305),
    minutes: fc.constantFrom(0, 240, 300, 780, 810, 1140, 1260),
    nudge: fc.constantFrom(-1, 0, 0, 1),
  })
  .map(({ day, minutes, nudge }) => Date.UTC(2026, 0, 1) + day * 86_400_000 + minutes * 60_000 + nudge);

/** The forms a window's bound may be written in: canonical mostly, some that parse another way. */
const written = (ms: number) =>
  fc.constantFrom(
    new Date(ms).toISOString(),
    new Date(ms).toISOString(),
    new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    new Date(ms).toISOString().replace('Z', '+00:00'),
  );

const window = fc
  .record({
    start: instantMs,
    length: fc.constantFrom(-3_600_000, -1, 0, 0, 1, 2, 3_600_000, 86_400_000),
  })
  .chain(({ start, length }) =>
    fc.record({ windowStart: written(start), windowEnd: written(start + length) }),
  );

describe('consumptionDay', () => {
  it('equals the day of the rating instant for every window, zone and form, asked once or twice', () => {
    fc.assert(
      fc.property(
        fc.array(window, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...ZONES),
        (windows, zone) => {
          for (const w of [...windows, ...windows])
            expect(consumptionDay(w, zone)).toBe(reference(w.windowStart, w.windowEnd, zone));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a window ending on a local midnight counts on the day before; an empty one there, on that day', () => {
    const end = '2026-03-01T21:00:00.000Z'; // 00:00 on 2 March in Moscow
    expect(consumptionDay({ windowStart: '2026-03-01T20:00:00.000Z', windowEnd: end }, 'Europe/Moscow')).toBe(
      '2026-03-01',
    );
    expect(consumptionDay({ windowStart: end, windowEnd: end }, 'Europe/Moscow')).toBe('2026-03-02');
  });
});
