import fc from 'fast-check';

import {
  InvalidDayCountError,
  InvalidInstantError,
  InvalidLocalDateError,
  compareInstants,
  instantToEpochMs,
  isLocalDate,
} from './calendar.js';
import {
  InvalidPeriodIdError,
  REGION_TIME_ZONES,
  UnknownRegionError,
  UnknownTimeZoneError,
  addCalendarDays,
  daysBetween,
  isInPeriod,
  localDate,
  localDateByIntl,
  nextPeriod,
  periodById,
  periodOf,
  previousPeriod,
  startOfLocalDay,
  startOfLocalDayBySearch,
  timeZoneOfRegion,
  type Region,
} from './reporting-period.js';

const MOSCOW = 'Europe/Moscow';
const ALMATY = 'Asia/Almaty';

describe('regions and time zones', () => {
  it('maps regions to their time zones', () => {
    expect(timeZoneOfRegion('ru-moscow')).toBe(MOSCOW);
    expect(timeZoneOfRegion('kz')).toBe(ALMATY);
    expect(REGION_TIME_ZONES).toEqual({ 'ru-moscow': MOSCOW, kz: ALMATY });
    expect(() => timeZoneOfRegion('eu-west' as Region)).toThrow(UnknownRegionError);
  });

  // Pins the runtime's tzdata: if ICU ever says UTC+6 for Almaty again, bills would shift by an hour.
  it("Node's ICU has Kazakhstan on UTC+5 since 2024-03-01 (UTC+6 before)", () => {
    expect(localDate('2024-02-15T18:30:00Z', ALMATY)).toBe('2024-02-16'); // +6: 00:30 next day
    expect(localDate('2024-03-15T18:30:00Z', ALMATY)).toBe('2024-03-15'); // +5: 23:30 same day
    expect(periodById('2024-02', ALMATY).startsAt).toBe('2024-01-31T18:00:00.000Z'); // +6
    expect(periodById('2026-01', ALMATY).startsAt).toBe('2025-12-31T19:00:00.000Z'); // +5
    expect(periodById('2026-01', MOSCOW).startsAt).toBe('2025-12-31T21:00:00.000Z'); // +3
  });

  it('rejects unknown time zones', () => {
    expect(() => localDate('2026-01-01T00:00:00Z', 'Mars/Olympus')).toThrow(UnknownTimeZoneError);
  });
});

describe('localDate', () => {
  it('converts an instant to the local calendar date', () => {
    expect(localDate('2026-01-31T20:59:59Z', MOSCOW)).toBe('2026-01-31');
    expect(localDate('2026-01-31T21:00:00Z', MOSCOW)).toBe('2026-02-01');
    expect(localDate('2026-01-31T18:59:59.999Z', ALMATY)).toBe('2026-01-31');
    expect(localDate('2026-01-31T19:00:00Z', ALMATY)).toBe('2026-02-01');
  });

  it('accepts instants with an explicit offset', () => {
    expect(localDate('2026-02-01T00:00:00+03:00', MOSCOW)).toBe('2026-02-01');
    expect(localDate('2026-01-31T23:59:59+03:00', MOSCOW)).toBe('2026-01-31');
  });

  it.each([
    '2026-01-31',
    '2026-01-31T21:00:00',
    '2026-01-31 21:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-31T24:00:00Z',
    'now',
    '',
  ])('rejects %j as an instant', (instant) => {
    expect(() => localDate(instant, MOSCOW)).toThrow(InvalidInstantError);
  });
});

