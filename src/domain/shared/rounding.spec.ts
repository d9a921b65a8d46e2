import fc from 'fast-check';

import { UnknownRoundingModeError } from './decimal.js';
import { AmountNotInMinorUnitsError, Money } from './money.js';
import {
  DEFAULT_ROUNDING_POLICY,
  InvalidAllocationWeightsError,
  InvalidRoundingPolicyError,
  ROUNDING_MODES,
  VK_ROUNDING_POLICY,
  allocateByWeights,
  assertRoundingPolicy,
  oneMinorUnit,
  roundCharge,
  roundChargeToMinor,
  roundTo,
  roundToMinor,
  type RoundingMode,
  type RoundingPolicy,
} from './rounding.js';

const rub = (amount: string) => Money.of(amount, 'RUB');
const policy = (mode: RoundingMode, subMinorChargesRoundUp = false): RoundingPolicy => ({
  mode,
  subMinorChargesRoundUp,
});

describe('policy defaults', () => {
  it('the engine default is half-up without the sub-minor rule', () => {
    expect(DEFAULT_ROUNDING_POLICY).toEqual({ mode: 'half-up', subMinorChargesRoundUp: false });
  });

  it('the first provider (VK) rounds half-up and lifts sub-kopeck charges to 1 kopeck', () => {
    expect(VK_ROUNDING_POLICY).toEqual({ mode: 'half-up', subMinorChargesRoundUp: true });
  });

  it('validates policies from configuration', () => {
    expect(() => assertRoundingPolicy({ mode: 'half-up', subMinorChargesRoundUp: true })).not.toThrow();
    expect(() => assertRoundingPolicy({ mode: 'ceil', subMinorChargesRoundUp: true })).toThrow(
      UnknownRoundingModeError,
    );
    expect(() => assertRoundingPolicy({ mode: 'half-up' })).toThrow(InvalidRoundingPolicyError);
    expect(() => assertRoundingPolicy(null)).toThrow(InvalidRoundingPolicyError);
  });
});

describe('roundToMinor', () => {
  it.each<[string, RoundingMode, string]>([
    // ties
    ['0.005', 'half-up', '0.01'],
    ['0.015', 'half-even', '0.02'],
    ['0.025', 'half-even', '0.02'],
    ['0.005', 'up', '0.01'],
    ['0.005', 'down', '0'],
    // just below / above a tie
    ['0.004999', 'half-up', '0'],
    ['0.005001', 'half-even', '0.01'],
    ['0.000001', 'up', '0.01'],
    ['0.019999', 'down', '0.01'],
    // negatives are symmetric: half-up is half away from zero
    ['-0.005', 'half-up', '-0.01'],
    ['-0.025', 'half-even', '-0.02'],
    ['-0.001', 'up', '-0.01'],
    ['-0.019', 'down', '-0.01'],
    ['-0.004', 'half-up', '0'],
  ])('%s with %s → %s', (amount, mode, expected) => {
    expect(roundToMinor(rub(amount), policy(mode)).toString()).toBe(expected);
  });

  it('half-up is the default', () => {
    expect(roundToMinor(rub('2.345')).toString()).toBe('2.35');
  });

  it('never applies the sub-minor rule: that rule is for charges only', () => {
    expect(roundToMinor(rub('0.004'), VK_ROUNDING_POLICY).toString()).toBe('0');
  });

  it('rejects an unknown mode', () => {
    expect(() => roundToMinor(rub('1'), policy('ceil' as RoundingMode))).toThrow(UnknownRoundingModeError);
  });
});

