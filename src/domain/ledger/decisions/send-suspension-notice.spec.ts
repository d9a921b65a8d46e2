import type { LedgerEvent } from '../ledger-events.js';
import { ledger, periodOpened } from '../ledger.fixtures.js';

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
          data: { daysBefore: 3, suspendAt: SUSPEND_AT, reason: 'bill-overdue', at: notice.at },
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
});
