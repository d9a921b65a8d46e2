import { Money, type Currency } from '../../shared/money.js';
import { penaltyDayToBook } from '../../shared/penalties.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { overdueBills, overdueDebt } from './overdue.js';

/**
 * One day's late-payment penalty on the overdue debt, once per day, up to the profile's cap; from the
 * suspension or from the first overdue bill, as the profile's policy says. A day books the difference of
 * the rounded running totals (it may book 0 and still count), so the booked days add up to the exact total.
 */
export function decideAccruePenalty(
  command: LedgerCommandOf<'AccruePenalty'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { profile, timeZone } = context;
  const policy = profile.penalties;
  if (policy.model === 'none') return nothingToDo();
  if (state.suspension?.lastPenaltyDay !== undefined && state.suspension.lastPenaltyDay >= command.day)
    return nothingToDo();
  const accruing =
    policy.startsAt === 'suspension'
      ? state.status === 'suspended'
      : overdueBills(state, command.at, timeZone).length > 0;
  if (!accruing) return nothingToDo();
  const currency = state.currency as Currency;
  const debt = Money.fromDecimal(overdueDebt(state, command.at, timeZone), currency);
  if (!debt.isPositive()) return nothingToDo();
  const booked = Money.of(state.suspension?.penaltiesAccrued ?? '0', currency);
  const exact = Money.of(state.suspension?.penaltiesExact ?? booked.toString(), currency);
  // Booked as the difference of the rounded running totals: the days add up to the exact total rounded once.
  const accrual = penaltyDayToBook(debt, { exact, booked }, policy, profile.rounding);
  if (!accrual.exactTotal.isGreaterThan(exact)) return nothingToDo();
  const amount = accrual.amount;
  const balanceAfter = state.balance.minus(amount.amount);
  return accept([
    {
      type: 'PenaltyAccrued',
      data: {
        day: command.day,
        at: command.at,
        debt: debt.toString(),
        amount: amount.toString(),
        totalAccrued: accrual.bookedTotal.toString(),
        exactTotal: accrual.exactTotal.toString(),
        capReached: accrual.capReached,
        balanceAfter: balanceAfter.toFixed(),
      },
    },
  ]);
}
