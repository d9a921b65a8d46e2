import * as shared from './index.js';

describe('public API', () => {
  it('re-exports every module', () => {
    for (const name of [
      'DomainError',
      'parseDecimal',
      'Money',
      'CurrencyMismatchError',
      'roundToMinor',
      'roundCharge',
      'VK_ROUNDING_POLICY',
      'vatRateOn',
      'vatForLines',
      'vatForPeriodLines',
      'validateInn',
      'validateKpp',
      'validateBinIin',
      'periodOf',
      'nextPeriod',
      'localDate',
      'addCalendarDays',
      'daysBetween',
      'penaltyForDay',
      'accruedPenalty',
      'allocateCharge',
    ]) {
      expect(shared).toHaveProperty(name);
    }
  });

  it('every error is a DomainError with a code', () => {
    const error = new shared.CurrencyMismatchError('add', 'RUB', 'USD');
    expect(error).toBeInstanceOf(shared.DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('CURRENCY_MISMATCH');
    expect(error.name).toBe('CurrencyMismatchError');
  });
});
