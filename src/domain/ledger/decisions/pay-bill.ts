import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';
import { depositEvents } from './deposit.js';

/**
 * A payment against a top-up bill: a top-up of the balance (it then settles overdue bills like any
 * deposit), marking the bill paid. A bill paid in full takes no further payment.
 */
function payTopUpBill(
  command: LedgerCommandOf<'PayBill'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const bill = state.topUpBills.get(command.billId)!;
  const due = new Big(bill.amount).minus(bill.paid);
  if (due.lte('0')) {
    return reject('BILL_NOT_OPEN', `Bill ${command.billId} is already paid in full`, 'billId');
  }
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  const deposit = depositEvents(state, context, {
    paymentId: command.paymentId,
    amount,
    channel: command.channel,
    at: command.at,
  });
  const applied = amount.lt(due) ? amount : due;
  return accept([
    deposit[0]!,
    {
      type: 'TopUpBillPaid',
      data: {
        billId: bill.billId,
        paymentId: command.paymentId,
        amount: applied.toFixed(),
        fullyPaid: applied.eq(due),
        at: command.at,
      },
    },
    ...deposit.slice(1),
  ]);
}

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
  if (state.topUpBills.has(command.billId)) return payTopUpBill(command, state, context);
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
