import Big from 'big.js';
import { addCalendarDays } from '../shared/reporting-period.js';
import type { LedgerEvent } from './ledger-events.js';
import { IN_MARCH, consume, deposited, eventsOf, given, periodOpened, typesOf } from './ledger.fixtures.js';

const YC = 'yc-legal-prepaid';
const CREDIT = 'yc-legal-credit';
const VK = 'vk-individual-prepaid';
const DAY = 86_400_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** A YC account whose funds ran out at IN_MARCH: payment required, suspension due 7 days later. */
function paymentRequired(): LedgerEvent[] {
  const start = given(YC, periodOpened({}, YC), deposited('50'));
  const charged = eventsOf(start.when(consume('u1', 'compute.vcpu', '60')));
  return [periodOpened({}, YC), deposited('50'), ...charged];
}
const SUSPEND_AT = plus(IN_MARCH, 7 * DAY);

function suspended(): LedgerEvent[] {
  const history = paymentRequired();
  const decision = given(YC, ...history).when({
    type: 'SuspendIfUnpaid',
    reason: 'funds-exhausted',
    at: SUSPEND_AT,
  });
  return [...history, ...eventsOf(decision)];
}
const DELETE_AT = plus(SUSPEND_AT, 60 * DAY);

describe('timelines: second provider suspension, restoration and deletion (§7)', () => {
  it('requires payment when funds run out and suspends exactly 7 days later, not a millisecond before', () => {
    const history = paymentRequired();
    expect(history.at(-1)).toMatchObject({
      type: 'PaymentRequired',
      data: { availableFunds: '-10', suspendAt: SUSPEND_AT },
    });
    const account = given(YC, ...history);
    expect(
      typesOf(account.when({ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: plus(SUSPEND_AT, -1) })),
    ).toEqual([]);
    expect(
      eventsOf(account.when({ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: SUSPEND_AT })),
    ).toEqual([
      {
        type: 'AccountSuspended',
        data: { at: SUSPEND_AT, reason: 'funds-exhausted', debt: '10', deleteAt: DELETE_AT },
      },
    ]);
  });

  it('sends each notice once, and none once the account has paid', () => {
    const account = given(YC, ...paymentRequired());
    const notice = {
      type: 'SendSuspensionNotice' as const,
      suspendAt: SUSPEND_AT,
      daysBefore: 3,
      at: plus(SUSPEND_AT, -3 * DAY),
    };
    const sent = eventsOf(account.when(notice));
    expect(sent).toMatchObject([
      { type: 'SuspensionNoticeSent', data: { daysBefore: 3, reason: 'funds-exhausted' } },
    ]);
    expect(typesOf(given(YC, ...paymentRequired(), ...sent).when(notice))).toEqual([]);
    const paid = eventsOf(
      account.when({ type: 'TopUp', paymentId: 'p2', amount: '100', channel: 'card', at: IN_MARCH }),
    );
    expect(paid.map((e) => e.type)).toEqual(['FundsDeposited', 'PaymentRequirementCleared']);
    const afterPayment = given(YC, ...paymentRequired(), ...paid);
    expect(typesOf(afterPayment.when(notice))).toEqual([]);
    expect(
      typesOf(afterPayment.when({ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: SUSPEND_AT })),
    ).toEqual([]);
  });

  it('restores on payment of exactly the debt, penalties included (balance 0); one kopeck short restores nothing', () => {
    const penalty = eventsOf(
      given(YC, ...suspended()).when({ type: 'AccruePenalty', day: '2026-03-18', at: plus(SUSPEND_AT, DAY) }),
    );
    // The debt: 10.00 not paid, and a penalty of 0.01.
    const history = [...suspended(), ...penalty];
    const account = given(YC, ...history);
    const short = account.when({
      type: 'TopUp',
      paymentId: 'p2',
      amount: '10',
      channel: 'bank-transfer',
      at: plus(SUSPEND_AT, 2 * DAY),
    });
    expect(typesOf(short)).toEqual(['FundsDeposited']);
    const exact = eventsOf(
      account.when({
        type: 'TopUp',
        paymentId: 'p3',
        amount: '10.01',
        channel: 'bank-transfer',
        at: plus(SUSPEND_AT, 2 * DAY),
      }),
    );
    expect(exact[1]).toEqual({
      type: 'AccountRestored',
      data: { at: plus(SUSPEND_AT, 2 * DAY), suspendedAt: SUSPEND_AT, balance: '0' },
    });
    // Restored at a balance of 0: the next charge requires payment again, as for any account at 0.
    const next = given(YC, ...history, ...exact).when(consume('u2', 'compute.vcpu', '1'));
    expect(typesOf(next)).toEqual(['ResourceConsumed', 'PaymentRequired']);
  });

  it('seed 003 step 8.1: a debt of 1 305.84 paid with 1 305.84 on day 59 restores; the day-60 block does nothing', () => {
    const required = periodOpened(
      {
        balance: '-1305.84',
        status: 'payment-required',
        statusSince: IN_MARCH,
        suspension: {
          suspendAt: SUSPEND_AT,
          reason: 'funds-exhausted',
          noticesSent: [],
          penaltiesAccrued: '0',
        },
      },
      YC,
    );
    const history = [
      required,
      ...eventsOf(
        given(YC, required).when({ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: SUSPEND_AT }),
      ),
    ];
    const account = given(YC, ...history);
    const short = account.when({
      type: 'TopUp',
      paymentId: 'p-short',
      amount: '1305.83',
      channel: 'bank-transfer',
      at: plus(SUSPEND_AT, 59 * DAY),
    });
    expect(typesOf(short)).toEqual(['FundsDeposited']);
    const paid = eventsOf(
      account.when({
        type: 'TopUp',
        paymentId: 'p-debt',
        amount: '1305.84',
        channel: 'bank-transfer',
        at: plus(SUSPEND_AT, 59 * DAY),
      }),
    );
    expect(paid.map((e) => e.type)).toEqual(['FundsDeposited', 'AccountRestored']);
    expect(paid[1]).toMatchObject({ data: { balance: '0' } });
    expect(
      typesOf(given(YC, ...history, ...paid).when({ type: 'BlockIfStillSuspended', at: DELETE_AT })),
    ).toEqual([]);
  });

  it('blocks on day 60 after suspension, not on day 59; a full payment during the last day still restores', () => {
    const account = given(YC, ...suspended());
    expect(typesOf(account.when({ type: 'BlockIfStillSuspended', at: plus(DELETE_AT, -DAY) }))).toEqual([]);
    expect(eventsOf(account.when({ type: 'BlockIfStillSuspended', at: DELETE_AT }))).toEqual([
      { type: 'AccountBlocked', data: { at: DELETE_AT, suspendedAt: SUSPEND_AT } },
    ]);
    const lastMinute = eventsOf(
      account.when({
        type: 'TopUp',
        paymentId: 'p4',
        amount: '20',
        channel: 'bank-transfer',
        at: plus(DELETE_AT, -60_000),
      }),
    );
    expect(lastMinute.map((e) => e.type)).toEqual(['FundsDeposited', 'AccountRestored']);
    const tooLate = eventsOf(
      account.when({ type: 'TopUp', paymentId: 'p5', amount: '20', channel: 'bank-transfer', at: DELETE_AT }),
    );
    expect(tooLate.map((e) => e.type)).toEqual(['FundsDeposited']);
    const restored = given(YC, ...suspended(), ...lastMinute);
    expect(typesOf(restored.when({ type: 'BlockIfStillSuspended', at: DELETE_AT }))).toEqual([]);
  });

  it('accrues 0.1% of the debt per day while suspended, once per day, up to the 10% cap', () => {
    const history = suspended();
    const first = eventsOf(
      given(YC, ...history).when({ type: 'AccruePenalty', day: '2026-03-18', at: plus(SUSPEND_AT, DAY) }),
    );
    // 0.1% of 10.00 is 0.01.
    expect(first).toEqual([
      {
        type: 'PenaltyAccrued',
        data: {
          day: '2026-03-18',
          at: plus(SUSPEND_AT, DAY),
          debt: '10',
          amount: '0.01',
          totalAccrued: '0.01',
          exactTotal: '0.01',
          capReached: false,
          balanceAfter: '-10.01',
        },
      },
    ]);
    expect(
      typesOf(
        given(YC, ...history, ...first).when({
          type: 'AccruePenalty',
          day: '2026-03-18',
          at: plus(SUSPEND_AT, DAY),
        }),
      ),
    ).toEqual([]);
    // Near the cap: 10% of the debt in total, never more.
    const nearCap = [
      ...history,
      {
        ...first[0]!,
        data: {
          ...(first[0]!.data as object),
          totalAccrued: '0.99',
          exactTotal: '0.99',
          amount: '0.99',
          balanceAfter: '-10.99',
        },
      } as LedgerEvent,
    ];
    const last = eventsOf(
      given(YC, ...nearCap).when({ type: 'AccruePenalty', day: '2026-03-19', at: plus(SUSPEND_AT, 2 * DAY) }),
    );
    expect(last[0]).toMatchObject({ data: { amount: '0.01', totalAccrued: '1', capReached: true } });
    const capped = [...nearCap, ...last];
    expect(
      typesOf(
        given(YC, ...capped).when({
          type: 'AccruePenalty',
          day: '2026-03-20',
          at: plus(SUSPEND_AT, 3 * DAY),
        }),
      ),
    ).toEqual([]);
  });

  it('books 60 days of 0.1 % on 333.33 as 20.00 in total (rounded running totals), not 60 × 0.33', () => {
    const required = periodOpened(
      {
        balance: '-333.33',
        status: 'payment-required',
        statusSince: IN_MARCH,
        suspension: {
          suspendAt: SUSPEND_AT,
          reason: 'funds-exhausted',
          noticesSent: [],
          penaltiesAccrued: '0',
        },
      },
      YC,
    );
    const history: LedgerEvent[] = [
      required,
      ...eventsOf(
        given(YC, required).when({ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: SUSPEND_AT }),
      ),
    ];
    const booked: string[] = [];
    for (let n = 1; n <= 60; n++) {
      const day = addCalendarDays('2026-03-17', n);
      const accrued = eventsOf(
        given(YC, ...history).when({ type: 'AccruePenalty', day, at: plus(SUSPEND_AT, n * DAY) }),
      );
      expect(accrued).toMatchObject([{ type: 'PenaltyAccrued', data: { day, debt: '333.33' } }]);
      booked.push((accrued[0]!.data as { amount: string }).amount);
      history.push(...accrued);
    }
    expect(booked.reduce((sum, amount) => sum.plus(amount), new Big(0)).toFixed(2)).toBe('20.00');
    expect(history.at(-1)).toMatchObject({ data: { totalAccrued: '20', balanceAfter: '-353.33' } });
  });

  it('accrues nothing under the first provider’s policy (no penalties)', () => {
    const frozen = given(VK, periodOpened({ status: 'frozen', balance: '-100' }));
    expect(typesOf(frozen.when({ type: 'AccruePenalty', day: '2026-03-11', at: IN_MARCH }))).toEqual([]);
  });
});

