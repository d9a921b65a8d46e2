import type { AccountEvent } from '../account/account-events.js';
import type { LedgerEvent } from '../ledger/ledger-events.js';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { closureDeadlinesFor, deadlinesFor } from './deadline-plan.js';

const CLOSURE = '2026-03-15T09:00:00.000Z';
const account = {
  accountId: 'acc-1',
  timeZone: 'Europe/Moscow',
  profile: BUILT_IN_PROFILES.find((p) => p.id === 'yc-legal-prepaid')!,
};
const periodClosed = (extra: object): LedgerEvent =>
  ({
    type: 'PeriodClosed',
    data: { periodId: '2026-03', closedAt: '2026-03-15T09:00:01.000Z', ...extra },
  }) as LedgerEvent;

describe('the closure saga’s timers (issue 14, item 5)', () => {
  it('a closure request closes the final period at its instant, first of anything due then', () => {
    const requested: Extract<AccountEvent, { type: 'AccountClosureRequested' }> = {
      type: 'AccountClosureRequested',
      data: { accountId: 'acc-1', at: '2026-03-15T12:00:00+03:00', by: 'service:web' },
    };
    expect(closureDeadlinesFor(requested)).toEqual([
      {
        id: 'acc-1/closure/final-close',
        accountId: 'acc-1',
        kind: 'close-final-period',
        dueAt: CLOSURE,
        order: 0,
        action: { kind: 'close-final-period' },
      },
    ]);
  });

  it('the final close asks for the refund at once and plans the deletion a day later; a regular close neither', () => {
    const plans = deadlinesFor(periodClosed({ endsEarlyAt: CLOSURE, finalDay: '2026-03-15' }), account, 'e1');
    expect(plans.map((d) => [d.id, d.kind, d.dueAt, d.action.kind])).toEqual([
      ['acc-1/closure/final-refund', 'final-refund', '2026-03-15T09:00:01.000Z', 'final-refund'],
      ['acc-1/closure/delete', 'delete-closed-account', '2026-03-16T09:00:01.000Z', 'delete-closed-account'],
    ]);
    expect(deadlinesFor(periodClosed({}), account, 'e2')).toEqual([]);
  });

  it('a deferred deletion is asked again at its retryAt (each try its own deadline); none without one', () => {
    const deferred = (
      retryAt?: string,
    ): Extract<AccountEvent, { type: 'ClosedAccountDeletionDeferred' }> => ({
      type: 'ClosedAccountDeletionDeferred',
      data: {
        accountId: 'acc-1',
        at: CLOSURE,
        code: 'REFUND_PENDING',
        reason: 'waiting',
        ...(retryAt ? { retryAt } : {}),
      },
    });
    expect(closureDeadlinesFor(deferred('2026-03-17T09:00:01.000Z'))).toEqual([
      expect.objectContaining({
        id: 'acc-1/closure/delete/2026-03-17T09:00:01.000Z',
        kind: 'delete-closed-account',
        dueAt: '2026-03-17T09:00:01.000Z',
      }),
    ]);
    expect(closureDeadlinesFor(deferred())).toEqual([]);
  });
});
