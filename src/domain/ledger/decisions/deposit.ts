import Big from 'big.js';
import type { LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';
import { overdueBills } from './overdue.js';

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
  // A suspended credit-limit account pays its overdue bills first, then the penalties charged meanwhile
  // (they sit on the balance until the period bill): restoration needs both covered.
  const creditSuspended = state.status === 'suspended' && state.creditLimit.gt('0');
  const penaltiesUnpaid = creditSuspended
    ? new Big(state.suspension?.penaltiesAccrued ?? '0').minus(state.suspension?.penaltiesPaid ?? '0')
    : new Big(0);
  const penaltiesPaid = left.lt(penaltiesUnpaid) ? left : penaltiesUnpaid;
  if (penaltiesPaid.gt('0')) {
    const deposited = events[0] as LedgerEventOf<'FundsDeposited'>;
    events[0] = { ...deposited, data: { ...deposited.data, penaltiesPaid: penaltiesPaid.toFixed() } };
  }
  if (state.status === 'frozen' && balanceAfter.gt('0')) {
    events.push({ type: 'AccountUnfrozen', data: { balance: balanceAfter.toFixed(), at } });
  }
  const fundsAfter = balanceAfter.plus(state.creditLimit);
  if (state.status === 'payment-required' && fundsAfter.gt('0')) {
    events.push({ type: 'PaymentRequirementCleared', data: { availableFunds: fundsAfter.toFixed(), at } });
  }
  // Restored when the debt is covered (seed 003, 8.1), and only before deletion: no overdue bill left unpaid
  // and, with a credit limit, the penalties charged meanwhile paid; without one, a balance of at least 0
  // (penalties are charged to it). Exactly 0 restores;
  // one kopeck short restores nothing. The next charge may require payment again, as for any account at 0.
  if (
    state.status === 'suspended' &&
    !(state.suspension?.deleteAt && Date.parse(at) >= Date.parse(state.suspension.deleteAt))
  ) {
    const settled = new Map(
      events.flatMap((e) => (e.type === 'BillPaymentApplied' ? [[e.data.billId, e.data.remaining]] : [])),
    );
    const overdueLeft = overdueBills(state, at, context.timeZone).some((bill) =>
      new Big(settled.get(bill.billId) ?? new Big(bill.amount).minus(bill.paid)).gt('0'),
    );
    const debtPaid =
      !overdueLeft &&
      (state.creditLimit.gt('0') ? penaltiesUnpaid.minus(penaltiesPaid).lte('0') : balanceAfter.gte('0'));
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
