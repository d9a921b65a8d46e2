import type { LedgerEvent } from '../ledger-events.js';
import { IN_MARCH, ledger, periodOpened } from '../ledger.fixtures.js';

const CREDIT = 'yc-legal-credit';
const bill = (billId: string, amount: string, dueDate: string): LedgerEvent => ({
  type: 'BillIssued',
  data: { billId, kind: 'mid-period', amount, paid: '0', issuedOn: '2026-03-01', dueDate, reason: 'x' },
});
const pay = (billId: string, amount: string, paymentId = 'p1') => ({
  type: 'PayBill' as const,
  billId,
  paymentId,
  amount,
  channel: 'bank-transfer' as const,
  at: IN_MARCH,
});
const history = [
  periodOpened({ balance: '-300', creditLimit: '1000' }, CREDIT),
  bill('early', '100', '2026-03-05'),
  bill('late', '200', '2026-03-20'),
];

describe('PayBill', () => {
  it('settles the named bill first, then the oldest due; the rest stays on the balance', () => {
    ledger(CREDIT)
      .given(history)
      .when(pay('late', '250'))
      .then([
        {
          type: 'FundsDeposited',
          data: {
            paymentId: 'p1',
            amount: '250',
            channel: 'bank-transfer',
            countsInDocuments: true,
            balanceAfter: '-50',
            at: IN_MARCH,
          },
        },
        {
          type: 'BillPaymentApplied',
          data: {
            billId: 'late',
            paymentId: 'p1',
            amount: '200',
            remaining: '0',
            fullyPaid: true,
            at: IN_MARCH,
          },
        },
        {
          type: 'BillPaymentApplied',
          data: {
            billId: 'early',
            paymentId: 'p1',
            amount: '50',
            remaining: '50',
            fullyPaid: false,
            at: IN_MARCH,
          },
        },
      ]);
  });

  it('stores nothing for a payment id already deposited', () => {
    const paid: LedgerEvent = {
      type: 'FundsDeposited',
      data: {
        paymentId: 'p1',
        amount: '100',
        channel: 'bank-transfer',
        countsInDocuments: true,
        balanceAfter: '-200',
        at: IN_MARCH,
      },
    };
    ledger(CREDIT)
      .given([...history, paid])
      .when(pay('early', '100'))
      .thenNothing();
  });

  it('refuses a bill that is not open, and an amount that is not positive', () => {
    const account = ledger(CREDIT).given(history);
    account.when(pay('nope', '1')).rejects('BILL_NOT_OPEN', 'billId');
    account.when(pay('early', '0')).rejects('AMOUNT_NOT_POSITIVE', 'amount');
  });
});
