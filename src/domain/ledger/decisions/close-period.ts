import { roundDecimal } from '../../shared/decimal.js';
import { addCalendarDays } from '../../shared/reporting-period.js';
import { billsBankTransferPayer, type LedgerCommandOf, type LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import {
  carriedState,
  evolveLedger,
  outstandingBills,
  serviceTotals,
  skuTotals,
  projectTotals,
  withProjects,
  type LedgerState,
} from '../ledger-state.js';
import { accept, reject, type Decision } from './decision.js';
import { expiredGrants } from './grant-expiry.js';

/**
 * Closing the books once the period has ended: grants expired by its end are lost, a bill is issued for
 * what is left to pay (where the profile bills periods), and PeriodClosed records the period's totals and
 * what the next period opens with.
 */
export function decideClosePeriod(
  command: LedgerCommandOf<'ClosePeriod'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (Date.parse(command.at) < Date.parse(state.endsAt)) {
    return reject('PERIOD_NOT_ENDED', `Period ${state.periodId} ends at ${state.endsAt}`, 'at');
  }
  const events: LedgerEvent[] = expiredGrants(state, state.endsAt);
  let preview = events.reduce(evolveLedger, state);

  const { billing } = context.profile;
  // Seed 004: every bank-transfer payer with an amount to pay gets the bill, with or without a credit limit.
  if (billing.issuePeriodBills || billsBankTransferPayer(context)) {
    // amount = consumption − (opening balance + deposits + grants used), less what is already billed.
    const amount = roundDecimal(
      preview.balance.neg().minus(outstandingBills(preview)),
      2,
      context.profile.rounding.mode,
    );
    if (amount.gt('0')) {
      const issuedOn = addCalendarDays(state.lastDay, 1);
      const bill: LedgerEvent = {
        type: 'BillIssued',
        data: {
          billId: `${state.accountId}-${state.periodId}`,
          kind: 'period',
          amount: amount.toFixed(),
          paid: '0',
          issuedOn,
          dueDate: addCalendarDays(state.lastDay, billing.billDueDays),
          reason: 'period closed with an amount to pay',
        },
      };
      events.push(bill);
      preview = evolveLedger(preview, bill);
    }
  }
  events.push({
    type: 'PeriodClosed',
    data: {
      periodId: state.periodId,
      closedAt: command.at,
      openingBalance: preview.openingBalance.toFixed(),
      closingBalance: preview.balance.toFixed(),
      deposits: preview.deposits.toFixed(),
      documentEligibleDeposits: preview.documentEligibleDeposits.toFixed(),
      grantsUsed: preview.grantsUsed.toFixed(),
      grantsExpired: preview.grantsExpired.toFixed(),
      consumption: preview.consumption.toFixed(),
      spentFromBalance: preview.consumption.minus(preview.grantsUsed).toFixed(),
      penalties: preview.penalties.toFixed(),
      byService: serviceTotals(preview),
      bySku: skuTotals(preview),
      ...withProjects(projectTotals(preview)),
      carried: carriedState(preview),
    },
  });
  return accept(events);
}
