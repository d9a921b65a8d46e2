import { Money, type Currency } from '../../shared/money.js';
import { accruedPenalty } from '../../shared/penalties.js';
import { roundToMinor } from '../../shared/rounding.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { accept, nothingToDo, type Decision } from './decision.js';
import { overdueBills, overdueDebt } from './overdue.js';

/**
 * One day's late-payment penalty on the overdue debt, once per day, up to the profile's cap; from the
 * suspension or from the first overdue bill, as the profile's policy says.
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
  const already = Money.of(state.suspension?.penaltiesAccrued ?? '0', currency);
  const accrual = accruedPenalty(debt, 1, already, policy);
  const amount = roundToMinor(accrual.accrued, profile.rounding);
  if (!amount.isPositive()) return nothingToDo();
  const balanceAfter = state.balance.minus(amount.amount);
  return accept([
    {
      type: 'PenaltyAccrued',
      data: {
        day: command.day,
        at: command.at,
        debt: debt.toString(),
        amount: amount.toString(),
        totalAccrued: already.add(amount).toString(),
        capReached: accrual.capReached,
        balanceAfter: balanceAfter.toFixed(),
      },
    },
  ]);
}
