import { DomainError, describeValue } from './errors.js';

/** Payer types of an account (rules §1); sole proprietors hold a personal (12-digit) INN. */
export type TaxPayerType = 'individual' | 'legal-entity' | 'sole-proprietor';

export type TaxIdErrorCode =
  | 'INN_FORMAT'
  | 'INN_LENGTH'
  | 'INN_LENGTH_FOR_PAYER_TYPE'
  | 'INN_REGION'
  | 'INN_CHECKSUM'
  | 'KPP_FORMAT'
  | 'BIN_FORMAT'
  | 'BIN_LENGTH'
  | 'BIN_KIND'
  | 'BIN_DATE'
  | 'BIN_CHECKSUM';

/** Outcome of a check: the value and what it identifies, or a stable reason code and a message. */
export type TaxIdCheck<Kind extends string> =
  | { readonly valid: true; readonly value: string; readonly kind: Kind }
  | { readonly valid: false; readonly code: TaxIdErrorCode; readonly message: string };

/** Russian INN: 10 digits for organisations, 12 for individuals and sole proprietors. */
export type InnKind = 'legal-entity' | 'individual';

/** Kazakhstan: BIN for legal entities, IIN for individuals (including sole proprietors). */
export type KzTaxIdKind = 'BIN' | 'IIN';

/** Thrown by the assert* helpers; carries the same code as the failed check. */
export class TaxIdValidationError extends DomainError {
  override readonly name = 'TaxIdValidationError';
  constructor(
    readonly code: TaxIdErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const INN_10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN_11_WEIGHTS = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN_12_WEIGHTS = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/**
 * Validates a Russian INN (taxpayer number): digits only; 10 digits (legal entity) or 12 (individual,
 * sole proprietor) — and the length the payer type requires when one is given; region code not '00';
 * check digit(s): weighted sum mod 11, mod 10 (the 12-digit form has two check digits).
 */
export function validateInn(value: string, options: { payerType?: TaxPayerType } = {}): TaxIdCheck<InnKind> {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    return invalid('INN_FORMAT', `INN: ${describeValue(value)} must consist of digits only`);
  }
  if (value.length !== 10 && value.length !== 12) {
    return invalid('INN_LENGTH', `INN: '${value}' has ${value.length} digits; an INN has 10 or 12`);
  }
  const kind: InnKind = value.length === 10 ? 'legal-entity' : 'individual';
  if (options.payerType !== undefined) {
    const expected = options.payerType === 'legal-entity' ? 10 : 12;
    if (value.length !== expected) {
      return invalid(
        'INN_LENGTH_FOR_PAYER_TYPE',
        `INN: '${value}' has ${value.length} digits; a ${options.payerType} has a ${expected}-digit INN`,
      );
    }
  }
  if (value.startsWith('00')) {
    return invalid('INN_REGION', `INN: '${value}' starts with region code 00, which does not exist`);
  }
  const digits = toDigits(value);
  const checksOut =
    kind === 'legal-entity'
      ? innCheckDigit(digits, INN_10_WEIGHTS) === digits[9]
      : innCheckDigit(digits, INN_11_WEIGHTS) === digits[10] &&
        innCheckDigit(digits, INN_12_WEIGHTS) === digits[11];
  if (!checksOut) return invalid('INN_CHECKSUM', `INN: '${value}' fails the check-digit test`);
  return { valid: true, value, kind };
}

/**
 * Validates a Russian KPP (tax registration reason code): 9 characters — 4 digits (tax office), 2 digits
 * or capital Latin letters (reason), 3 digits (serial). There is no check digit.
 */
export function validateKpp(value: string): TaxIdCheck<'KPP'> {
  if (typeof value !== 'string' || !/^\d{4}[\dA-Z]{2}\d{3}$/.test(value)) {
    return invalid(
      'KPP_FORMAT',
      `KPP: ${describeValue(value)} must be 9 characters: 4 digits, 2 digits or capital letters A–Z, 3 digits`,
    );
  }
  return { valid: true, value, kind: 'KPP' };
}

const KZ_FIRST_PASS_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const KZ_SECOND_PASS_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/**
 * Validates a Kazakhstan BIN or IIN (12 digits). Structure: IIN = YYMMDD of birth + century/sex digit …;
 * BIN = YYMM of registration + entity type (4 resident, 5 non-resident, 6 sole-proprietor partnership) …;
 * so the 5th digit (0–3 vs 4–6) tells them apart. Check digit: Σ dᵢ·i mod 11 over the first 11 digits;
 * if that is 10, a second pass with weights 3…11,1,2; a second 10 means the number is never issued.
 */
export function validateBinIin(
  value: string,
  options: { expected?: KzTaxIdKind } = {},
): TaxIdCheck<KzTaxIdKind> {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    return invalid('BIN_FORMAT', `BIN/IIN: ${describeValue(value)} must consist of digits only`);
  }
  if (value.length !== 12) {
    return invalid('BIN_LENGTH', `BIN/IIN: '${value}' has ${value.length} digits; a BIN/IIN has 12`);
  }
  const digits = toDigits(value);
  const typeDigit = digits[4]!;
  if (typeDigit > 6) {
    return invalid(
      'BIN_FORMAT',
      `BIN/IIN: '${value}' has ${typeDigit} as 5th digit: neither an IIN (day of birth, 0–3) nor a BIN (entity type, 4–6)`,
    );
  }
  const kind: KzTaxIdKind = typeDigit >= 4 ? 'BIN' : 'IIN';
  if (options.expected !== undefined && kind !== options.expected) {
    return invalid('BIN_KIND', `BIN/IIN: '${value}' is an ${kind}, an ${options.expected} was expected`);
  }
  const month = digits[2]! * 10 + digits[3]!;
  const day = digits[4]! * 10 + digits[5]!;
  if (month < 1 || month > 12 || (kind === 'IIN' && (day < 1 || day > 31))) {
    return invalid(
      'BIN_DATE',
      `BIN/IIN: '${value}' does not start with a valid ${kind === 'IIN' ? 'YYMMDD' : 'YYMM'}`,
    );
  }
  let check = weightedSum(digits, KZ_FIRST_PASS_WEIGHTS) % 11;
  if (check === 10) check = weightedSum(digits, KZ_SECOND_PASS_WEIGHTS) % 11;
  if (check === 10 || check !== digits[11]) {
    return invalid('BIN_CHECKSUM', `BIN/IIN: '${value}' fails the check-digit test`);
  }
  return { valid: true, value, kind };
}

export function assertValidInn(value: string, options: { payerType?: TaxPayerType } = {}): InnKind {
  return unwrap(validateInn(value, options));
}

export function assertValidKpp(value: string): void {
  unwrap(validateKpp(value));
}

export function assertValidBinIin(value: string, options: { expected?: KzTaxIdKind } = {}): KzTaxIdKind {
  return unwrap(validateBinIin(value, options));
}

function innCheckDigit(digits: readonly number[], weights: readonly number[]): number {
  return (weightedSum(digits, weights) % 11) % 10;
}

function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  return weights.reduce((sum, weight, index) => sum + weight * digits[index]!, 0);
}

function toDigits(value: string): number[] {
  return [...value].map((char) => char.charCodeAt(0) - 48);
}

function invalid(
  code: TaxIdErrorCode,
  message: string,
): { valid: false; code: TaxIdErrorCode; message: string } {
  return { valid: false, code, message };
}

function unwrap<Kind extends string>(check: TaxIdCheck<Kind>): Kind {
  if (!check.valid) throw new TaxIdValidationError(check.code, check.message);
  return check.kind;
}