// localDate caches the UTC offset per time zone and 15-minute bucket (reporting-period.ts); Intl on every
// call is the reference. Zones with offsets in seconds (LMT), half and quarter hours, DST across midnight,
// a skipped day (Apia 2011) and the regions' own changes (Moscow 2011/2014, Almaty 2024).
describe('localDate through the offset cache', () => {
  const ZONES = [
    MOSCOW,
    ALMATY,
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Pacific/Chatham',
    'America/Santiago',
    'America/Havana',
    'Africa/Casablanca',
    'Pacific/Apia',
    'UTC',
  ];
  /** Swept in full (the others only in the random property): the regions' and the unusual ones. */
  const SWEPT = [
    MOSCOW,
    ALMATY,
    'America/New_York',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'America/Havana',
    'Pacific/Apia',
  ];
  const MINUTE = 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  it.each(SWEPT)('equals Intl around each transition, to the millisecond, and across years (%s)', (zone) => {
    let compared = 0;
    const mismatches: string[] = [];
    const check = (ms: number) => {
      const [cached, reference] = [localDate(iso(ms), zone), localDateByIntl(iso(ms), zone)];
      if (cached !== reference) mismatches.push(`${iso(ms)}: ${cached} ≠ ${reference}`);
      compared++;
    };
    // A coarse sweep (every 23 h 7 min 13.7 s, so it hits every time of day) finds the offset changes…
    const step = 23 * 60 * MINUTE + 7 * MINUTE + 13_700;
    const wall = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const offset = (ms: number) => {
      const p = Object.fromEntries(wall.formatToParts(ms).map((part) => [part.type, Number(part.value)]));
      return (
        Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000
      );
    };
    for (const [from, to] of [
      [Date.parse('1900-01-01T00:00:00Z'), Date.parse('1925-01-01T00:00:00Z')],
      [Date.parse('2010-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')],
    ] as const) {
      for (let at = from; at < to; at += step) {
        check(at);
        // …and each change is found to the millisecond, then checked every 37 s for 45 minutes either
        // side and at the change itself.
        if (offset(at) !== offset(at + step)) {
          let [low, high] = [at, at + step];
          while (high - low > 1) {
            const middle = Math.floor((low + high) / 2);
            if (offset(middle) === offset(at)) low = middle;
            else high = middle;
          }
          check(low);
          check(high);
          for (let near = high - 45 * MINUTE; near < high + 45 * MINUTE; near += 37_000) check(near);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(15_000);
  });

  it('equals Intl on random instants and zones (1900–2100)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
        fc.constantFrom(...ZONES),
        (ms, zone) => localDate(iso(ms), zone) === localDateByIntl(iso(ms), zone),
      ),
      { numRuns: 20_000, seed: 18 },
    );
  });

  it('is exact at the last millisecond before and the first after a local midnight', () => {
    expect(localDate('2026-03-08T04:59:59.999Z', 'America/New_York')).toBe('2026-03-07');
    expect(localDate('2026-03-08T05:00:00.000Z', 'America/New_York')).toBe('2026-03-08');
    // Apia skipped 2011-12-30: 23:59:59.999 on the 29th (UTC−10) is followed by 00:00 on the 31st (UTC+14).
    expect(localDate('2011-12-30T09:59:59.999Z', 'Pacific/Apia')).toBe('2011-12-29');
    expect(localDate('2011-12-30T10:00:00.000Z', 'Pacific/Apia')).toBe('2011-12-31');
    // Moscow's local mean time, UTC+2:30:17.
    expect(localDate('1900-01-01T21:29:42.999Z', MOSCOW)).toBe('1900-01-01');
    expect(localDate('1900-01-01T21:29:43.000Z', MOSCOW)).toBe('1900-01-02');
  });
});

