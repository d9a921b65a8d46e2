import fc from 'fast-check';

import {
  TaxIdValidationError,
  assertValidBinIin,
  assertValidInn,
  assertValidKpp,
  validateBinIin,
  validateInn,
  validateKpp,
} from './tax-ids.js';

/** Flips the last digit, which breaks the checksum whatever it was. */
const breakLastDigit = (value: string) => value.slice(0, -1) + String((Number(value.at(-1)) + 1) % 10);

describe('Russian INN', () => {
  it.each([
    ['7707083893', 'legal-entity'], // Sberbank
    ['7736207543', 'legal-entity'], // Yandex LLC
    ['7707049388', 'legal-entity'], // Rostelecom
    ['500100732259', 'individual'],
  ])('%s is a valid %s INN', (inn, kind) => {
    expect(validateInn(inn)).toEqual({ valid: true, value: inn, kind });
  });

  it.each(['7707083894', '7707083890', '500100732258', '500100732249', '500100732269'])(
    '%s fails the checksum',
    (inn) => {
      const check = validateInn(inn);
      expect(check).toMatchObject({ valid: false, code: 'INN_CHECKSUM' });
      expect(check.valid || check.message).toMatch(/^INN: /);
    },
  );

  it('12-digit INNs check both check digits', () => {
    // 11th digit right, 12th wrong and vice versa
    expect(validateInn('500100732258')).toMatchObject({ code: 'INN_CHECKSUM' });
    expect(validateInn('500100732239')).toMatchObject({ code: 'INN_CHECKSUM' });
  });

  it.each(['770708389', '77070838931', '5001007322591', ''])('%j has the wrong length', (inn) => {
    expect(validateInn(inn)).toMatchObject({ valid: false, code: inn === '' ? 'INN_FORMAT' : 'INN_LENGTH' });
  });

  it.each(['77070838 3', '770708389a', ' 7707083893', '７７０７０８３８９３', '-707083893'])(
    '%j is not digits only',
    (inn) => {
      expect(validateInn(inn)).toMatchObject({ valid: false, code: 'INN_FORMAT' });
    },
  );

  it('the length must match the payer type: 10 for legal entities, 12 for individuals and sole proprietors', () => {
    expect(validateInn('7707083893', { payerType: 'legal-entity' }).valid).toBe(true);
    expect(validateInn('500100732259', { payerType: 'individual' }).valid).toBe(true);
    expect(validateInn('500100732259', { payerType: 'sole-proprietor' }).valid).toBe(true);
    expect(validateInn('500100732259', { payerType: 'legal-entity' })).toMatchObject({
      code: 'INN_LENGTH_FOR_PAYER_TYPE',
    });
    expect(validateInn('7707083893', { payerType: 'sole-proprietor' })).toMatchObject({
      code: 'INN_LENGTH_FOR_PAYER_TYPE',
    });
    expect(validateInn('7707083893', { payerType: 'individual' })).toMatchObject({
      code: 'INN_LENGTH_FOR_PAYER_TYPE',
    });
  });

  it('rejects region code 00 (an all-zero INN would otherwise pass the checksum)', () => {
    expect(validateInn('0000000000')).toMatchObject({ code: 'INN_REGION' });
    expect(validateInn('000000000000')).toMatchObject({ code: 'INN_REGION' });
  });

  it('assertValidInn throws a typed error with the same code', () => {
    expect(assertValidInn('7707083893')).toBe('legal-entity');
    expect(() => assertValidInn('7707083894')).toThrow(TaxIdValidationError);
    try {
      assertValidInn('123');
    } catch (error) {
      expect((error as TaxIdValidationError).code).toBe('INN_LENGTH');
    }
  });

  it('property: changing any single digit of 7707083893 is caught', () => {
    // Every weight is non-zero mod 11, so one changed digit moves the weighted sum mod 11 away from 3;
    // the only collision of the final "mod 10" (10 → 0) cannot produce 3.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const digits = [...'7707083893'];
        digits[position] = String((Number(digits[position]) + delta) % 10);
        expect(validateInn(digits.join(''))).toMatchObject({ valid: false, code: 'INN_CHECKSUM' });
      }),
    );
  });

  it('property: a broken last digit is always caught', () => {
    for (const inn of ['7707083893', '7736207543', '500100732259']) {
      expect(validateInn(breakLastDigit(inn))).toMatchObject({ valid: false, code: 'INN_CHECKSUM' });
    }
  });
});

