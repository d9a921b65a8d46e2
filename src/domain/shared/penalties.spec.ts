import fc from 'fast-check';

import { CurrencyMismatchError, Money } from './money.js';
import {
  DEFAULT_PENALTY_POLICY,
  InvalidPenaltyInputError,
  InvalidPenaltyPolicyError,
  KEY_RATE_DENOMINATOR,
  NO_PENALTIES,
  accruedPenalty,
  assertPenaltyPolicy,
  penaltyCap,
  penaltyDayToBook,
  penaltyDays,
  penaltyForDay,
  type PenaltyPolicy,
} from './penalties.js';
import { DEFAULT_ROUNDING_POLICY, roundTo, roundToMinor } from './rounding.js';

const rub = (amount: string) => Money.of(amount, 'RUB');
const zero = Money.zero('RUB');

const percentPerDay = (ratePercent: string, capPercent?: string): PenaltyPolicy => ({
  model: 'percent-per-day',
  ratePercent,
  startsAt: 'due-date',
  ...(capPercent === undefined ? {} : { cap: { percentOfDebt: capPercent } }),
});

const keyRate = (keyRatePercent: string, capPercent?: string): PenaltyPolicy => ({
  model: 'key-rate-fraction',
  keyRatePercent,
  denominator: KEY_RATE_DENOMINATOR,
  startsAt: 'suspension',
  ...(capPercent === undefined ? {} : { cap: { percentOfDebt: capPercent } }),
});

describe('policy defaults', () => {
  it('first provider: no penalties', () => {
    expect(NO_PENALTIES).toEqual({ model: 'none' });
  });

  it('engine default: 0.1% of the overdue debt per day, from suspension, no cap', () => {
    expect(DEFAULT_PENALTY_POLICY).toEqual({
      model: 'percent-per-day',
      ratePercent: '0.1',
      startsAt: 'suspension',
    });
    expect(KEY_RATE_DENOMINATOR).toBe(300);
  });
});

describe('penaltyForDay', () => {
  it("'none' never charges", () => {
    expect(penaltyForDay(rub('1000000'), NO_PENALTIES)).toEqual(zero);
  });

  it("'percent-per-day': 0.1% of 10 000 RUB is 10 RUB a day", () => {
    expect(penaltyForDay(rub('10000'), percentPerDay('0.1')).toString()).toBe('10');
  });

  it('keeps full precision (no rounding to kopecks)', () => {
    expect(penaltyForDay(rub('123.45'), percentPerDay('0.1')).toString()).toBe('0.12345');
  });

  it("'key-rate-fraction': 1/300 of a 16.5% key rate on 30 000 RUB is 16.50 RUB a day", () => {
    expect(penaltyForDay(rub('30000'), keyRate('16.5')).toString()).toBe('16.5');
  });

  it('non-terminating fractions keep 12 digits, half-up', () => {
    // 100 × 16.5 / 30000 = 0.055 exactly; 1 × 20 / 30000 = 0.000666…
    expect(penaltyForDay(rub('100'), keyRate('16.5')).toString()).toBe('0.055');
    expect(penaltyForDay(rub('1'), keyRate('20')).toString()).toBe('0.000666666667');
  });

  it('honours a custom denominator', () => {
    const oneOver150: PenaltyPolicy = {
      model: 'key-rate-fraction',
      keyRatePercent: '15',
      denominator: 150,
      startsAt: 'due-date',
    };
    expect(penaltyForDay(rub('1000'), oneOver150).toString()).toBe('1');
  });

  it('zero debt → zero penalty; negative debt is rejected', () => {
    expect(penaltyForDay(zero, percentPerDay('0.1'))).toEqual(zero);
    expect(() => penaltyForDay(rub('-1'), percentPerDay('0.1'))).toThrow(
      expect.objectContaining({ code: 'PENALTY_DEBT_NEGATIVE' }) as Error,
    );
  });
});

