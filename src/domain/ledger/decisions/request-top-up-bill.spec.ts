import type { LedgerEvent } from '../ledger-events.js';
import { nextDeadlines } from '../account-outlook.js';
import { carriedState, outstandingBills } from '../ledger-state.js';
import { IN_MARCH, ledger, periodOpened } from '../ledger.fixtures.js';

const PREPAID = 'yc-legal-prepaid';
const CREDIT = 'yc-legal-credit';
const request = (billId: string, amount: string) => ({
  type: 'RequestTopUpBill' as const,
  billId,
  amount,
  at: IN_MARCH,
});
const issued = (billId: string, amount: string): LedgerEvent => ({
  type: 'TopUpBillIssued',
  data: { billId, amount, issuedOn: '2026-03-10', dueDate: '2026-03-24', at: IN_MARCH },
});
const pay = (billId: string, amount: string, paymentId = 'p1') => ({
  type: 'PayBill' as const,
  billId,
  paymentId,
  amount,
  channel: 'bank-transfer' as const,
  at: IN_MARCH,
});

describe('RequestTopUpBill', () => {
  it('issues a bill for the amount, dated today (local), due within the bill term', () =>
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID)])
      .when(request('tb-1', '5000.50'))
      .then([
        {
          type: 'TopUpBillIssued',
          data: {
            billId: 'tb-1',
            amount: '5000.5',
            issuedOn: '2026-03-10',
            dueDate: '2026-03-24',
            at: IN_MARCH,
          },
        },
      ]));

  it('a credit-limit legal entity may ask for one too', () =>
    ledger(CREDIT)
      .given([periodOpened({ creditLimit: '1000' }, CREDIT)])
      .when(request('tb-1', '100'))
      .then([expect.objectContaining({ type: 'TopUpBillIssued' })]));

  it('the same bill id and amount again is a retry: nothing stored', () =>
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID), issued('tb-1', '5000')])
      .when(request('tb-1', '5000.00'))
      .thenNothing());

  it('the same bill id with another amount: BILL_ID_REUSED naming billId', () =>
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID), issued('tb-1', '5000')])
      .when(request('tb-1', '6000'))
      .rejects('BILL_ID_REUSED', 'billId'));

  it('a bill paid last month is still known: resending its id is a retry', () => {
    const march = ledger(PREPAID).given([
      periodOpened({}, PREPAID),
      issued('tb-1', '5000'),
      {
        type: 'TopUpBillPaid',
        data: { billId: 'tb-1', paymentId: 'p1', amount: '5000', fullyPaid: true, at: IN_MARCH },
      },
    ]).state;
    const carried = carriedState(march);
    expect(carried.topUpBills).toEqual([
      { billId: 'tb-1', amount: '5000', paid: '5000', issuedOn: '2026-03-10', dueDate: '2026-03-24' },
    ]);
    ledger(PREPAID)
      .given([periodOpened(carried, PREPAID)])
      .when(request('tb-1', '5000'))
      .thenNothing();
  });

  it('a paid bill is carried once only; an unpaid one is carried on', () => {
    const april = (carried: object) => ({ ...(periodOpened(carried, PREPAID) as object) }) as LedgerEvent;
    const state = ledger(PREPAID).given([
      april({
        topUpBills: [
          { billId: 'old-paid', amount: '10', paid: '10', issuedOn: '2026-02-10', dueDate: '2026-02-24' },
          { billId: 'old-open', amount: '10', paid: '0', issuedOn: '2026-02-11', dueDate: '2026-02-25' },
        ],
      }),
    ]).state;
    expect(carriedState(state).topUpBills?.map((b) => b.billId)).toEqual(['old-open']);
  });

  it('individuals top up by card: TOP_UP_BILL_NOT_FOR_INDIVIDUALS', () =>
    ledger('vk-individual-prepaid')
      .given([periodOpened()])
      .when(request('tb-1', '5000'))
      .rejects('TOP_UP_BILL_NOT_FOR_INDIVIDUALS', 'amount'));

  it.each([
    ['0', 'AMOUNT_NOT_POSITIVE'],
    ['-5', 'AMOUNT_NOT_POSITIVE'],
    ['1e3', 'INVALID_AMOUNT'],
    ['10.005', 'INVALID_AMOUNT'],
    ['9.99', 'TOP_UP_BELOW_MINIMUM'],
  ])('amount %s: %s naming amount', (amount, code) =>
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID)])
      .when(request('tb-1', amount))
      .rejects(code, 'amount'),
  );

  it('the minimum top-up is enough', () =>
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID)])
      .when(request('tb-1', '10'))
      .then([expect.objectContaining({ type: 'TopUpBillIssued' })]));
});

describe('PayBill naming a top-up bill', () => {
  it('credits the balance and marks the bill paid; it is no open bill and no debt', () => {
    const history = [periodOpened({}, PREPAID), issued('tb-1', '5000')];
    const spec = ledger(PREPAID).given(history);
    expect(spec.state.openBills.size).toBe(0);
    expect(outstandingBills(spec.state).toFixed()).toBe('0');
    expect(nextDeadlines(spec.state).map((d) => d.kind)).not.toContain('bill-due');
    spec.when(pay('tb-1', '5000')).then([
      {
        type: 'FundsDeposited',
        data: {
          paymentId: 'p1',
          amount: '5000',
          channel: 'bank-transfer',
          countsInDocuments: true,
          balanceAfter: '5000',
          at: IN_MARCH,
        },
      },
      {
        type: 'TopUpBillPaid',
        data: { billId: 'tb-1', paymentId: 'p1', amount: '5000', fullyPaid: true, at: IN_MARCH },
      },
    ]);
  });

  it('a part payment leaves the rest open; paying the rest settles it', () => {
    const partly: LedgerEvent = {
      type: 'TopUpBillPaid',
      data: { billId: 'tb-1', paymentId: 'p1', amount: '2000', fullyPaid: false, at: IN_MARCH },
    };
    ledger(PREPAID)
      .given([periodOpened({}, PREPAID), issued('tb-1', '5000'), partly])
      .when(pay('tb-1', '3500', 'p2'))
      .then([
        expect.objectContaining({
          type: 'FundsDeposited',
          data: expect.objectContaining({ amount: '3500' }),
        }),
        {
          type: 'TopUpBillPaid',
          data: { billId: 'tb-1', paymentId: 'p2', amount: '3000', fullyPaid: true, at: IN_MARCH },
        },
      ]);
  });

  it('on a suspended account the payment restores it like any deposit that covers the debt', () => {
    const suspended: LedgerEvent = {
      type: 'AccountSuspended',
      data: { at: IN_MARCH, reason: 'funds-exhausted', debt: '300', deleteAt: '2026-05-09T09:00:00.000Z' },
    };
    const decision = ledger(PREPAID)
      .given([periodOpened({ balance: '-300' }, PREPAID), suspended, issued('tb-1', '1000')])
      .when(pay('tb-1', '1000')).decision;
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual([
      'FundsDeposited',
      'TopUpBillPaid',
      'AccountRestored',
    ]);
  });

  it('a bill paid in full takes no further payment: BILL_NOT_OPEN naming billId', () =>
    ledger(PREPAID)
      .given([
        periodOpened({}, PREPAID),
        issued('tb-1', '5000'),
        {
          type: 'TopUpBillPaid',
          data: { billId: 'tb-1', paymentId: 'p1', amount: '5000', fullyPaid: true, at: IN_MARCH },
        },
      ])
      .when(pay('tb-1', '5000', 'p2'))
      .rejects('BILL_NOT_OPEN', 'billId'));
});