describe('Russian KPP', () => {
  it.each(['773601001', '7736AB001', '77360Z001', '770701001'])('%s is well-formed', (kpp) => {
    expect(validateKpp(kpp)).toEqual({ valid: true, value: kpp, kind: 'KPP' });
  });

  it.each(['77360100', '7736010011', '7736ab001', 'A73601001', '7736010A1', '7736 1001', '', '7736Я1001'])(
    '%j is malformed',
    (kpp) => {
      expect(validateKpp(kpp)).toMatchObject({ valid: false, code: 'KPP_FORMAT' });
    },
  );

  it('assertValidKpp throws KPP_FORMAT', () => {
    expect(() => assertValidKpp('773601001')).not.toThrow();
    expect(() => assertValidKpp('77360100')).toThrow(
      expect.objectContaining({ code: 'KPP_FORMAT' }) as Error,
    );
  });
});

describe('Kazakhstan BIN / IIN', () => {
  it.each([
    ['940140000385', 'BIN'], // Halyk Bank
    ['971240001315', 'BIN'], // Kaspi Bank
    ['000740001307', 'BIN'], // check digit needs the second pass
    ['850412300704', 'IIN'], // synthetic IIN (born 1985-04-12) whose check digit needs the second pass
  ])('%s is a valid %s', (value, kind) => {
    expect(validateBinIin(value)).toEqual({ valid: true, value, kind });
  });

  it.each(['940140000386', '971240001314', '000740001300', '850412300705'])(
    '%s fails the checksum',
    (value) => {
      expect(validateBinIin(value)).toMatchObject({ valid: false, code: 'BIN_CHECKSUM' });
    },
  );

  it('a number whose second pass is also 10 is never valid, whatever its last digit', () => {
    for (let last = 0; last <= 9; last++) {
      expect(validateBinIin(`85041230073${last}`)).toMatchObject({ valid: false, code: 'BIN_CHECKSUM' });
    }
  });

  it('rejects wrong lengths and non-digits', () => {
    expect(validateBinIin('94014000038')).toMatchObject({ code: 'BIN_LENGTH' });
    expect(validateBinIin('9401400003850')).toMatchObject({ code: 'BIN_LENGTH' });
    expect(validateBinIin('94014000038X')).toMatchObject({ code: 'BIN_FORMAT' });
    expect(validateBinIin('')).toMatchObject({ code: 'BIN_FORMAT' });
  });

  it('tells BIN from IIN by the 5th digit and checks the expected kind', () => {
    expect(validateBinIin('940140000385', { expected: 'BIN' }).valid).toBe(true);
    expect(validateBinIin('940140000385', { expected: 'IIN' })).toMatchObject({ code: 'BIN_KIND' });
    expect(validateBinIin('850412300704', { expected: 'BIN' })).toMatchObject({ code: 'BIN_KIND' });
    expect(validateBinIin('940170000385')).toMatchObject({ code: 'BIN_FORMAT' }); // 5th digit 7
  });

  it('checks the date prefix', () => {
    expect(validateBinIin('941340000385')).toMatchObject({ code: 'BIN_DATE' }); // month 13
    expect(validateBinIin('850400300704')).toMatchObject({ code: 'BIN_DATE' }); // day 00
    expect(validateBinIin('000000000000')).toMatchObject({ code: 'BIN_DATE' });
  });

  it('assertValidBinIin returns the kind or throws', () => {
    expect(assertValidBinIin('971240001315')).toBe('BIN');
    expect(() => assertValidBinIin('971240001314')).toThrow(TaxIdValidationError);
  });
});
