import { roundDecimal } from '../../shared/decimal.js';
import { addCalendarDays } from '../../shared/reporting-period.js';
import { billsBankTransferPayer, type LedgerCommandOf, type LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import {
  carriedState,
  correctionsOfEarlierPeriods,
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
import { commitmentShortfalls } from './commitment-shortfall.js';
import { closureWithin, finalPeriodEnd, grantsLostAtClosure } from './close-account.js';

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
  // The final period of a closing account ends at the closure instant (issue 14, item 5).
  // Whoever closes it (the saga, a month end, a command for a later period), a closing account's period that
  // contains the closure instant is its final one.
  const endsEarlyAt = command.endsEarlyAt ?? closureWithin(state, context.closureRequestedAt);
  const final = endsEarlyAt === undefined ? undefined : finalPeriodEnd({ ...command, endsEarlyAt }, state);
  if (final && 'ok' in final) return final;
  if (!final && Date.parse(command.at) < Date.parse(state.endsAt)) {
    return reject('PERIOD_NOT_ENDED', `Period ${state.periodId} ends at ${state.endsAt}`, 'at');
  }
  const lastDay = final?.lastDay ?? state.lastDay;
  // A commitment is owed for the final period too: the contract's term is not prorated (per-account pricing).
  const events: LedgerEvent[] = [
    ...(final ? grantsLostAtClosure(state, final.endsAt) : expiredGrants(state, state.endsAt)),
    ...commitmentShortfalls(state, context),
  ];
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
      // The final period's bill is dated the closure day, not the next period's first.
      const issuedOn = final ? final.lastDay : addCalendarDays(state.lastDay, 1);
      const bill: LedgerEvent = {
        type: 'BillIssued',
        data: {
          billId: `${state.accountId}-${state.periodId}`,
          kind: 'period',
          amount: amount.toFixed(),
          paid: '0',
          issuedOn,
          dueDate: addCalendarDays(lastDay, billing.billDueDays),
          reason: 'period closed with an amount to pay',
        },
      };
      events.push(bill);
      preview = evolveLedger(preview, bill);
    }
  }
  const corrections = correctionsOfEarlierPeriods(preview);
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
      ...(final ? { endsEarlyAt: final.endsAt, finalDay: final.lastDay } : {}),
      ...(corrections.length > 0 ? { corrections } : {}),
    },
  });
  return accept(events);
}
