import Big from 'big.js';
import { parseDecimal } from '../../shared/decimal.js';
import { DomainError } from '../../shared/errors.js';
import { reject, type Rejection } from './decision.js';

/** Amounts in commands: plain decimal strings with at most 6 fractional digits (charge precision). */
export function decimalField(value: string, field: string): Big | Rejection {
  try {
    return parseDecimal(value, field, 6);
  } catch (error) {
    if (error instanceof DomainError) return reject('INVALID_AMOUNT', error.message, field);
    throw error;
  }
}

/** An amount of money paid or granted: a decimal field greater than 0. */
export function amountField(value: string, field: string): Big | Rejection {
  const parsed = decimalField(value, field);
  if (!(parsed instanceof Big)) return parsed;
  if (parsed.lte('0')) return reject('AMOUNT_NOT_POSITIVE', `${field} must be greater than 0`, field);
  return parsed;
}