describe('timelines: overdue bill with a credit limit (§7)', () => {
  const bill = (dueDate: string): LedgerEvent => ({
    type: 'BillIssued',
    data: {
      billId: 'b1',
      kind: 'period',
      amount: '400',
      paid: '0',
      issuedOn: '2026-03-01',
      dueDate,
      reason: 'x',
    },
  });
  it('suspends the day after the due date, not on it, and not when paid', () => {
    const account = given(
      CREDIT,
      periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT),
      bill('2026-03-14'),
    );
    // 2026-03-14 23:59 Moscow is still the due date.
    expect(
      typesOf(account.when({ type: 'SuspendIfBillOverdue', billId: 'b1', at: '2026-03-14T20:59:00.000Z' })),
    ).toEqual([]);
    expect(
      eventsOf(account.when({ type: 'SuspendIfBillOverdue', billId: 'b1', at: '2026-03-14T21:00:00.000Z' })),
    ).toMatchObject([{ type: 'AccountSuspended', data: { reason: 'bill-overdue', debt: '400' } }]);
    const paid = eventsOf(
      account.when({
        type: 'PayBill',
        billId: 'b1',
        paymentId: 'p',
        amount: '400',
        channel: 'bank-transfer',
        at: '2026-03-14T10:00:00.000Z',
      }),
    );
    const afterPayment = given(
      CREDIT,
      periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT),
      bill('2026-03-14'),
      ...paid,
    );
    expect(
      typesOf(
        afterPayment.when({ type: 'SuspendIfBillOverdue', billId: 'b1', at: '2026-03-14T21:00:00.000Z' }),
      ),
    ).toEqual([]);
  });

  it('restores a credit account once its overdue bills are paid in full', () => {
    const history = [periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT), bill('2026-03-14')];
    const suspension = eventsOf(
      given(CREDIT, ...history).when({
        type: 'SuspendIfBillOverdue',
        billId: 'b1',
        at: '2026-03-15T06:00:00.000Z',
      }),
    );
    const account = given(CREDIT, ...history, ...suspension);
    expect(
      typesOf(
        account.when({
          type: 'PayBill',
          billId: 'b1',
          paymentId: 'p',
          amount: '399.99',
          channel: 'bank-transfer',
          at: '2026-03-16T06:00:00.000Z',
        }),
      ),
    ).toEqual(['FundsDeposited', 'BillPaymentApplied']);
    expect(
      typesOf(
        account.when({
          type: 'PayBill',
          billId: 'b1',
          paymentId: 'q',
          amount: '400',
          channel: 'bank-transfer',
          at: '2026-03-16T06:00:00.000Z',
        }),
      ),
    ).toEqual(['FundsDeposited', 'BillPaymentApplied', 'AccountRestored']);
  });

  it('a suspended credit account is restored only when the penalties charged meanwhile are paid too', () => {
    const history = [periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT), bill('2026-03-14')];
    const suspension = eventsOf(
      given(CREDIT, ...history).when({
        type: 'SuspendIfBillOverdue',
        billId: 'b1',
        at: '2026-03-15T06:00:00.000Z',
      }),
    );
    const penalty: LedgerEvent = {
      type: 'PenaltyAccrued',
      data: {
        day: '2026-03-15',
        debt: '400',
        capReached: false,
        amount: '0.4',
        totalAccrued: '0.4',
        exactTotal: '0.4',
        balanceAfter: '-400.4',
        at: '2026-03-15T21:00:00.000Z',
      },
    };
    const account = given(CREDIT, ...history, ...suspension, penalty);
    const pay = (paymentId: string, amount: string) =>
      account.when({
        type: 'PayBill',
        billId: 'b1',
        paymentId,
        amount,
        channel: 'bank-transfer',
        at: '2026-03-16T06:00:00.000Z',
      });
    // The bill alone: the 0.40 of penalty is still owed, so the suspension stands.
    expect(typesOf(pay('p', '400'))).toEqual(['FundsDeposited', 'BillPaymentApplied']);
    // The bill and the penalty: restored, and the deposit records what it paid of the penalties.
    const full = eventsOf(pay('q', '400.4'));
    expect(full.map((e) => e.type)).toEqual(['FundsDeposited', 'BillPaymentApplied', 'AccountRestored']);
    expect(full[0]!.data).toMatchObject({ penaltiesPaid: '0.4' });
    // Paid in two payments: 400.10 leaves 0.30 of penalty owed; the next top-up covers it and restores.
    const afterBill = given(CREDIT, ...history, ...suspension, penalty, ...eventsOf(pay('p', '400.1')));
    expect(
      typesOf(
        afterBill.when({
          type: 'TopUp',
          paymentId: 'r',
          amount: '10',
          channel: 'bank-transfer',
          at: '2026-03-16T07:00:00.000Z',
        }),
      ),
    ).toEqual(['FundsDeposited', 'AccountRestored']);
  });

  it('restores a credit account once its overdue bills are paid, though a bill not yet due is still open', () => {
    const notYetDue: LedgerEvent = {
      type: 'BillIssued',
      data: {
        billId: 'b2',
        kind: 'mid-period',
        amount: '500',
        paid: '0',
        issuedOn: '2026-03-15',
        dueDate: '2026-03-17',
        reason: 'credit limit exhausted',
      },
    };
    const history = [periodOpened({ balance: '-900', creditLimit: '1000' }, CREDIT), bill('2026-03-14')];
    const suspension = eventsOf(
      given(CREDIT, ...history).when({
        type: 'SuspendIfBillOverdue',
        billId: 'b1',
        at: '2026-03-15T06:00:00.000Z',
      }),
    );
    const account = given(CREDIT, ...history, ...suspension, notYetDue);
    const pay = (paymentId: string, amount: string) =>
      typesOf(
        account.when({
          type: 'PayBill',
          billId: 'b1',
          paymentId,
          amount,
          channel: 'bank-transfer',
          at: '2026-03-16T06:00:00.000Z',
        }),
      );
    expect(pay('p', '399.99')).toEqual(['FundsDeposited', 'BillPaymentApplied']);
    expect(pay('q', '400')).toEqual(['FundsDeposited', 'BillPaymentApplied', 'AccountRestored']);
  });
});

