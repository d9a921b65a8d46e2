import { IN_MARCH, ledger, periodOpened } from '../ledger.fixtures.js';

const CREDIT = 'yc-legal-credit';
const setLimit = (creditLimit: string) => ({ type: 'SetCreditLimit' as const, creditLimit, at: IN_MARCH });

describe('SetCreditLimit', () => {
  it('sets a credit limit where the profile allows one, zero included', () => {
    const account = ledger(CREDIT).given([periodOpened({ creditLimit: '100' }, CREDIT)]);
    account
      .when(setLimit('2500.50'))
      .then([{ type: 'CreditLimitSet', data: { creditLimit: '2500.5', at: IN_MARCH } }]);
    account.when(setLimit('0')).then([{ type: 'CreditLimitSet', data: { creditLimit: '0', at: IN_MARCH } }]);
  });

  it('stores nothing for the limit already set, however it is written', () => {
    ledger(CREDIT)
      .given([periodOpened({ creditLimit: '100' }, CREDIT)])
      .when(setLimit('100.00'))
      .thenNothing();
  });

  it('refuses a negative or malformed limit, naming the field', () => {
    const account = ledger(CREDIT).given([periodOpened({}, CREDIT)]);
    account.when(setLimit('-0.01')).rejects('AMOUNT_NEGATIVE', 'creditLimit');
    account.when(setLimit('1e3')).rejects('INVALID_AMOUNT', 'creditLimit');
  });

  it('refuses any limit on a profile without credit', () => {
    ledger('vk-individual-prepaid')
      .given([periodOpened()])
      .when(setLimit('0'))
      .rejects('CREDIT_LIMIT_NOT_ALLOWED', {
        field: 'creditLimit',
        message: 'Profile vk-individual-prepaid does not allow a credit limit',
      });
  });
});
