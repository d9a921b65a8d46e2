import { explainStatus, nextDeadlines } from './account-outlook.js';
import { consume, deposited, eventsOf, given, MARCH, periodOpened } from './ledger.fixtures.js';
import { evolveLedger } from './ledger-state.js';
import type { LedgerEvent } from './ledger-events.js';

/** The state after the events and then the decision of `command`. */
function after(
  profileId: string,
  events: LedgerEvent[],
  command: Parameters<ReturnType<typeof given>['when']>[0],
) {
  const start = given(profileId, ...events);
  return eventsOf(start.when(command)).reduce(evolveLedger, start.state);
}

describe('status and why, and what happens next', () => {
  it('active: no reason; the only deadline is the period close', () => {
    const { state } = given('vk-individual-prepaid', periodOpened(), deposited('10'));
    expect(explainStatus(state)).toEqual({
      value: 'active',
      since: state.statusSince,
      reason: null,
      why: null,
    });
    expect(nextDeadlines(state)).toEqual([
      { kind: 'period-close', dueAt: MARCH.endsAt, periodId: '2026-03' },
    ]);
  });

  it('frozen below zero (first provider): names the rule and when frozen objects are queued for deletion', () => {
    const state = after(
      'vk-individual-prepaid',
      [periodOpened(), deposited('1')],
      consume('u1', 'compute.vcpu', '1.01'),
    );
    expect(state.status).toBe('frozen');
    const explained = explainStatus(state);
    expect(explained.reason).toBe('balance-below-zero');
    expect(explained.why).toContain('went below zero');
    expect(explained.why).toContain(state.freeze!.deleteObjectsAt);
    // Paid before (a deposit): 7 days, earlier than the period close.
    expect(nextDeadlines(state)).toEqual([
      { kind: 'delete-frozen-objects', dueAt: '2026-03-17T09:00:00.000Z' },
      { kind: 'period-close', dueAt: MARCH.endsAt, periodId: '2026-03' },
    ]);
  });

  it('payment required (second provider): the suspension date is the next deadline', () => {
    const state = after(
      'yc-legal-prepaid',
      [periodOpened({}, 'yc-legal-prepaid'), deposited('1')],
      consume('u1', 'compute.vcpu', '1'),
    );
    expect(state.status).toBe('payment-required');
    const explained = explainStatus(state);
    expect(explained.reason).toBe('funds-exhausted');
    expect(explained.why).toContain(`top up before ${state.suspension!.suspendAt}`);
    expect(nextDeadlines(state)[0]).toEqual({ kind: 'suspend', dueAt: state.suspension!.suspendAt });
  });

  it('suspended for an overdue bill: why, the unpaid part of the bill, and the deletion date', () => {
    const { state } = given(
      'yc-legal-credit',
      periodOpened(
        {
          status: 'suspended',
          balance: '-400',
          openBills: [
            {
              billId: 'b-02',
              kind: 'period',
              amount: '400',
              paid: '150',
              issuedOn: '2026-03-01',
              dueDate: '2026-03-14',
            },
            {
              billId: 'b-01',
              kind: 'period',
              amount: '100',
              paid: '100',
              issuedOn: '2026-02-01',
              dueDate: '2026-02-14',
            },
          ],
          suspension: {
            suspendedAt: '2026-03-14T21:00:00.000Z',
            deleteAt: '2026-05-13T21:00:00.000Z',
            reason: 'bill-overdue',
            noticesSent: [],
            penaltiesAccrued: '0',
          },
        },
        'yc-legal-credit',
      ),
    );
    const explained = explainStatus(state);
    expect(explained.reason).toBe('bill-overdue');
    expect(explained.why).toBe(
      'Suspended because a bill was not paid by its due date; only storage is charged. Paying the debt in full ' +
        'restores it; otherwise the account and its data are deleted at 2026-05-13T21:00:00.000Z.',
    );
    expect(nextDeadlines(state)).toEqual([
      { kind: 'bill-due', dueDate: '2026-03-14', billId: 'b-02', unpaid: '250' },
      { kind: 'period-close', dueAt: MARCH.endsAt, periodId: '2026-03' },
      { kind: 'delete-account', dueAt: '2026-05-13T21:00:00.000Z' },
    ]);
  });
});