describe('accruedPenalty', () => {
  it('accrues days × daily penalty without a cap', () => {
    const accrual = accruedPenalty(rub('10000'), 30, zero, percentPerDay('0.1'));
    expect(accrual.accrued.toString()).toBe('300');
    expect(accrual.total.toString()).toBe('300');
    expect(accrual.capReached).toBe(false);
  });

  it('adds to what has already accrued', () => {
    const accrual = accruedPenalty(rub('10000'), 5, rub('300'), percentPerDay('0.1'));
    expect(accrual.accrued.toString()).toBe('50');
    expect(accrual.total.toString()).toBe('350');
  });

  it('computes many days in one step (30 days of 1/300 are exact, not 30 rounded days)', () => {
    expect(accruedPenalty(rub('1'), 30, zero, keyRate('20')).accrued.toString()).toBe('0.02');
  });

  it("'none' accrues nothing for any number of days", () => {
    expect(accruedPenalty(rub('10000'), 365, zero, NO_PENALTIES)).toEqual({
      accrued: zero,
      total: zero,
      capReached: false,
    });
  });

  describe('cap: total penalties never exceed cap% of the debt', () => {
    // 10 000 RUB, 0.1%/day = 10/day, cap 10% = 1 000 → reached after exactly 100 days.
    const policy = percentPerDay('0.1', '10');
    const debt = rub('10000');

    it('one day before the cap: uncapped', () => {
      const accrual = accruedPenalty(debt, 99, zero, policy);
      expect(accrual.total.toString()).toBe('990');
      expect(accrual.capReached).toBe(false);
    });

    it('exactly at the cap: reached, not exceeded', () => {
      const accrual = accruedPenalty(debt, 100, zero, policy);
      expect(accrual.total.toString()).toBe('1000');
      expect(accrual.capReached).toBe(true);
    });

    it('one day past the cap: limited to the cap', () => {
      const accrual = accruedPenalty(debt, 101, zero, policy);
      expect(accrual.accrued.toString()).toBe('1000');
      expect(accrual.total.toString()).toBe('1000');
      expect(accrual.capReached).toBe(true);
    });

    it('only the room left under the cap accrues', () => {
      const accrual = accruedPenalty(debt, 5, rub('995'), policy);
      expect(accrual.accrued.toString()).toBe('5');
      expect(accrual.total.toString()).toBe('1000');
    });

    it('nothing more once the cap is reached', () => {
      expect(accruedPenalty(debt, 1, rub('1000'), policy).accrued).toEqual(zero);
    });

    it('a debt reduced below what already accrued: nothing accrues, nothing is taken back', () => {
      const accrual = accruedPenalty(rub('5000'), 10, rub('800'), policy); // new cap 500 < 800
      expect(accrual.accrued).toEqual(zero);
      expect(accrual.total.toString()).toBe('800');
      expect(accrual.capReached).toBe(true);
    });

    it('penaltyCap is cap% of the debt', () => {
      expect(penaltyCap(rub('12345.67'), { percentOfDebt: '10' }).toString()).toBe('1234.567');
    });

    it('works with the key-rate model too', () => {
      // 30 000 × 16.5 / 30000 = 16.5/day; cap 1% = 300 → 18 days = 297, 19 days capped at 300
      expect(accruedPenalty(rub('30000'), 18, zero, keyRate('16.5', '1')).total.toString()).toBe('297');
      expect(accruedPenalty(rub('30000'), 19, zero, keyRate('16.5', '1')).total.toString()).toBe('300');
    });
  });

  it('zero days accrue nothing; fractional or negative days are rejected', () => {
    expect(accruedPenalty(rub('100'), 0, zero, percentPerDay('0.1')).accrued).toEqual(zero);
    expect(() => accruedPenalty(rub('100'), 1.5, zero, percentPerDay('0.1'))).toThrow(
      InvalidPenaltyInputError,
    );
    expect(() => accruedPenalty(rub('100'), -1, zero, percentPerDay('0.1'))).toThrow(
      expect.objectContaining({ code: 'PENALTY_DAYS_INVALID' }) as Error,
    );
  });

  it('rejects a negative already-accrued amount and mixed currencies', () => {
    expect(() => accruedPenalty(rub('100'), 1, rub('-1'), percentPerDay('0.1'))).toThrow(
      expect.objectContaining({ code: 'PENALTY_ACCRUED_NEGATIVE' }) as Error,
    );
    expect(() => accruedPenalty(rub('100'), 1, Money.zero('KZT'), percentPerDay('0.1'))).toThrow(
      CurrencyMismatchError,
    );
  });

  it('documents round the accrued penalty to minor units later', () => {
    const accrual = accruedPenalty(rub('123.45'), 3, zero, percentPerDay('0.1'));
    expect(accrual.accrued.toString()).toBe('0.37035');
    expect(roundToMinor(accrual.accrued).toString()).toBe('0.37');
  });
});

