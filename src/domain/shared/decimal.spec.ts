import Big from 'big.js';

import {
  Decimal,
  DecimalFormatError,
  DecimalScaleError,
  UnknownRoundingModeError,
  divideRounded,
  fractionDigitsOf,
  parseDecimal,
  roundDecimal,
  toPlainString,
  type RoundingMode,
} from './decimal.js';

describe('Decimal', () => {
  it('is strict: JS numbers are refused', () => {
    expect(() => new Decimal(0.1)).toThrow();
    expect(() => new Decimal('1').plus(1)).toThrow();
  });

  it('does not share settings with the global Big', () => {
    expect(Decimal).not.toBe(Big);
    expect(() => new Big(0.5)).not.toThrow();
  });
});

describe('parseDecimal', () => {
  it('parses plain decimals and names the field in errors', () => {
    expect(toPlainString(parseDecimal('-12.50', 'price', 6))).toBe('-12.5');
    expect(() => parseDecimal('1e3', 'price', 6)).toThrow(new DecimalFormatError('price', '1e3'));
    expect(() => parseDecimal(undefined, 'price', 6)).toThrow(
      /^price: undefined is not a plain decimal string/,
    );
  });

  it('enforces the fractional-digit limit at its boundary', () => {
    expect(toPlainString(parseDecimal('0.123456', 'quantity', 6))).toBe('0.123456');
    expect(() => parseDecimal('0.1234567', 'quantity', 6)).toThrow(DecimalScaleError);
    // trailing zeros still count as written digits: the input is refused, not silently trimmed
    expect(() => parseDecimal('1.0000000', 'quantity', 6)).toThrow(DecimalScaleError);
    expect(() => parseDecimal('1.5', 'count', 0)).toThrow(DecimalScaleError);
  });
});

describe('rounding helpers', () => {
  it('fractionDigitsOf ignores trailing zeros', () => {
    expect(fractionDigitsOf(new Decimal('1.2300'))).toBe(2);
    expect(fractionDigitsOf(new Decimal('1200'))).toBe(0);
    expect(fractionDigitsOf(new Decimal('0'))).toBe(0);
  });

  it('toPlainString never prints exponents or -0', () => {
    expect(toPlainString(new Decimal('1e-30'))).toBe('0.000000000000000000000000000001');
    expect(toPlainString(new Decimal('-0'))).toBe('0');
    expect(toPlainString(roundDecimal(new Decimal('-0.001'), 2, 'half-up'))).toBe('0');
  });

  it('divideRounded recognises exact ties instead of truncating first', () => {
    expect(toPlainString(divideRounded(new Decimal('0.03'), new Decimal('6'), 2, 'half-up'))).toBe('0.01');
    expect(toPlainString(divideRounded(new Decimal('0.03'), new Decimal('6'), 2, 'half-even'))).toBe('0');
    // 0.0299…9 / 6 is just below the tie
    expect(toPlainString(divideRounded(new Decimal('0.029999999999'), new Decimal('6'), 2, 'half-up'))).toBe(
      '0',
    );
    expect(toPlainString(divideRounded(new Decimal('2'), new Decimal('3'), 0, 'down'))).toBe('0');
    expect(toPlainString(divideRounded(new Decimal('-2'), new Decimal('3'), 0, 'up'))).toBe('-1');
  });

  it('divideRounded rounds each division to its own precision and mode, whatever came before', () => {
    const third = () => divideRounded(new Decimal('2'), new Decimal('3'), 2, 'half-up');
    expect(toPlainString(third())).toBe('0.67');
    expect(toPlainString(divideRounded(new Decimal('2'), new Decimal('3'), 0, 'half-up'))).toBe('1');
    expect(toPlainString(divideRounded(new Decimal('2'), new Decimal('3'), 4, 'down'))).toBe('0.6666');
    expect(toPlainString(third())).toBe('0.67');
    expect(toPlainString(divideRounded(new Decimal('2'), new Decimal('3'), 2, 'down'))).toBe('0.66');
    expect(toPlainString(third())).toBe('0.67');
  });

  it('rejects unknown rounding modes', () => {
    expect(() => roundDecimal(new Decimal('1'), 2, 'ceiling' as RoundingMode)).toThrow(
      UnknownRoundingModeError,
    );
    expect(() => divideRounded(new Decimal('1'), new Decimal('3'), 2, 'floor' as RoundingMode)).toThrow(
      expect.objectContaining({ code: 'ROUNDING_MODE_UNKNOWN' }) as Error,
    );
  });
});

describe('error messages', () => {
  it('describe any rejected value, even ones JSON cannot print', () => {
    expect(() => parseDecimal(10n, 'amount', 2)).toThrow('amount: 10 is not a plain decimal string');
    expect(() => parseDecimal(null, 'amount', 2)).toThrow('amount: null is not a plain decimal string');
  });
});
