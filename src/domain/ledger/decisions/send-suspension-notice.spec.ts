import type { LedgerEvent } from '../ledger-events.js';
import { eventsOf, given, ledger, periodOpened } from '../ledger.fixtures.js';

const CREDIT = 'yc-legal-credit';
const bill: LedgerEvent = {
  type: 'BillIssued',
  data: {
    billId: 'b1',
    kind: 'period',
    amount: '400',
    paid: '0',
    issuedOn: '2026-03-01',
    dueDate: '2026-03-14',
    reason: 'x',
  },
};
// The suspension for the overdue bill is due the day after its due date (Moscow midnight).
const SUSPEND_AT = '2026-03-14T21:00:00.000Z';
const notice = {
  type: 'SendSuspensionNotice' as const,
  suspendAt: SUSPEND_AT,
  daysBefore: 3,
  at: '2026-03-11T21:00:00.000Z',
};

describe('SendSuspensionNotice', () => {
  it('warns of a suspension for a bill that will be overdue by then', () => {
    ledger(CREDIT)
      .given([periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT), bill])
      .when(notice)
      .then([
        {
          type: 'SuspensionNoticeSent',
          data: {
            daysBefore: 3,
            suspendAt: SUSPEND_AT,
            reason: 'bill-overdue',
            at: notice.at,
            hoursLeft: 72,
            timeLeft: 'in 3 days',
          },
        },
      ]);
  });

  it('has nothing to send once the bill is paid', () => {
    ledger(CREDIT)
      .given([
        periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT),
        bill,
        {
          type: 'BillPaymentApplied',
          data: {
            billId: 'b1',
            paymentId: 'p',
            amount: '400',
            remaining: '0',
            fullyPaid: true,
            at: notice.at,
          },
        },
      ])
      .when(notice)
      .thenNothing();
  });

  it('states the real time left: a notice sent 2.5 days before the suspension says 2 days 12 hours, not 3', () => {
    ledger(CREDIT)
      .given([periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT), bill])
      .when({ ...notice, at: '2026-03-12T09:00:00.000Z' })
      .then([
        {
          type: 'SuspensionNoticeSent',
          data: {
            daysBefore: 3,
            suspendAt: SUSPEND_AT,
            reason: 'bill-overdue',
            at: '2026-03-12T09:00:00.000Z',
            hoursLeft: 60,
            timeLeft: 'in 2 days 12 hours',
          },
        },
      ]);
  });

  it.each([
    ['2026-03-07T21:00:00.000Z', 168, 'in 7 days'],
    ['2026-03-14T16:00:00.000Z', 5, 'in 5 hours'],
    ['2026-03-14T20:30:00.000Z', 0, 'in less than an hour'],
    [SUSPEND_AT, 0, 'now'],
  ])('a notice at %s: %i hours left, "%s"', (at, hoursLeft, timeLeft) => {
    const [sent] = eventsOf(
      given(CREDIT, periodOpened({ balance: '-400', creditLimit: '1000' }, CREDIT), bill).when({
        ...notice,
        at,
      }),
    );
    expect(sent).toMatchObject({ type: 'SuspensionNoticeSent', data: { hoursLeft, timeLeft } });
  });
});
