import { DeciderSpecification } from '../../../../test/support/decider-specification.js';
import type { LedgerCommand, LedgerCommandOf } from '../ledger-commands.js';
import { decideLedger } from '../ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger-state.js';
import { closingEntitlement } from './close-account.js';
import {
  MARCH,
  consume,
  contextFor,
  deposited,
  eventsOf,
  grantIssued,
  periodOpened,
} from '../ledger.fixtures.js';

/** The customer asked to close on 15 March, 12:00 Moscow time. */
const CLOSURE = '2026-03-15T09:00:00.000Z';
const AFTER = '2026-03-15T09:00:05.000Z';

/** The ledger's specification for an account whose closure was requested at CLOSURE (or not at all). */
const closing = (profileId: string, closureRequestedAt: string | null = CLOSURE) => {
  const context = {
    ...contextFor(profileId, 'bank-transfer'),
    ...(closureRequestedAt ? { closureRequestedAt } : {}),
  };
  return DeciderSpecification.for<LedgerCommand, LedgerEvent, LedgerState>({
    decide: (command, state) => decideLedger(command, state, context),
    evolve: evolveLedger,
    initialState: initialLedgerState,
  });
};

const finalClose: LedgerCommand = {
  type: 'ClosePeriod',
  at: AFTER,
  timeZone: 'Europe/Moscow',
  endsEarlyAt: CLOSURE,
};
const usedAt = (id: string, quantity: string, windowStart: string, windowEnd: string): LedgerCommand => ({
  ...(consume(id, 'compute.vcpu', quantity) as LedgerCommandOf<'ConsumeResource'>),
  windowStart,
  windowEnd,
});
/** The events `commands` add, one after another, to `events` (each must be accepted). */
const booked = (profileId: string, events: LedgerEvent[], ...commands: LedgerCommand[]): LedgerEvent[] =>
  commands.reduce(
    (history, command) => [...history, ...eventsOf(closing(profileId).given(history).when(command).decision)],
    events,
  );
const closedOf = (events: LedgerEvent[]) =>
  events.find((e) => e.type === 'PeriodClosed') as LedgerEventOf<'PeriodClosed'>;

describe('A closing account: usage, top-ups and grants (issue 14, item 5)', () => {
  const VK = 'vk-individual-prepaid';

  it('refuses usage whose usage instant is at or after the closure instant', () => {
    closing(VK)
      .given([periodOpened(), deposited('100')])
      .when(usedAt('u-after', '1', '2026-03-15T09:00:00.000Z', '2026-03-15T10:00:00.000Z'))
      .rejects('ACCOUNT_CLOSING', 'windowEnd');
  });

  it('refuses a window that straddles the closure instant, whole', () => {
    closing(VK)
      .given([periodOpened(), deposited('100')])
      .when(usedAt('u-straddle', '1', '2026-03-15T08:30:00.000Z', '2026-03-15T09:00:00.001Z'))
      .rejects('ACCOUNT_CLOSING', 'windowEnd');
  });

  it('still charges usage reported late whose window ends at or before the closure instant', () => {
    const decision = closing(VK)
      .given([periodOpened(), deposited('100')])
      .when(usedAt('u-before', '3', '2026-03-15T08:00:00.000Z', CLOSURE)).decision;
    expect(eventsOf(decision)).toMatchObject([
      { type: 'ResourceConsumed', data: { usageRecordId: 'u-before', amount: '3', balanceAfter: '97' } },
    ]);
  });

  it('without a closure the same late usage is charged as ever (the rule applies only to closing accounts)', () => {
    const decision = closing(VK, null)
      .given([periodOpened(), deposited('100')])
      .when(usedAt('u-after', '1', '2026-03-15T09:00:00.000Z', '2026-03-15T10:00:00.000Z')).decision;
    expect(eventsOf(decision).map((e) => e.type)).toEqual(['ResourceConsumed']);
  });

  it('a retry of a record booked before the closure is a duplicate, not a refusal', () => {
    const record = usedAt('u-1', '1', '2026-03-15T08:00:00.000Z', CLOSURE);
    closing(VK)
      .given(booked(VK, [periodOpened(), deposited('100')], record))
      .when(record)
      .thenNothing();
  });

  it('refuses a top-up on a balance that is not in debt', () => {
    closing(VK)
      .given([periodOpened(), deposited('100')])
      .when({ type: 'TopUp', paymentId: 'p-2', amount: '50', channel: 'card', at: AFTER })
      .rejects('ACCOUNT_CLOSING', 'amount');
  });

  it('takes a top-up that pays a debt and no more; one above the debt is refused', () => {
    const inDebt = [periodOpened({ balance: '-40' })];
    closing(VK)
      .given(inDebt)
      .when({ type: 'TopUp', paymentId: 'p-more', amount: '40.01', channel: 'card', at: AFTER })
      .rejects('ACCOUNT_CLOSING', 'amount');
    const decision = closing(VK)
      .given(inDebt)
      .when({ type: 'TopUp', paymentId: 'p-debt', amount: '40', channel: 'card', at: AFTER }).decision;
    expect(eventsOf(decision)[0]).toMatchObject({ type: 'FundsDeposited', data: { balanceAfter: '0' } });
  });

  it('issues no grant and no top-up bill, and does not switch auto top-up on', () => {
    const history = closing('vk-legal-prepaid').given([periodOpened({}, 'vk-legal-prepaid')]);
    history
      .when({
        type: 'IssueGrant',
        grantId: 'g',
        kind: 'start',
        amount: '10',
        expiresAt: '2026-05-01T00:00:00.000Z',
        categories: 'all',
        excludedCategories: [],
        priority: 0,
        at: AFTER,
      })
      .rejects('ACCOUNT_CLOSING');
    history
      .when({ type: 'RequestTopUpBill', billId: 'b', amount: '1000', at: AFTER })
      .rejects('ACCOUNT_CLOSING');
    history
      .when({
        type: 'ConfigureAutoTopUp',
        enabled: true,
        threshold: '100',
        amount: '500',
        currency: 'RUB',
        at: AFTER,
      })
      .rejects('ACCOUNT_CLOSING');
  });
});