describe('periodOf', () => {
  it('answers what the month of the local date (Intl) says, in any order of instants and zones (issue 18: the last period per zone is remembered)', () => {
    const zones = [MOSCOW, ALMATY, 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'];
    // An instant inside a month, then one at its end or the next month's start, to the millisecond.
    const acrossABound = fc
      .tuple(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 20 * 86_400_000 }),
        fc.constantFrom(-1, 0, 1),
        fc.constantFrom(...zones),
      )
      .map(([month, before, ms, zone]) => {
        const id = `${2020 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
        const bound = instantToEpochMs(periodById(id, zone).startsAt);
        return [
          { at: new Date(bound - before).toISOString(), zone },
          { at: new Date(bound + ms).toISOString(), zone },
        ];
      });
    const anywhere = fc
      .tuple(
        fc.integer({ min: Date.parse('2019-06-01T00:00:00Z'), max: Date.parse('2029-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
      )
      .map(([ms, zone]) => [{ at: new Date(ms).toISOString(), zone }]);
    fc.assert(
      fc.property(fc.array(fc.oneof(acrossABound, anywhere), { minLength: 1, maxLength: 20 }), (groups) => {
        for (const { at, zone } of groups.flat())
          expect(periodOf(at, zone)).toBe(periodById(localDateByIntl(at, zone).slice(0, 7), zone));
      }),
      { numRuns: 400, seed: 18 },
    );
  });

  it('Moscow: 20:59:59Z on Jan 31 is January, 21:00:00Z is February', () => {
    expect(periodOf('2026-01-31T20:59:59Z', MOSCOW).id).toBe('2026-01');
    expect(periodOf('2026-01-31T20:59:59.999Z', MOSCOW).id).toBe('2026-01');
    expect(periodOf('2026-01-31T21:00:00Z', MOSCOW).id).toBe('2026-02');
  });

  it('Almaty: 18:59:59Z on Jan 31 is January, 19:00:00Z is February', () => {
    expect(periodOf('2026-01-31T18:59:59Z', ALMATY).id).toBe('2026-01');
    expect(periodOf('2026-01-31T19:00:00Z', ALMATY).id).toBe('2026-02');
  });

  it('describes the month with UTC bounds (end exclusive) and local days', () => {
    expect(periodOf('2026-02-10T12:00:00Z', MOSCOW)).toEqual({
      id: '2026-02',
      timeZone: MOSCOW,
      startsAt: '2026-01-31T21:00:00.000Z',
      endsAt: '2026-02-28T21:00:00.000Z',
      firstDay: '2026-02-01',
      lastDay: '2026-02-28',
      days: 28,
    });
    expect(periodOf('2028-02-10T12:00:00Z', ALMATY).lastDay).toBe('2028-02-29');
    expect(periodOf('2026-12-31T18:59:59Z', ALMATY)).toMatchObject({
      id: '2026-12',
      endsAt: '2026-12-31T19:00:00.000Z',
      lastDay: '2026-12-31',
    });
  });

  it('the first and last instants of a period belong to it; endsAt belongs to the next', () => {
    const period = periodOf('2026-03-15T00:00:00Z', MOSCOW);
    expect(isInPeriod(period.startsAt, period)).toBe(true);
    expect(isInPeriod(new Date(Date.parse(period.endsAt) - 1).toISOString(), period)).toBe(true);
    expect(isInPeriod(period.endsAt, period)).toBe(false);
    expect(periodOf(period.endsAt, MOSCOW).id).toBe('2026-04');
  });

  it('Almaty, March 2024: the month began when the clocks reached 00:00 under the new UTC+5', () => {
    const february = periodById('2024-02', ALMATY);
    expect(february.endsAt).toBe('2024-02-29T19:00:00.000Z');
    expect(periodById('2024-03', ALMATY).startsAt).toBe(february.endsAt);
    // The repeated hour 23:00–24:00 of Feb 29 (18:00Z–19:00Z) still belongs to February.
    expect(periodOf('2024-02-29T18:30:00Z', ALMATY).id).toBe('2024-02');
  });

  it('handles a day that starts at 01:00 because midnight was skipped (São Paulo DST, 2018-11-04)', () => {
    expect(startOfLocalDay('2018-11-04', 'America/Sao_Paulo')).toBe('2018-11-04T03:00:00.000Z');
    expect(startOfLocalDay('2018-11-03', 'America/Sao_Paulo')).toBe('2018-11-03T03:00:00.000Z');
  });

  it('handles a day that never existed (Samoa skipped 2011-12-30)', () => {
    expect(startOfLocalDay('2011-12-30', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(startOfLocalDay('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(periodById('2011-12', 'Pacific/Apia').endsAt).toBe('2011-12-31T10:00:00.000Z');
  });

  it('periodById validates its id', () => {
    expect(() => periodById('2026-13', MOSCOW)).toThrow(InvalidPeriodIdError);
    expect(() => periodById('2026-1', MOSCOW)).toThrow(InvalidPeriodIdError);
    expect(periodById('2026-01', MOSCOW).id).toBe('2026-01');
  });
});

describe('nextPeriod / previousPeriod', () => {
  it('steps across year ends', () => {
    const december = periodById('2025-12', MOSCOW);
    const january = nextPeriod(december);
    expect(january.id).toBe('2026-01');
    expect(january.startsAt).toBe(december.endsAt);
    expect(previousPeriod(january)).toEqual(december);
  });
});

describe('calendar days', () => {
  it('addCalendarDays crosses month, year and leap days', () => {
    expect(addCalendarDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addCalendarDays('2026-01-31', 14)).toBe('2026-02-14');
    expect(addCalendarDays('2026-01-31', 0)).toBe('2026-01-31');
    expect(() => addCalendarDays('2026-01-31', 1.5)).toThrow(InvalidDayCountError);
  });

  it('daysBetween counts calendar days, signed', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-01-31', '2026-01-01')).toBe(-30);
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
  });

  it.each(['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '26-01-01', '2026-01-01T00:00:00Z', ''])(
    'rejects %j as a local date',
    (date) => {
      expect(() => addCalendarDays(date, 1)).toThrow(InvalidLocalDateError);
      expect(isLocalDate(date)).toBe(false);
    },
  );

  it('instants compare across offsets', () => {
    expect(compareInstants('2026-02-01T00:00:00+03:00', '2026-01-31T21:00:00Z')).toBe(0);
    expect(compareInstants('2026-01-31T21:00:00Z', '2026-01-31T21:00:00.001Z')).toBe(-1);
    expect(instantToEpochMs('1970-01-01T00:00:00.123456Z')).toBe(123);
  });
});

describe('properties', () => {
  const instant = fc
    .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
    .map((ms) => new Date(ms).toISOString());
  const zone = fc.constantFrom(MOSCOW, ALMATY, 'UTC', 'America/New_York', 'Europe/Berlin');

  it('an instant lies in its period, whose bounds chain to the next period', () => {
    fc.assert(
      fc.property(instant, zone, (at, timeZone) => {
        const period = periodOf(at, timeZone);
        expect(isInPeriod(at, period)).toBe(true);
        expect(localDate(at, timeZone).slice(0, 7)).toBe(period.id);
        expect(localDate(period.startsAt, timeZone)).toBe(period.firstDay);
        expect(localDate(new Date(Date.parse(period.endsAt) - 1).toISOString(), timeZone)).toBe(
          period.lastDay,
        );
        expect(nextPeriod(period).startsAt).toBe(period.endsAt);
      }),
    );
  });

  it('the fast start-of-day agrees with the exhaustive search, transitions included', () => {
    const tricky = fc.constantFrom(
      MOSCOW,
      ALMATY,
      'America/Sao_Paulo',
      'Pacific/Apia',
      'Australia/Lord_Howe',
      'America/Havana',
    );
    const day = fc.integer({ min: 0, max: 365 * 30 }).map((offset) => addCalendarDays('2005-01-01', offset));
    fc.assert(
      fc.property(day, tricky, (date, timeZone) => {
        expect(startOfLocalDay(date, timeZone)).toBe(startOfLocalDayBySearch(date, timeZone));
      }),
      { numRuns: 300 },
    );
    for (const [date, timeZone] of [
      ['2024-03-01', ALMATY],
      ['2018-11-04', 'America/Sao_Paulo'],
      ['2011-12-30', 'Pacific/Apia'],
      ['2011-12-31', 'Pacific/Apia'],
    ] as const) {
      expect(startOfLocalDay(date, timeZone)).toBe(startOfLocalDayBySearch(date, timeZone));
    }
  });

  it('addCalendarDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: -5_000, max: 5_000 }),
        (offset, days) => {
          const from = addCalendarDays('2000-01-01', offset);
          expect(daysBetween(from, addCalendarDays(from, days))).toBe(days);
        },
      ),
    );
  });
});
