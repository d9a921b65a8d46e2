import fc from 'fast-check';

import { InvalidLocalDateError } from './calendar.js';
import { Decimal, DecimalFormatError } from './decimal.js';
import { AmountNotInMinorUnitsError, CurrencyMismatchError, Money, type Currency } from './money.js';
import { periodById } from './reporting-period.js';
import { DEFAULT_ROUNDING_POLICY, VK_ROUNDING_POLICY, type RoundingPolicy } from './rounding.js';
import {
  DEFAULT_VAT_RATE_CHANGE_POLICY,
  EmptyVatLinesError,
  InvalidServicePeriodError,
  InvalidVatRateError,
  NO_VAT,
  UnknownVatJurisdictionError,
  UnknownVatRateChangePolicyError,
  VAT_SCHEDULE,
  VatRateUndefinedError,
  vatForLines,
  vatForPeriodLines,
  vatOfGross,
  vatPercent,
  vatRateOn,
  type VatJurisdiction,
  type VatRateChangePolicy,
  type VatSchedule,
} from './vat.js';

const rub = (amount: string) => Money.of(amount, 'RUB');
const kzt = (amount: string) => Money.of(amount, 'KZT');
const amounts = (values: { gross: Money; vat: Money; net: Money }) => ({
  gross: values.gross.toString(),
  vat: values.vat.toString(),
  net: values.net.toString(),
});

describe('vatRateOn', () => {
  it.each<[VatJurisdiction, string, string]>([
    ['RU', '2025-12-31', '20'],
    ['RU', '2026-01-01', '22'],
    ['RU', '2019-06-15', '20'],
    ['RU', '2030-06-15', '22'],
    ['KZ', '2025-12-31', '12'],
    ['KZ', '2026-01-01', '16'],
  ])('%s on %s: %s%%', (jurisdiction, date, percent) => {
    expect(vatRateOn(jurisdiction, date)).toEqual({ kind: 'percent', percent });
  });

  it('non-residents: no VAT at all (not 0%)', () => {
    expect(vatRateOn('non-resident', '2026-01-01')).toEqual(NO_VAT);
    expect(vatRateOn('non-resident', '2025-12-31')).toEqual({ kind: 'none' });
  });

  it('rejects bad dates and jurisdictions', () => {
    expect(() => vatRateOn('RU', '2026-02-30')).toThrow(InvalidLocalDateError);
    expect(() => vatRateOn('RU', '2026-01-01T00:00:00Z')).toThrow(InvalidLocalDateError);
    expect(() => vatRateOn('US' as VatJurisdiction, '2026-01-01')).toThrow(UnknownVatJurisdictionError);
  });

  it('a schedule with a gap reports it', () => {
    const gappy: VatSchedule = {
      ...VAT_SCHEDULE,
      RU: [{ from: '2026-01-01', until: null, rate: vatPercent('22'), basis: 'test' }],
    };
    expect(() => vatRateOn('RU', '2025-12-31', gappy)).toThrow(VatRateUndefinedError);
  });

  it('vatPercent validates the percentage', () => {
    expect(() => vatPercent('22%')).toThrow(DecimalFormatError);
    expect(() => vatPercent('-1')).toThrow(InvalidVatRateError);
    expect(vatPercent('12.5')).toEqual({ kind: 'percent', percent: '12.5' });
  });
});

