import Big from 'big.js';
import type { LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';
import { crosses } from './funds.js';

export interface Deposit {
  paymentId: string;
  amount: Big;
  channel: LedgerEventOf<'FundsDeposited'>['data']['channel'];
  at: string;
  /** The bill a bill payment names: settled before the others. */
  billFirst?: string;
}

/**
 * A payment lands on the personal account; it then settles open bills (the named bill first, then the
 * oldest due) and, where the balance allows, lifts a freeze or a payment requirement. Any excess stays on
 * the balance.
 */
export function depositEvents(state: LedgerState, context: LedgerContext, deposit: Deposit): LedgerEvent[] {
  const { paymentId, amount, channel, at, billFirst } = deposit;
  const balanceAfter = state.balance.plus(amount);
  const events: LedgerEvent[] = [
    {
      type: 'FundsDeposited',
      data: {
        paymentId,
        amount: amount.toFixed(),
        channel,
        countsInDocuments: context.profile.documents.eligibleChannels.includes(channel),
        balanceAfter: balanceAfter.toFixed(),
        at,
      },
    },
  ];
  let left = amount;
  const bills = [...state.openBills.values()].sort(
    (a, b) =>
      Number(b.billId === billFirst) - Number(a.billId === billFirst) || a.dueDate.localeCompare(b.dueDate),
  );
  for (const bill of bills) {
    if (left.lte('0')) break;
    const due = new Big(bill.amount).minus(bill.paid);
    const applied = left.lt(due) ? left : due;
    left = left.minus(applied);
    const remaining = due.minus(applied);
    events.push({
      type: 'BillPaymentApplied',
      data: {
        billId: bill.billId,
        paymentId,
        amount: applied.toFixed(),
        remaining: remaining.toFixed(),
        fullyPaid: remaining.eq('0'),
        at,
      },
    });
  }
  if (state.status === 'frozen' && balanceAfter.gt('0')) {
    events.push({ type: 'AccountUnfrozen', data: { balance: balanceAfter.toFixed(), at } });
  }
  const fundsAfter = balanceAfter.plus(state.creditLimit);
  if (state.status === 'payment-required' && fundsAfter.gt('0')) {
    events.push({ type: 'PaymentRequirementCleared', data: { availableFunds: fundsAfter.toFixed(), at } });
  }
  // Restored only when the whole debt is paid (a partial payment restores nothing), and only before deletion.
  if (
    state.status === 'suspended' &&
    !(state.suspension?.deleteAt && Date.parse(at) >= Date.parse(state.suspension.deleteAt))
  ) {
    const billsLeft = bills
      .reduce((sum, bill) => sum.plus(bill.amount).minus(bill.paid), new Big(0))
      .minus(amount.minus(left));
    const debtPaid = state.creditLimit.gt('0')
      ? billsLeft.lte('0')
      : !crosses(fundsAfter, context.profile.suspension.when);
    if (debtPaid) {
      events.push({
        type: 'AccountRestored',
        data: {
          at,
          suspendedAt: state.suspension?.suspendedAt ?? state.statusSince,
          balance: balanceAfter.toFixed(),
        },
      });
    }
  }
  return events;
}
