import Big from 'big.js';
import { addCalendarDays, localDate } from '../../shared/reporting-period.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';
import { belowMinimumTopUp } from './top-up.js';

/**
 * A legal entity asks for a bill to top up its balance (rules §8; seed 004: a legal entity that does not
 * top up by corporate card forms its own bill). The amount is what a top-up would accept — in kopecks, at
 * least the profile's minimum — and the bill is due within the profile's term for bills (billDueDays).
 * The same bill id with the same amount is a retry; with another amount, a mistake the caller must see.
 */
export function decideRequestTopUpBill(
  command: LedgerCommandOf<'RequestTopUpBill'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  const known = state.topUpBills.get(command.billId);
  if (known) {
    if (amount.eq(known.amount)) return duplicate();
    return reject(
      'BILL_ID_REUSED',
      `Bill ${command.billId} was already issued for ${known.amount} ${state.currency}`,
      'billId',
    );
  }
  if (context.payerType === 'individual') {
    return reject(
      'TOP_UP_BILL_NOT_FOR_INDIVIDUALS',
      'Only legal entities and sole proprietors are billed for a top-up; individuals top up by card',
      'amount',
    );
  }
  if (amount.round(2, Big.roundDown).lt(amount)) {
    return reject('INVALID_AMOUNT', 'amount of a bill has at most 2 fractional digits', 'amount');
  }
  const belowMinimum = belowMinimumTopUp(amount, state, context);
  if (belowMinimum) return belowMinimum;
  const issuedOn = localDate(command.at, context.timeZone);
  return accept([
    {
      type: 'TopUpBillIssued',
      data: {
        billId: command.billId,
        amount: amount.toFixed(),
        issuedOn,
        dueDate: addCalendarDays(issuedOn, context.profile.billing.billDueDays),
        at: command.at,
      },
    },
  ]);
}
