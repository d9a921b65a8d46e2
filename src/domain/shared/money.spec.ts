import fc from 'fast-check';

import { Decimal, DecimalFormatError, DecimalScaleError } from './decimal.js';
import { DomainError } from './errors.js';
import {
  AmountNotInMinorUnitsError,
  CHARGE_FRACTION_DIGITS,
  CurrencyMismatchError,
  MAX_MONEY_FRACTION_DIGITS,
  MINOR_UNIT_DIGITS,
  Money,
  UnknownCurrencyError,
  type Currency,
} from './money.js';

const rub = (amount: string) => Money.of(amount, 'RUB');

/** Plain decimal strings with up to 12 fractional digits, built from integers (never from floats). */
const decimalString = fc
  .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => {
    const sign = units < 0n ? '-' : '';
    const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
    return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  });

describe('Money.of', () => {
  it.each([
    ['12.345678', '12.345678'],
    ['0.000001', '0.000001'],
    ['-10.5', '-10.5'],
    ['-10.50', '-10.5'],
    ['100', '100'],
    ['0', '0'],
    ['-0', '0'],
    ['0.000000000001', '0.000000000001'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
  ])('parses %s as %s', (input, printed) => {
    expect(rub(input).toString()).toBe(printed);
  });

  it.each([
    '',
    ' ',
    '1e5',
    '1E-7',
    'NaN',
    'Infinity',
    '-Infinity',
    '.5',
    '5.',
    '+1',
    ' 1',
    '1 ',
    '1,5',
    '0x10',
    '--1',
    '1.2.3',
  ])('rejects %j with DECIMAL_FORMAT naming the field', (input) => {
    const attempt = () => rub(input);
    expect(attempt).toThrow(DecimalFormatError);
    expect(attempt).toThrow(/^amount: /);
  });

  it('rejects non-strings (a JS number is never money)', () => {
    expect(() => Money.of(1.5 as unknown as string, 'RUB')).toThrow(DecimalFormatError);
  });

  it('accepts exactly 12 fractional digits and rejects 13 with DECIMAL_SCALE', () => {
    expect(rub('1.123456789012').toString()).toBe('1.123456789012');
    const attempt = () => rub('1.1234567890123');
    expect(attempt).toThrow(DecimalScaleError);
    expect(attempt).toThrow(/more than 12 fractional digits/);
    expect(MAX_MONEY_FRACTION_DIGITS).toBe(12);
  });

  it('rejects unknown currencies', () => {
    expect(() => Money.of('1', 'EUR' as Currency)).toThrow(UnknownCurrencyError);
  });

  it('errors carry a stable code', () => {
    const errors = [
      () => rub('x'),
      () => rub('1.0000000000001'),
      () => Money.of('1', 'EUR' as Currency),
      () => rub('1').add(Money.of('1', 'USD')),
      () => rub('0.001').toMinorUnitString(),
    ].map((attempt) => {
      try {
        attempt();
      } catch (error) {
        return error;
      }
      return undefined;
    });
    expect(errors.every((error) => error instanceof DomainError)).toBe(true);
    expect(errors.map((error) => (error as DomainError).code)).toEqual([
      'DECIMAL_FORMAT',
      'DECIMAL_SCALE',
      'CURRENCY_UNKNOWN',
      'CURRENCY_MISMATCH',
      'AMOUNT_NOT_IN_MINOR_UNITS',
    ]);
  });
});

describe('minor units and precision', () => {
  it('every currency has 2-digit minor units (kopeck, tiyn, cent); charges carry 6 digits', () => {
    expect(MINOR_UNIT_DIGITS).toEqual({ RUB: 2, KZT: 2, USD: 2 });
    expect(CHARGE_FRACTION_DIGITS).toBe(6);
  });

  it('ofMinorUnits counts kopecks', () => {
    expect(Money.ofMinorUnits('1', 'RUB').toString()).toBe('0.01');
    expect(Money.ofMinorUnits('12200', 'KZT').toString()).toBe('122');
    expect(() => Money.ofMinorUnits('1.5', 'RUB')).toThrow(DecimalScaleError);
  });

  it('isInMinorUnits and toMinorUnitString', () => {
    expect(rub('122').toMinorUnitString()).toBe('122.00');
    expect(rub('-0.5').toMinorUnitString()).toBe('-0.50');
    expect(rub('0.01').isInMinorUnits).toBe(true);
    expect(rub('0.001').isInMinorUnits).toBe(false);
    expect(() => rub('0.001').toMinorUnitString()).toThrow(AmountNotInMinorUnitsError);
  });

  it('fractionDigits ignores trailing zeros', () => {
    expect(rub('1.500').fractionDigits).toBe(1);
    expect(rub('100').fractionDigits).toBe(0);
  });
});

describe('arithmetic', () => {
  it('adds and subtracts exactly (0.1 + 0.2 = 0.3)', () => {
    expect(rub('0.1').add(rub('0.2')).toString()).toBe('0.3');
    expect(rub('0.000001').subtract(rub('0.000002')).toString()).toBe('-0.000001');
  });

  it('negates, with a single zero', () => {
    expect(rub('10.5').negate().toString()).toBe('-10.5');
    expect(rub('0').negate().toString()).toBe('0');
    expect(rub('0').negate().isNegative()).toBe(false);
    expect(rub('-3').abs().toString()).toBe('3');
  });

  it('multiplies by a decimal quantity exactly', () => {
    expect(rub('1.234567').multiply('0.5').toString()).toBe('0.6172835');
    expect(rub('0.000001').multiply('0.000001').toString()).toBe('0.000000000001');
    expect(rub('10').multiply(new Decimal('3')).toString()).toBe('30');
  });

  it('rounds a product beyond 12 fractional digits at the 12th, half-up by default', () => {
    expect(rub('0.0000005').multiply('0.000001').toString()).toBe('0.000000000001');
    expect(rub('0.0000005').multiply('0.000001', 'half-even').toString()).toBe('0');
    expect(rub('0.0000005').multiply('0.000001', 'down').toString()).toBe('0');
  });

  it('rejects a malformed quantity', () => {
    expect(() => rub('1').multiply('1e3')).toThrow(/^quantity: /);
  });

  it('throws CurrencyMismatchError on mixed currencies, naming the operation', () => {
    const kzt = Money.of('1', 'KZT');
    expect(() => rub('1').add(kzt)).toThrow(CurrencyMismatchError);
    expect(() => rub('1').subtract(kzt)).toThrow('subtract: currency RUB cannot be combined with KZT');
    expect(() => rub('1').compare(kzt)).toThrow(CurrencyMismatchError);
    expect(() => Money.min(rub('1'), kzt)).toThrow(CurrencyMismatchError);
    expect(rub('1').equals(kzt)).toBe(false);
  });

  it('sum of nothing is zero in the given currency', () => {
    expect(Money.sum([], 'USD').toJSON()).toEqual({ amount: '0', currency: 'USD' });
    expect(Money.sum([rub('1.5'), rub('2.25')], 'RUB').toString()).toBe('3.75');
  });
});

describe('comparison', () => {
  it('compares and classifies', () => {
    expect(rub('1').compare(rub('1.00'))).toBe(0);
    expect(rub('1').compare(rub('2'))).toBe(-1);
    expect(rub('2').isGreaterThan(rub('1'))).toBe(true);
    expect(rub('2').isGreaterThanOrEqual(rub('2'))).toBe(true);
    expect(rub('1').isLessThan(rub('2'))).toBe(true);
    expect(rub('2').isLessThanOrEqual(rub('2'))).toBe(true);
    expect(rub('-0.000001').isNegative()).toBe(true);
    expect(rub('0').isNegative()).toBe(false);
    expect(rub('0').isPositive()).toBe(false);
    expect(rub('0.000001').isPositive()).toBe(true);
    expect(rub('0.0').isZero()).toBe(true);
    expect(rub('0.000001').isZero()).toBe(false);
  });

  it('min and max', () => {
    expect(Money.min(rub('3'), rub('-1'), rub('2')).toString()).toBe('-1');
    expect(Money.max(rub('3'), rub('-1'), rub('4')).toString()).toBe('4');
  });

  it('equal values are toEqual regardless of how they were written', () => {
    expect(rub('1.50')).toEqual(rub('1.5'));
    expect(rub('-0')).toEqual(rub('0'));
    expect(rub('1')).not.toEqual(rub('2'));
  });
});

describe('immutability and serialisation', () => {
  it('is frozen', () => {
    const money = rub('1');
    expect(Object.isFrozen(money)).toBe(true);
    expect(() => {
      (money as { currency: Currency }).currency = 'USD';
    }).toThrow(TypeError);
  });

  it('operations return new values', () => {
    const money = rub('1');
    money.add(rub('1'));
    money.negate();
    expect(money.toString()).toBe('1');
  });

  it('toJSON is { amount: string, currency } and round-trips through fromJSON', () => {
    expect(JSON.stringify({ price: rub('0.000001') })).toBe(
      '{"price":{"amount":"0.000001","currency":"RUB"}}',
    );
    expect(Money.fromJSON({ amount: '-10.5', currency: 'KZT' })).toEqual(Money.of('-10.5', 'KZT'));
  });

  it('toString never uses exponent notation', () => {
    expect(rub('0.0000001').toString()).toBe('0.0000001');
    expect(rub('100000000000000000000000').toString()).toBe('100000000000000000000000');
  });

  it('fromDecimal enforces the 12-digit scale', () => {
    expect(Money.fromDecimal(new Decimal('1.5'), 'RUB').toString()).toBe('1.5');
    expect(() => Money.fromDecimal(new Decimal('0.0000000000001'), 'RUB')).toThrow(DecimalScaleError);
  });
});

describe('properties', () => {
  it('toString/of round-trips every accepted amount', () => {
    fc.assert(
      fc.property(decimalString, (text) => {
        const money = rub(text);
        expect(rub(money.toString())).toEqual(money);
        expect(money.toString()).not.toMatch(/e/i);
      }),
    );
  });

  it('add is commutative and associative; subtract undoes add; negate is an involution', () => {
    fc.assert(
      fc.property(decimalString, decimalString, decimalString, (a, b, c) => {
        const [x, y, z] = [rub(a), rub(b), rub(c)];
        expect(x.add(y)).toEqual(y.add(x));
        expect(x.add(y).add(z)).toEqual(x.add(y.add(z)));
        expect(x.add(y).subtract(y)).toEqual(x);
        expect(x.negate().negate()).toEqual(x);
        expect(x.add(x.negate()).isZero()).toBe(true);
      }),
    );
  });

  it('compare is consistent with subtraction', () => {
    fc.assert(
      fc.property(decimalString, decimalString, (a, b) => {
        const difference = rub(a).subtract(rub(b));
        const expected = difference.isZero() ? 0 : difference.isNegative() ? -1 : 1;
        expect(rub(a).compare(rub(b))).toBe(expected);
      }),
    );
  });
});