describe('The final period: closed early at the closure instant (issue 14, item 5)', () => {
  const YC = 'yc-legal-credit';

  it('closes the partial period with its totals, records the real end and dates the bill the closure day', () => {
    const history = booked(
      YC,
      [periodOpened({ creditLimit: '10000' }, YC)],
      usedAt('u-1', '120', '2026-03-05T08:00:00.000Z', '2026-03-05T09:00:00.000Z'),
      usedAt('u-2', '30', '2026-03-14T08:00:00.000Z', '2026-03-14T09:00:00.000Z'),
    );
    const { decision } = closing(YC).given(history).when(finalClose);
    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['BillIssued', 'PeriodClosed']);
    expect(events[0]).toMatchObject({
      type: 'BillIssued',
      data: { kind: 'period', amount: '150', issuedOn: '2026-03-15', dueDate: '2026-03-29' },
    });
    const closed = closedOf(events).data;
    expect(closed).toMatchObject({
      periodId: MARCH.periodId,
      closedAt: AFTER,
      endsEarlyAt: CLOSURE,
      finalDay: '2026-03-15',
      consumption: '150',
      spentFromBalance: '150',
      closingBalance: '-150',
    });
    expect(closed.byService).toMatchObject([{ service: 'Cloud Compute', consumption: '150' }]);
  });

  it('loses every grant left at the closure (GrantExpired), an already expired one at its own expiry', () => {
    const decision = closing('vk-individual-prepaid')
      .given([
        periodOpened(),
        deposited('100'),
        grantIssued('start', '500', '2026-05-01T00:00:00.000Z'),
        grantIssued('promo', '20', '2026-03-12T00:00:00.000Z'),
      ])
      .when(finalClose).decision;
    const events = eventsOf(decision);
    expect(events.slice(0, 2)).toEqual([
      { type: 'GrantExpired', data: { grantId: 'promo', amountLost: '20', at: '2026-03-12T00:00:00.000Z' } },
      { type: 'GrantExpired', data: { grantId: 'start', amountLost: '500', at: CLOSURE } },
    ]);
    expect(closedOf(events).data).toMatchObject({ grantsExpired: '520', closingBalance: '100' });
    expect(closedOf(events).data.carried.grants).toEqual([]);
  });

  it('is refused before the closure instant and outside the period', () => {
    const history = closing('vk-individual-prepaid').given([periodOpened()]);
    history.when({ ...finalClose, at: '2026-03-15T08:59:59.999Z' }).rejects('PERIOD_NOT_ENDED', 'at');
    history
      .when({ ...finalClose, endsEarlyAt: MARCH.endsAt, at: '2026-04-01T00:00:00.000Z' })
      .rejects('CLOSURE_OUTSIDE_PERIOD', 'endsEarlyAt');
  });

  it('closing again is a no-op, and usage before the closure is then refused as a closed period', () => {
    const VK = 'vk-individual-prepaid';
    const closed = booked(VK, [periodOpened(), deposited('100')], finalClose);
    closing(VK).given(closed).when(finalClose).thenNothing();
    closing(VK)
      .given(closed)
      .when(usedAt('u-late', '1', '2026-03-15T08:00:00.000Z', CLOSURE))
      .rejects('PERIOD_CLOSED');
  });

  it('the state remembers the early end (no next period follows a final close without a debt)', () => {
    const VK = 'vk-individual-prepaid';
    const { state } = closing(VK).given(booked(VK, [periodOpened(), deposited('100')], finalClose));
    expect(state).toMatchObject({ phase: 'closed', closedEarlyAt: CLOSURE });
    expect(state.closedCarry).toMatchObject({ balance: '100' });
  });

  it('a closing account’s period is closed early whoever closes it (a month end, a command for a later period)', () => {
    const decision = closing('vk-individual-prepaid')
      .given([periodOpened(), deposited('100')])
      .when({ type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' }).decision;
    expect(closedOf(eventsOf(decision)).data).toMatchObject({ endsEarlyAt: CLOSURE, finalDay: '2026-03-15' });
  });

  it('a regular close records no early end', () => {
    const decision = closing('vk-individual-prepaid', null)
      .given([periodOpened()])
      .when({ type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' }).decision;
    const closed = closedOf(eventsOf(decision)).data;
    expect(closed.endsEarlyAt).toBeUndefined();
    expect(closed.finalDay).toBeUndefined();
  });
});

describe('The entitlement of a closing account (issue 14, item 5)', () => {
  it('nothing new from the closure instant on; before it, or without a closure, the usual rules answer', () => {
    expect(closingEntitlement(CLOSURE, CLOSURE)).toMatchObject({ allowed: false, reason: 'ACCOUNT_CLOSING' });
    expect(closingEntitlement(CLOSURE, AFTER)).toMatchObject({ allowed: false, reason: 'ACCOUNT_CLOSING' });
    expect(closingEntitlement(CLOSURE, '2026-03-15T08:59:59.999Z')).toBeUndefined();
    expect(closingEntitlement(undefined, AFTER)).toBeUndefined();
  });
});