describe('vatOfGross: VAT = gross × r / (100 + r), net = gross − VAT', () => {
  it('worked check: 122.00 RUB at 22% → VAT 22.00, net 100.00', () => {
    expect(amounts(vatOfGross(rub('122.00'), vatPercent('22')))).toEqual({
      gross: '122',
      vat: '22',
      net: '100',
    });
  });

  it('worked check: 116.00 KZT at 16% → VAT 16.00, net 100.00', () => {
    expect(amounts(vatOfGross(kzt('116.00'), vatPercent('16')))).toEqual({
      gross: '116',
      vat: '16',
      net: '100',
    });
  });

  it('120 RUB at 20% and 112 KZT at 12% extract exactly 20 and 12', () => {
    expect(vatOfGross(rub('120'), vatPercent('20')).vat.toString()).toBe('20');
    expect(vatOfGross(kzt('112'), vatPercent('12')).vat.toString()).toBe('12');
  });

  it('rounds to minor units, never to whole roubles', () => {
    // 100 × 22 / 122 = 18.0327…
    expect(amounts(vatOfGross(rub('100'), vatPercent('22')))).toEqual({
      gross: '100',
      vat: '18.03',
      net: '81.97',
    });
  });

  it('rounds an exact tie with the policy mode (0.03 × 20/120 = 0.005)', () => {
    expect(vatOfGross(rub('0.03'), vatPercent('20'), DEFAULT_ROUNDING_POLICY).vat.toString()).toBe('0.01');
    const halfEven: RoundingPolicy = { mode: 'half-even', subMinorChargesRoundUp: false };
    expect(vatOfGross(rub('0.03'), vatPercent('20'), halfEven).vat.toString()).toBe('0');
    const down: RoundingPolicy = { mode: 'down', subMinorChargesRoundUp: false };
    expect(vatOfGross(rub('0.09'), vatPercent('20'), down).vat.toString()).toBe('0.01'); // 0.015
  });

  it('a value just below a tie is not rounded up', () => {
    // 0.05 × 22 / 122 = 0.009016… → 0.01 (above half); 0.02 × 22/122 = 0.0036… → 0
    expect(vatOfGross(rub('0.05'), vatPercent('22')).vat.toString()).toBe('0.01');
    expect(vatOfGross(rub('0.02'), vatPercent('22')).vat.toString()).toBe('0');
  });

  it('the sub-minor charge rule does not apply to VAT', () => {
    expect(vatOfGross(rub('0.02'), vatPercent('22'), VK_ROUNDING_POLICY).vat.toString()).toBe('0');
  });

  it('a negative (correction) line gets the mirrored VAT', () => {
    expect(amounts(vatOfGross(rub('-122'), vatPercent('22')))).toEqual({
      gross: '-122',
      vat: '-22',
      net: '-100',
    });
  });

  it('no VAT: net = gross', () => {
    expect(amounts(vatOfGross(Money.of('30', 'USD'), NO_VAT))).toEqual({ gross: '30', vat: '0', net: '30' });
  });

  it('requires the gross in minor units', () => {
    expect(() => vatOfGross(rub('1.001'), vatPercent('22'))).toThrow(AmountNotInMinorUnitsError);
  });

  it('rejects a negative rate coming from a hand-written schedule', () => {
    expect(() => vatOfGross(rub('1'), { kind: 'percent', percent: '-5' })).toThrow(InvalidVatRateError);
  });
});

describe('vatForLines', () => {
  it('rounds per line and sums the rounded lines (never rounds the total on its own)', () => {
    // Each 0.03 line has VAT 0.005 → 0.01; three lines → 0.03. Rounding the 0.09 total would give 0.02.
    const breakdown = vatForLines([rub('0.03'), rub('0.03'), rub('0.03')], vatPercent('20'));
    expect(breakdown.lines.map((line) => line.vat.toString())).toEqual(['0.01', '0.01', '0.01']);
    expect(amounts(breakdown.totals)).toEqual({ gross: '0.09', vat: '0.03', net: '0.06' });
    expect(vatOfGross(rub('0.09'), vatPercent('20')).vat.toString()).toBe('0.02');
  });

  it('keeps line order and reports the rate', () => {
    const breakdown = vatForLines([rub('122'), rub('100')], vatPercent('22'));
    expect(breakdown.rate).toEqual(vatPercent('22'));
    expect(breakdown.lines.map(amounts)).toEqual([
      { gross: '122', vat: '22', net: '100' },
      { gross: '100', vat: '18.03', net: '81.97' },
    ]);
    expect(amounts(breakdown.totals)).toEqual({ gross: '222', vat: '40.03', net: '181.97' });
  });

  it('rejects empty and mixed-currency documents', () => {
    expect(() => vatForLines([], vatPercent('22'))).toThrow(EmptyVatLinesError);
    expect(() => vatForLines([rub('1'), kzt('1')], vatPercent('22'))).toThrow(CurrencyMismatchError);
  });
});

