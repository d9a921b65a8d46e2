import Big from 'big.js';
import { forecastSpend } from './spend-forecast.js';
import { percentOf } from './alert-detection.js';

const MARCH = { startsAt: '2026-02-28T21:00:00.000Z', endsAt: '2026-03-31T21:00:00.000Z' };

describe('the period spend forecast', () => {
  it('is linear: a third of the way through with 100 spent → 300', () => {
    const third = new Date(
      Date.parse(MARCH.startsAt) + (Date.parse(MARCH.endsAt) - Date.parse(MARCH.startsAt)) / 3,
    );
    expect(forecastSpend(new Big('100'), MARCH, third.toISOString())!.toFixed(2)).toBe('300.00');
  });

  it('rounds to kopecks half-up', () => {
    // 10 days of 31: 10.00 · 31 / 10 = 31.00; 1 day: 0.01 · 31 = 0.31; 7 days: 1.00 · 31 / 7 = 4.428… → 4.43
    const day = (n: number) => new Date(Date.parse(MARCH.startsAt) + n * 86_400_000).toISOString();
    expect(forecastSpend(new Big('10'), MARCH, day(10))!.toFixed()).toBe('31');
    expect(forecastSpend(new Big('1'), MARCH, day(7))!.toFixed()).toBe('4.43');
  });

  it('is undefined in the period’s first hour, defined from then on', () => {
    expect(forecastSpend(new Big('5'), MARCH, MARCH.startsAt)).toBeUndefined();
    expect(forecastSpend(new Big('5'), MARCH, '2026-02-28T21:59:59.999Z')).toBeUndefined();
    expect(forecastSpend(new Big('5'), MARCH, '2026-02-28T22:00:00.000Z')!.toFixed(2)).toBe('3720.00');
  });

  it('after the period’s end (a month boundary) it is the spend itself', () => {
    expect(forecastSpend(new Big('123.456'), MARCH, '2026-04-01T00:00:00.000Z')!.toFixed()).toBe('123.46');
  });

  it('a budget’s percent used, to two decimals', () => {
    expect(percentOf(new Big('850'), new Big('1000'))).toBe('85.00');
    expect(percentOf(new Big('1'), new Big('3'))).toBe('33.33');
  });
});
