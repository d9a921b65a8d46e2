import type Big from 'big.js';

import {
  Decimal,
  DecimalScaleError,
  fractionDigitsOf,
  normalizeZero,
  parseDecimal,
  roundDecimal,
  toPlainString,
  type RoundingMode,
} from './decimal.js';
import { DomainError, describeValue } from './errors.js';

/** Currency of an account, fixed by residency: RUB (ru-moscow), KZT (kz), USD (non-resident scheme). */
export type Currency = 'RUB' | 'KZT' | 'USD';

export const CURRENCIES: readonly Currency[] = ['RUB', 'KZT', 'USD'];

/** Digits of the minor unit that documents are issued in: kopeck, tiyn, cent. */
export const MINOR_UNIT_DIGITS: Readonly<Record<Currency, number>> = { RUB: 2, KZT: 2, USD: 2 };

/** Charges are recorded with up to 6 fractional digits (sub-minor-unit precision, e.g. per-second usage). */
export const CHARGE_FRACTION_DIGITS = 6;

/**
 * The most fractional digits a Money may hold, and accept from outside. Twice the charge precision,
 * so price (6 digits) × quantity (6 digits) is still exact.
 */
export const MAX_MONEY_FRACTION_DIGITS = 12;

/** Wire form of a Money: the amount as a plain decimal string, so no JSON consumer ever sees a float. */
export interface MoneyJson {
  readonly amount: string;
  readonly currency: Currency;
}

export class UnknownCurrencyError extends DomainError {
  override readonly name = 'UnknownCurrencyError';
  readonly code = 'CURRENCY_UNKNOWN';
  constructor(readonly value: unknown) {
    super(`currency: ${describeValue(value)} is not one of ${CURRENCIES.join(', ')}`);
  }
}

/** Two amounts in different currencies met in one operation: there is no implicit conversion. */
export class CurrencyMismatchError extends DomainError {
  override readonly name = 'CurrencyMismatchError';
  readonly code = 'CURRENCY_MISMATCH';
  constructor(
    readonly operation: string,
    readonly left: Currency,
    readonly right: Currency,
  ) {
    super(`${operation}: currency ${left} cannot be combined with ${right}`);
  }
}

/** An amount that a document needs in whole minor units still has sub-minor digits: round it first. */
export class AmountNotInMinorUnitsError extends DomainError {
  override readonly name = 'AmountNotInMinorUnitsError';
  readonly code = 'AMOUNT_NOT_IN_MINOR_UNITS';
  constructor(
    readonly field: string,
    readonly amount: string,
    readonly currency: Currency,
  ) {
    super(
      `${field}: ${amount} ${currency} has more than ${MINOR_UNIT_DIGITS[currency]} fractional digits; ` +
        `round it to minor units first`,
    );
  }
}

export function isCurrency(value: unknown): value is Currency {
  return CURRENCIES.includes(value as Currency);
}

export function assertCurrency(value: unknown): asserts value is Currency {
  if (!isCurrency(value)) throw new UnknownCurrencyError(value);
}

/**
 * An immutable amount of one currency. Arithmetic is exact decimal (big.js); there is no JS number
 * anywhere on the way in or out. Amounts may be negative (balances, corrections); the scale is at most
 * MAX_MONEY_FRACTION_DIGITS fractional digits.
 */
export class Money {
  private constructor(
    /** The exact amount. Treat it as read-only: big.js operations return new values. */
    readonly amount: Big,
    readonly currency: Currency,
  ) {
    Object.freeze(this);
  }

  /**
   * Parses a plain decimal string: `Money.of('12.345678', 'RUB')`. Rejects exponents, NaN, empty strings,
   * and more than 12 fractional digits (DECIMAL_FORMAT / DECIMAL_SCALE), and unknown currencies.
   */
  static of(amount: string, currency: Currency): Money {
    assertCurrency(currency);
    return new Money(parseDecimal(amount, 'amount', MAX_MONEY_FRACTION_DIGITS), currency);
  }

  /**
   * Wraps an already computed decimal (e.g. a rounded VAT amount). Same limits as Money.of: at most
   * 12 fractional digits (DECIMAL_SCALE), a known currency.
   */
  static fromDecimal(amount: Big, currency: Currency): Money {
    assertCurrency(currency);
    const exact = normalizeZero(new Decimal(amount));
    if (fractionDigitsOf(exact) > MAX_MONEY_FRACTION_DIGITS) {
      throw new DecimalScaleError('amount', toPlainString(exact), MAX_MONEY_FRACTION_DIGITS);
    }
    return new Money(exact, currency);
  }

  static zero(currency: Currency): Money {
    assertCurrency(currency);
    return new Money(new Decimal('0'), currency);
  }

