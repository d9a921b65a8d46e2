import Big from 'big.js';
import { commitmentsOfPeriod } from '../../pricing/account-pricing.js';
import { drawFunding } from '../funding.js';
import type { LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';

/**
 * At the close, for each commitment whose term includes the period: when what its covered usage was charged
 * (at the discounted rate) is below the commitment, the shortfall is charged to the balance. A commitment
 * starts at a period start and runs whole periods, so no period is partial and nothing is prorated.
 */
export function commitmentShortfalls(state: LedgerState, context: LedgerContext): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  let balance = state.balance;
  let funding = state.funding;
  for (const commitment of commitmentsOfPeriod(context.accountPricing, state.periodId)) {
    if (commitment.currency !== state.currency) continue;
    const used = state.committedSpend?.get(commitment.commitmentId) ?? new Big(0);
    const shortfall = new Big(commitment.amount).minus(used);
    if (shortfall.lte(0)) continue;
    const drawn = drawFunding(funding, shortfall);
    funding = drawn.rest;
    balance = balance.minus(shortfall);
    events.push({
      type: 'CommitmentShortfallCharged',
      data: {
        commitmentId: commitment.commitmentId,
        periodId: state.periodId,
        committed: commitment.amount,
        used: used.toFixed(),
        shortfall: shortfall.toFixed(),
        fromBalanceBy: drawn.parts,
        balanceAfter: balance.toFixed(),
        at: state.endsAt,
      },
    });
  }
  return events;
}