describe('penaltyDays (calendar days)', () => {
  it("'due-date': counts the days after the due date, up to and including asOf", () => {
    const policy = percentPerDay('0.1');
    expect(penaltyDays(policy, { dueDate: '2026-02-14', asOf: '2026-02-14' })).toBe(0);
    expect(penaltyDays(policy, { dueDate: '2026-02-14', asOf: '2026-02-15' })).toBe(1);
    expect(penaltyDays(policy, { dueDate: '2026-02-14', asOf: '2026-03-01' })).toBe(15);
    expect(penaltyDays(policy, { dueDate: '2026-02-14', asOf: '2026-02-01' })).toBe(0);
  });

  it("'suspension': counts from the suspension date, and nothing while never suspended", () => {
    const policy = keyRate('16.5');
    expect(penaltyDays(policy, { dueDate: '2026-02-14', asOf: '2026-03-01' })).toBe(0);
    expect(
      penaltyDays(policy, { dueDate: '2026-02-14', suspendedOn: '2026-02-20', asOf: '2026-03-01' }),
    ).toBe(9);
  });

  it("'none': never any days", () => {
    expect(penaltyDays(NO_PENALTIES, { dueDate: '2026-02-14', asOf: '2027-01-01' })).toBe(0);
  });
});

describe('assertPenaltyPolicy (configuration)', () => {
  it.each<[unknown, string]>([
    [null, '(root)'],
    [{ model: 'daily' }, 'model'],
    [{ model: 'percent-per-day', ratePercent: '0.1', startsAt: 'tomorrow' }, 'startsAt'],
    [{ model: 'percent-per-day', ratePercent: 0.1, startsAt: 'due-date' }, 'ratePercent'],
    [{ model: 'percent-per-day', ratePercent: '-0.1', startsAt: 'due-date' }, 'ratePercent'],
    [
      { model: 'key-rate-fraction', keyRatePercent: '16.5', denominator: 0, startsAt: 'due-date' },
      'denominator',
    ],
    [
      { model: 'key-rate-fraction', keyRatePercent: '1e1', denominator: 300, startsAt: 'due-date' },
      'keyRatePercent',
    ],
    [
      { model: 'percent-per-day', ratePercent: '0.1', startsAt: 'due-date', cap: { percentOfDebt: 'ten' } },
      'cap.percentOfDebt',
    ],
    [{ model: 'percent-per-day', ratePercent: '0.1', startsAt: 'due-date', cap: 10 }, 'cap'],
  ])('rejects %j naming %s', (policy, field) => {
    expect(() => assertPenaltyPolicy(policy)).toThrow(InvalidPenaltyPolicyError);
    expect(() => assertPenaltyPolicy(policy)).toThrow(`penalty policy ${field}:`);
  });

  it('accepts the presets', () => {
    expect(() => assertPenaltyPolicy(NO_PENALTIES)).not.toThrow();
    expect(() => assertPenaltyPolicy(DEFAULT_PENALTY_POLICY)).not.toThrow();
    expect(() => assertPenaltyPolicy(keyRate('16.5', '10'))).not.toThrow();
  });
});

describe('properties', () => {
  const debt = fc
    .bigInt({ min: 0n, max: 10n ** 12n })
    .map((units) => Money.ofMinorUnits(units.toString(), 'RUB'));
  const rate = fc.constantFrom('0', '0.01', '0.1', '0.5', '1');
  const cap = fc.constantFrom('0', '1', '10', '50');

  it('the running total never exceeds the cap, whatever the accrual steps', () => {
    fc.assert(
      fc.property(
        debt,
        rate,
        cap,
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 10 }),
        (owed, r, c, steps) => {
          const policy = percentPerDay(r, c);
          const limit = penaltyCap(owed, { percentOfDebt: c });
          let total = zero;
          for (const days of steps) {
            const accrual = accruedPenalty(owed, days, total, policy);
            expect(accrual.accrued.isNegative()).toBe(false);
            expect(accrual.total).toEqual(total.add(accrual.accrued));
            total = accrual.total;
            expect(total.isLessThanOrEqual(limit)).toBe(true);
          }
        },
      ),
    );
  });

  it('without a cap, accruing in steps equals accruing at once (percent model is exact)', () => {
    fc.assert(
      fc.property(
        debt,
        rate,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        (owed, r, a, b) => {
          const policy = percentPerDay(r);
          const stepwise = accruedPenalty(owed, b, accruedPenalty(owed, a, zero, policy).total, policy).total;
          expect(stepwise).toEqual(accruedPenalty(owed, a + b, zero, policy).total);
        },
      ),
    );
  });
});