describe('timelines: first provider frozen objects (§5)', () => {
  const frozenAt = IN_MARCH;
  function frozen(everPaid: boolean): LedgerEvent[] {
    const history = everPaid ? [periodOpened(), deposited('10')] : [periodOpened()];
    return [...history, ...eventsOf(given(VK, ...history).when(consume('u', 'compute.vcpu', '20')))];
  }

  it('queues frozen objects for deletion 3 days after freezing (never paid) or 7 (paid), not before', () => {
    for (const [everPaid, days] of [
      [false, 3],
      [true, 7],
    ] as const) {
      const account = given(VK, ...frozen(everPaid));
      const due = plus(frozenAt, days * DAY);
      expect(typesOf(account.when({ type: 'QueueFrozenObjects', at: plus(due, -1) }))).toEqual([]);
      expect(typesOf(account.when({ type: 'QueueFrozenObjects', at: due }))).toEqual([
        'FrozenObjectsQueuedForDeletion',
      ]);
    }
  });

  it('blocks object storage after 30 days and deletes it 7 days later; a top-up before stops both', () => {
    const history = frozen(true);
    const blocked = eventsOf(
      given(VK, ...history).when({ type: 'BlockObjectStorage', at: plus(frozenAt, 30 * DAY) }),
    );
    expect(
      typesOf(given(VK, ...history).when({ type: 'BlockObjectStorage', at: plus(frozenAt, 30 * DAY - 1) })),
    ).toEqual([]);
    expect(blocked.map((e) => e.type)).toEqual(['ObjectStorageBlocked']);
    const later = given(VK, ...history, ...blocked);
    expect(typesOf(later.when({ type: 'DeleteObjectStorage', at: plus(frozenAt, 37 * DAY - 1) }))).toEqual(
      [],
    );
    expect(typesOf(later.when({ type: 'DeleteObjectStorage', at: plus(frozenAt, 37 * DAY) }))).toEqual([
      'ObjectStorageDeleted',
    ]);
    const toppedUp = eventsOf(
      given(VK, ...history).when({
        type: 'TopUp',
        paymentId: 'p9',
        amount: '100',
        channel: 'card',
        at: IN_MARCH,
      }),
    );
    expect(
      typesOf(
        given(VK, ...history, ...toppedUp).when({ type: 'BlockObjectStorage', at: plus(frozenAt, 30 * DAY) }),
      ),
    ).toEqual([]);
  });
});
