import { Decimal } from '../../src/domain/shared/decimal.js';

/** Decimal strings in, decimal string out: read-model sums never pass through floats. */
export function addDecimals(...values: Array<string | null | undefined>): string {
  return values.reduce((sum, value) => sum.plus(value ?? '0'), new Decimal('0')).toFixed();
}

export function subtractDecimals(from: string, amount: string): string {
  return new Decimal(from).minus(amount).toFixed();
}

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
}