describe('roundCharge (to 6 digits) and the sub-minor rule', () => {
  it('rounds to charge precision', () => {
    expect(roundCharge(rub('1.2345675')).toString()).toBe('1.234568');
    expect(roundCharge(rub('1.2345665'), policy('half-even')).toString()).toBe('1.234566');
  });

  it('VK: any positive charge below 1 kopeck becomes exactly 1 kopeck', () => {
    expect(roundCharge(rub('0.000001'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
    expect(roundCharge(rub('0.009999'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
    // judged on the raw value: this would round to 0 at 6 digits, but it is a positive charge
    expect(roundCharge(rub('0.0000001'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
  });

  it('VK: 1 kopeck and more is not touched by the rule', () => {
    expect(roundCharge(rub('0.01'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
    expect(roundCharge(rub('0.010001'), VK_ROUNDING_POLICY).toString()).toBe('0.010001');
  });

  it('VK: zero and negative charges are not lifted', () => {
    expect(roundCharge(rub('0'), VK_ROUNDING_POLICY).toString()).toBe('0');
    expect(roundCharge(rub('-0.000001'), VK_ROUNDING_POLICY).toString()).toBe('-0.000001');
  });

  it('without the rule a tiny charge simply rounds', () => {
    expect(roundCharge(rub('0.0000001')).toString()).toBe('0');
    expect(roundChargeToMinor(rub('0.004')).toString()).toBe('0');
  });

  it('roundChargeToMinor applies both the mode and the rule', () => {
    expect(roundChargeToMinor(rub('0.004'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
    expect(roundChargeToMinor(rub('0.014'), VK_ROUNDING_POLICY).toString()).toBe('0.01');
    expect(roundChargeToMinor(rub('0.015'), VK_ROUNDING_POLICY).toString()).toBe('0.02');
  });

  it('the rule works in tiyn and cents too', () => {
    expect(roundChargeToMinor(Money.of('0.001', 'KZT'), VK_ROUNDING_POLICY)).toEqual(oneMinorUnit('KZT'));
    expect(roundChargeToMinor(Money.of('0.001', 'USD'), VK_ROUNDING_POLICY)).toEqual(Money.of('0.01', 'USD'));
  });

  it('roundTo rounds to any number of digits', () => {
    expect(roundTo(rub('1.25'), 1, 'half-even').toString()).toBe('1.2');
  });
});

describe('allocateByWeights', () => {
  it('splits proportionally and the parts add up exactly', () => {
    expect(allocateByWeights(rub('100'), [1, 1, 1]).map(String)).toEqual(['33.34', '33.33', '33.33']);
    expect(allocateByWeights(rub('0.01'), [1, 1, 1]).map(String)).toEqual(['0.01', '0', '0']);
    expect(allocateByWeights(rub('31'), [12, 19]).map(String)).toEqual(['12', '19']);
    expect(allocateByWeights(rub('-100'), [1, 2]).map(String)).toEqual(['-33.33', '-66.67']);
    expect(allocateByWeights(rub('5'), [0, 3]).map(String)).toEqual(['0', '5']);
  });

  it('rejects bad input', () => {
    expect(() => allocateByWeights(rub('1.001'), [1])).toThrow(AmountNotInMinorUnitsError);
    expect(() => allocateByWeights(rub('1'), [])).toThrow(InvalidAllocationWeightsError);
    expect(() => allocateByWeights(rub('1'), [0, 0])).toThrow(InvalidAllocationWeightsError);
    expect(() => allocateByWeights(rub('1'), [1.5])).toThrow(InvalidAllocationWeightsError);
    expect(() => allocateByWeights(rub('1'), [-1, 2])).toThrow(InvalidAllocationWeightsError);
  });
});

describe('properties', () => {
  const minorAmount = fc
    .bigInt({ min: -(10n ** 12n), max: 10n ** 12n })
    .map((units) => Money.ofMinorUnits(units.toString(), 'RUB'));
  const chargeAmount = fc
    .bigInt({ min: -(10n ** 14n), max: 10n ** 14n })
    .map((units) =>
      Money.fromDecimal(Money.ofMinorUnits(units.toString(), 'RUB').amount.div('1000000'), 'RUB'),
    );
  const mode = fc.constantFrom(...ROUNDING_MODES);

  it('rounding is symmetric around zero, idempotent, and within one minor unit', () => {
    fc.assert(
      fc.property(chargeAmount, mode, (amount, roundingMode) => {
        const rounded = roundToMinor(amount, policy(roundingMode));
        expect(rounded.isInMinorUnits).toBe(true);
        expect(roundToMinor(amount.negate(), policy(roundingMode))).toEqual(rounded.negate());
        expect(roundToMinor(rounded, policy(roundingMode))).toEqual(rounded);
        expect(rounded.subtract(amount).abs().isLessThan(oneMinorUnit('RUB'))).toBe(true);
      }),
    );
  });

  it('half-up and half-even stay within half a minor unit', () => {
    fc.assert(
      fc.property(
        chargeAmount,
        fc.constantFrom<RoundingMode>('half-up', 'half-even'),
        (amount, roundingMode) => {
          const error = roundToMinor(amount, policy(roundingMode)).subtract(amount).abs();
          expect(error.isLessThanOrEqual(rub('0.005'))).toBe(true);
        },
      ),
    );
  });

  it('VK: every positive charge is at least one minor unit after rounding', () => {
    fc.assert(
      fc.property(chargeAmount, (amount) => {
        const rounded = roundChargeToMinor(amount, VK_ROUNDING_POLICY);
        if (amount.isPositive()) expect(rounded.isGreaterThanOrEqual(oneMinorUnit('RUB'))).toBe(true);
        else expect(rounded).toEqual(roundToMinor(amount, VK_ROUNDING_POLICY));
      }),
    );
  });

  it('allocateByWeights: parts sum to the amount and each is within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        minorAmount,
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 8 }),
        (amount, weights) => {
          fc.pre(weights.some((weight) => weight > 0));
          const parts = allocateByWeights(amount, weights);
          expect(Money.sum(parts, 'RUB')).toEqual(amount);
          const total = weights.reduce((sum, weight) => sum + weight, 0);
          parts.forEach((part, index) => {
            const exact = amount.amount.times(String(weights[index])).div(String(total));
            expect(part.amount.minus(exact).abs().lt('0.01')).toBe(true);
          });
        },
      ),
    );
  });
});