  /** `count` minor units (kopecks, tiyn, cents) as Money: `Money.ofMinorUnits('1', 'RUB')` is 0.01 RUB. */
  static ofMinorUnits(count: string, currency: Currency): Money {
    assertCurrency(currency);
    const units = parseDecimal(count, 'minor units', 0);
    return new Money(normalizeZero(units.div(new Decimal('10').pow(MINOR_UNIT_DIGITS[currency]))), currency);
  }

  /** The inverse of toJSON(); validates like Money.of. */
  static fromJSON(json: MoneyJson): Money {
    return Money.of(json.amount, json.currency);
  }

  /** Sum of amounts in `currency`; an empty list sums to zero, which is why the currency is required. */
  static sum(amounts: Iterable<Money>, currency: Currency): Money {
    let total = Money.zero(currency);
    for (const amount of amounts) total = total.add(amount);
    return total;
  }

  static min(first: Money, ...rest: Money[]): Money {
    return rest.reduce((least, next) => (next.compare(least) < 0 ? next : least), first);
  }

  static max(first: Money, ...rest: Money[]): Money {
    return rest.reduce((most, next) => (next.compare(most) > 0 ? next : most), first);
  }

  get minorUnitDigits(): number {
    return MINOR_UNIT_DIGITS[this.currency];
  }

  /** Fractional digits actually used (trailing zeros ignored): 1.50 → 1. */
  get fractionDigits(): number {
    return fractionDigitsOf(this.amount);
  }

  /** True when the amount is a whole number of minor units, i.e. fit for a document. */
  get isInMinorUnits(): boolean {
    return this.fractionDigits <= this.minorUnitDigits;
  }

  add(other: Money): Money {
    this.assertSameCurrency('add', other);
    return new Money(normalizeZero(this.amount.plus(other.amount)), this.currency);
  }

  subtract(other: Money): Money {
    this.assertSameCurrency('subtract', other);
    return new Money(normalizeZero(this.amount.minus(other.amount)), this.currency);
  }

  negate(): Money {
    return new Money(normalizeZero(this.amount.neg()), this.currency);
  }

  abs(): Money {
    return new Money(this.amount.abs(), this.currency);
  }

  /**
   * this × quantity, where quantity is a plain decimal string (or a Decimal) such as '0.25' GB-hours.
   * The product is exact unless it has more than 12 fractional digits; only then it is rounded to 12 with
   * `mode` (half-up by default) — six orders of magnitude below the charge precision.
   */
  multiply(quantity: string | Big, mode: RoundingMode = 'half-up'): Money {
    const factor =
      typeof quantity === 'string'
        ? parseDecimal(quantity, 'quantity', MAX_MONEY_FRACTION_DIGITS)
        : new Decimal(quantity);
    const product = this.amount.times(factor);
    const bounded =
      fractionDigitsOf(product) > MAX_MONEY_FRACTION_DIGITS
        ? roundDecimal(product, MAX_MONEY_FRACTION_DIGITS, mode)
        : product;
    return new Money(normalizeZero(bounded), this.currency);
  }

  /** −1, 0 or 1; throws CurrencyMismatchError across currencies. */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency('compare', other);
    return this.amount.cmp(other.amount);
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.eq(other.amount);
  }

  isGreaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  isGreaterThanOrEqual(other: Money): boolean {
    return this.compare(other) >= 0;
  }

  isLessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  isLessThanOrEqual(other: Money): boolean {
    return this.compare(other) <= 0;
  }

  isZero(): boolean {
    return this.amount.c[0] === 0;
  }

  isNegative(): boolean {
    return !this.isZero() && this.amount.s < 0;
  }

  isPositive(): boolean {
    return !this.isZero() && this.amount.s > 0;
  }

  /** Plain decimal, no exponent, no padding: '0.000001', '-10.5', '122'. */
  toString(): string {
    return toPlainString(this.amount);
  }

  /**
   * The amount with exactly the currency's minor-unit digits, as printed on documents: '122.00'.
   * Throws AmountNotInMinorUnitsError instead of rounding silently.
   */
  toMinorUnitString(): string {
    if (!this.isInMinorUnits) throw new AmountNotInMinorUnitsError('amount', this.toString(), this.currency);
    return this.amount.toFixed(this.minorUnitDigits);
  }

  /**
   * `{ amount: '12.5', currency: 'RUB' }`. An object rather than a bare string so every persisted amount
   * carries its currency; Money.fromJSON reads it back.
   */
  toJSON(): MoneyJson {
    return { amount: this.toString(), currency: this.currency };
  }

  private assertSameCurrency(operation: string, other: Money): void {
    if (other.currency !== this.currency)
      throw new CurrencyMismatchError(operation, this.currency, other.currency);
  }
}

/** Throws AmountNotInMinorUnitsError unless `money` is a whole number of minor units. */
export function assertInMinorUnits(money: Money, field: string): void {
  if (!money.isInMinorUnits) throw new AmountNotInMinorUnitsError(field, money.toString(), money.currency);
}
