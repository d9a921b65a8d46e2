import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';
import { depositEvents } from './deposit.js';

/**
 * A payment against an open bill: deposited like a top-up (no minimum), settling the named bill first.
 * Once per payment id.
 */
export function decidePayBill(
  command: LedgerCommandOf<'PayBill'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.payments.has(command.paymentId)) return duplicate();
  if (!state.openBills.has(command.billId)) {
    return reject('BILL_NOT_OPEN', `Bill ${command.billId} is not an open bill of this account`, 'billId');
  }
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  return accept(
    depositEvents(state, context, {
      paymentId: command.paymentId,
      amount,
      channel: command.channel,
      at: command.at,
      billFirst: command.billId,
    }),
  );
}
