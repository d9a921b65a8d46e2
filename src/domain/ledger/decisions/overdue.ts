import Big from 'big.js';
import { localDate } from '../../shared/reporting-period.js';
import type { LedgerState } from '../ledger-state.js';

/** Bills whose due date has passed by the local day of `at` and that are not fully paid. */
export function overdueBills(state: LedgerState, at: string, timeZone: string) {
  const today = localDate(at, timeZone);
  return [...state.openBills.values()].filter(
    (bill) => bill.dueDate < today && new Big(bill.amount).gt(bill.paid),
  );
}

/**
 * What the account owes that is late: the unpaid part of overdue bills, or the negative balance. Penalties
 * already charged are not part of it, so penalties never accrue on penalties and the cap stays a share of
 * the principal.
 */
export function overdueDebt(state: LedgerState, at: string, timeZone: string): Big {
  const bills = overdueBills(state, at, timeZone).reduce(
    (sum, b) => sum.plus(b.amount).minus(b.paid),
    new Big(0),
  );
  const principal = state.balance.plus(state.suspension?.penaltiesAccrued ?? '0');
  const negativeBalance = principal.lt('0') ? principal.neg() : new Big(0);
  return state.creditLimit.gt('0') ? bills : bills.gt(negativeBalance) ? bills : negativeBalance;
}