describe('penaltyDayToBook: booked days add up to the exact total rounded once (§10)', () => {
  /** Books `days` days on a constant debt; returns the booked day amounts and the last day's result. */
  function book(debt: Money, days: number, policy: PenaltyPolicy) {
    let exact = zero;
    let booked = zero;
    const amounts: Money[] = [];
    for (let day = 0; day < days; day++) {
      const result = penaltyDayToBook(debt, { exact, booked }, policy, DEFAULT_ROUNDING_POLICY);
      expect(result.bookedTotal).toEqual(booked.add(result.amount));
      amounts.push(result.amount);
      exact = result.exactTotal;
      booked = result.bookedTotal;
    }
    return { amounts, exact, booked };
  }

  it('0.1 % a day on 333.33 for 60 days books 20.00, not 60 × 0.33 = 19.80', () => {
    const { amounts, booked, exact } = book(rub('333.33'), 60, percentPerDay('0.1'));
    expect(exact.toString()).toBe('19.9998');
    expect(Money.sum(amounts, 'RUB').toString()).toBe('20');
    expect(booked.toString()).toBe('20');
    // Each day books the difference of the rounded running totals: 0.33 on most days, 0.34 on some.
    expect(new Set(amounts.map((a) => a.toString()))).toEqual(new Set(['0.33', '0.34']));
  });

  it('a day too small to reach a kopeck books 0 and still counts towards the total', () => {
    // 0.003 a day: running totals 0.003, 0.006, 0.009, 0.012, 0.015 round to 0, 0.01, 0.01, 0.01, 0.02.
    const { amounts, booked } = book(rub('3'), 5, percentPerDay('0.1'));
    expect(amounts.map((a) => a.toString())).toEqual(['0', '0.01', '0', '0', '0.01']);
    expect(booked.toString()).toBe('0.02');
  });

  it('stops at the cap, in whole kopecks rounded down (10 % of 333.33 is 33.33)', () => {
    const { booked, exact, amounts } = book(rub('333.33'), 120, percentPerDay('0.1', '10'));
    expect(exact.toString()).toBe('33.33');
    expect(booked.toString()).toBe('33.33');
    expect(amounts.at(-1)!.toString()).toBe('0');
    expect(
      penaltyDayToBook(rub('333.33'), { exact, booked }, percentPerDay('0.1', '10'), DEFAULT_ROUNDING_POLICY)
        .capReached,
    ).toBe(true);
  });

  it('property: for any principal, rate, cap and days, the booked days sum to the rounded exact total, within the cap', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 9n }).map((units) => Money.ofMinorUnits(units.toString(), 'RUB')),
        fc.constantFrom('0.01', '0.1', '0.3', '1', '0.033'),
        fc.option(fc.constantFrom('1', '10', '12.5', '50'), { nil: undefined }),
        fc.integer({ min: 1, max: 120 }),
        (principal, rate, capPercent, days) => {
          const policy = percentPerDay(rate, capPercent);
          const { amounts, booked } = book(principal, days, policy);
          const uncapped = accruedPenalty(principal, days, zero, percentPerDay(rate)).total;
          const cap =
            capPercent === undefined
              ? undefined
              : roundTo(penaltyCap(principal, { percentOfDebt: capPercent }), 2, 'down');
          const exactTotal = cap === undefined ? uncapped : Money.min(uncapped, cap);
          expect(Money.sum(amounts, 'RUB')).toEqual(booked);
          expect(booked).toEqual(roundToMinor(exactTotal));
          for (const amount of amounts) expect(amount.isNegative()).toBe(false);
          if (capPercent !== undefined)
            expect(booked.isLessThanOrEqual(penaltyCap(principal, { percentOfDebt: capPercent }))).toBe(true);
        },
      ),
    );
  });
});