describe('vatForPeriodLines: rate changes inside the service period', () => {
  const acrossNewYear = { firstDay: '2025-12-20', lastDay: '2026-01-10' }; // 12 days at 20%, 10 at 22%

  it("'act-date' is the default", () => {
    expect(DEFAULT_VAT_RATE_CHANGE_POLICY).toBe('act-date');
    expect(
      vatForPeriodLines([rub('1')], { jurisdiction: 'RU', servicePeriod: acrossNewYear }).rateChangePolicy,
    ).toBe('act-date');
  });

  it("'act-date' applies the rate in force on the period's last day to the whole line", () => {
    const breakdown = vatForPeriodLines([rub('1220')], {
      jurisdiction: 'RU',
      servicePeriod: acrossNewYear,
      rateChangePolicy: 'act-date',
    });
    expect(amounts(breakdown.lines[0]!)).toEqual({ gross: '1220', vat: '220', net: '1000' });
    expect(breakdown.lines[0]!.parts).toHaveLength(1);
    expect(breakdown.lines[0]!.parts[0]).toMatchObject({
      firstDay: '2025-12-20',
      lastDay: '2026-01-10',
      days: 22,
    });
  });

  it("'act-date' on December 2025 still uses 20%", () => {
    const december = periodById('2025-12', 'Europe/Moscow');
    const breakdown = vatForPeriodLines([rub('120')], { jurisdiction: 'RU', servicePeriod: december });
    expect(breakdown.totals.vat.toString()).toBe('20');
  });

  it("'split-by-day' splits the gross by days in force and applies each rate", () => {
    const breakdown = vatForPeriodLines([rub('2200')], {
      jurisdiction: 'RU',
      servicePeriod: acrossNewYear,
      rateChangePolicy: 'split-by-day',
    });
    const [line] = breakdown.lines;
    expect(
      line!.parts.map((part) => ({
        ...amounts(part),
        firstDay: part.firstDay,
        lastDay: part.lastDay,
        days: part.days,
        rate: part.rate,
      })),
    ).toEqual([
      // 2200 × 12/22 = 1200 at 20% → VAT 200
      {
        gross: '1200',
        vat: '200',
        net: '1000',
        firstDay: '2025-12-20',
        lastDay: '2025-12-31',
        days: 12,
        rate: vatPercent('20'),
      },
      // 2200 × 10/22 = 1000 at 22% → VAT 180.33
      {
        gross: '1000',
        vat: '180.33',
        net: '819.67',
        firstDay: '2026-01-01',
        lastDay: '2026-01-10',
        days: 10,
        rate: vatPercent('22'),
      },
    ]);
    expect(amounts(line!)).toEqual({ gross: '2200', vat: '380.33', net: '1819.67' });
    expect(amounts(breakdown.totals)).toEqual(amounts(line!));
  });

  it("'split-by-day' splits Kazakh lines at 12% / 16%", () => {
    const breakdown = vatForPeriodLines([kzt('0.01'), kzt('100')], {
      jurisdiction: 'KZ',
      servicePeriod: { firstDay: '2025-12-31', lastDay: '2026-01-01' },
      rateChangePolicy: 'split-by-day',
    });
    // 100 → 50 at 12% (5.36) + 50 at 16% (6.90)
    expect(breakdown.lines[1]!.vat.toString()).toBe('12.26');
    // the indivisible kopeck goes to the first part; the parts always add up to the line
    expect(breakdown.lines[0]!.parts.map((part) => part.gross.toString())).toEqual(['0.01', '0']);
  });

  it("'split-by-day' equals 'act-date' when one rate covers the whole period", () => {
    const january = periodById('2026-01', 'Asia/Almaty');
    const lines = [kzt('116'), kzt('99.99'), kzt('0.07')];
    const split = vatForPeriodLines(lines, {
      jurisdiction: 'KZ',
      servicePeriod: january,
      rateChangePolicy: 'split-by-day',
    });
    const actDate = vatForPeriodLines(lines, {
      jurisdiction: 'KZ',
      servicePeriod: january,
      rateChangePolicy: 'act-date',
    });
    expect(split.lines.map(amounts)).toEqual(actDate.lines.map(amounts));
    expect(split.lines[0]!.parts).toHaveLength(1);
  });

  it('handles a mid-month change from a custom schedule', () => {
    const schedule: VatSchedule = {
      ...VAT_SCHEDULE,
      RU: [
        { from: null, until: '2026-03-15', rate: vatPercent('22'), basis: 'test' },
        { from: '2026-03-16', until: null, rate: vatPercent('10'), basis: 'test' },
      ],
    };
    const march = periodById('2026-03', 'Europe/Moscow');
    const split = vatForPeriodLines([rub('310')], {
      jurisdiction: 'RU',
      servicePeriod: march,
      rateChangePolicy: 'split-by-day',
      schedule,
    });
    expect(
      split.lines[0]!.parts.map((part) => [part.days, part.gross.toString(), part.vat.toString()]),
    ).toEqual([
      [15, '150', '27.05'], // 150 × 22/122 = 27.049…
      [16, '160', '14.55'], // 160 × 10/110 = 14.545…
    ]);
    const actDate = vatForPeriodLines([rub('310')], { jurisdiction: 'RU', servicePeriod: march, schedule });
    expect(actDate.totals.vat.toString()).toBe('28.18'); // 310 × 10/110 = 28.18…
  });

  it('rejects bad input', () => {
    expect(() => vatForPeriodLines([], { jurisdiction: 'RU', servicePeriod: acrossNewYear })).toThrow(
      EmptyVatLinesError,
    );
    expect(() =>
      vatForPeriodLines([rub('1')], {
        jurisdiction: 'RU',
        servicePeriod: { firstDay: '2026-01-02', lastDay: '2026-01-01' },
      }),
    ).toThrow(InvalidServicePeriodError);
    expect(() =>
      vatForPeriodLines([rub('1')], {
        jurisdiction: 'RU',
        servicePeriod: acrossNewYear,
        rateChangePolicy: 'by-month' as VatRateChangePolicy,
      }),
    ).toThrow(UnknownVatRateChangePolicyError);
    expect(() =>
      vatForPeriodLines([rub('1.001')], {
        jurisdiction: 'RU',
        servicePeriod: acrossNewYear,
        rateChangePolicy: 'split-by-day',
      }),
    ).toThrow(AmountNotInMinorUnitsError);
  });
});

describe('properties', () => {
  const currency = fc.constantFrom<Currency>('RUB', 'KZT', 'USD');
  const minorUnits = fc.bigInt({ min: -(10n ** 11n), max: 10n ** 11n }).map(String);
  const percent = fc.constantFrom('0', '10', '12', '16', '20', '22', '7.5');
  const rounding = fc.constantFrom<RoundingPolicy>(
    DEFAULT_ROUNDING_POLICY,
    { mode: 'half-even', subMinorChargesRoundUp: false },
    { mode: 'up', subMinorChargesRoundUp: false },
    { mode: 'down', subMinorChargesRoundUp: false },
  );

  it("lines' VAT sums to the total VAT; net + VAT = gross per line and in total", () => {
    fc.assert(
      fc.property(
        currency,
        fc.array(minorUnits, { minLength: 1, maxLength: 20 }),
        percent,
        rounding,
        (code, units, rate, policy) => {
          const lines = units.map((count) => Money.ofMinorUnits(count, code));
          const breakdown = vatForLines(lines, vatPercent(rate), policy);
          expect(
            Money.sum(
              breakdown.lines.map((line) => line.vat),
              code,
            ),
          ).toEqual(breakdown.totals.vat);
          expect(Money.sum(lines, code)).toEqual(breakdown.totals.gross);
          for (const line of [...breakdown.lines, breakdown.totals]) {
            expect(line.net.add(line.vat)).toEqual(line.gross);
            expect(line.vat.isInMinorUnits).toBe(true);
          }
        },
      ),
    );
  });

  it('each line VAT is the exact formula rounded: within one minor unit (half a unit for half-* modes)', () => {
    fc.assert(
      fc.property(minorUnits, percent, rounding, (count, rate, policy) => {
        const gross = Money.ofMinorUnits(count, 'RUB');
        const { vat } = vatOfGross(gross, vatPercent(rate), policy);
        const r = new Decimal(rate);
        const exact = gross.amount.times(r).div(r.plus('100'));
        const error = vat.amount.minus(exact).abs();
        expect(error.lte(policy.mode.startsWith('half') ? '0.005' : '0.01')).toBe(true);
      }),
    );
  });

  it('split-by-day: parts add up to each line, and lines to the totals, across the 2026 change', () => {
    const day = fc.integer({ min: 0, max: 60 }).map((offset) => {
      const date = new Date(Date.UTC(2025, 11, 1 + offset));
      return date.toISOString().slice(0, 10);
    });
    fc.assert(
      fc.property(
        fc.array(minorUnits, { minLength: 1, maxLength: 10 }),
        day,
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom<VatJurisdiction>('RU', 'KZ', 'non-resident'),
        (units, firstDay, length, jurisdiction) => {
          const lastDay = new Date(Date.parse(`${firstDay}T00:00:00Z`) + length * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const lines = units.map((count) => Money.ofMinorUnits(count, 'RUB'));
          const breakdown = vatForPeriodLines(lines, {
            jurisdiction,
            servicePeriod: { firstDay, lastDay },
            rateChangePolicy: 'split-by-day',
          });
          breakdown.lines.forEach((line, index) => {
            expect(line.gross).toEqual(lines[index]);
            expect(
              Money.sum(
                line.parts.map((part) => part.gross),
                'RUB',
              ),
            ).toEqual(line.gross);
            expect(
              Money.sum(
                line.parts.map((part) => part.vat),
                'RUB',
              ),
            ).toEqual(line.vat);
            expect(line.net.add(line.vat)).toEqual(line.gross);
            expect(line.parts.reduce((days, part) => days + part.days, 0)).toBe(length + 1);
          });
          expect(
            Money.sum(
              breakdown.lines.map((line) => line.vat),
              'RUB',
            ),
          ).toEqual(breakdown.totals.vat);
          expect(breakdown.totals.net.add(breakdown.totals.vat)).toEqual(breakdown.totals.gross);
        },
      ),
    );
  });
});
