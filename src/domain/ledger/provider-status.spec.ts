import type { CarriedState, LedgerEvent } from './ledger-events.js';
import { IN_MARCH, grantIssued, periodOpened } from './ledger.fixtures.js';
import { evolveLedger, initialLedgerState } from './ledger-state.js';
import { providerStatus } from './provider-status.js';

const PAID = { profileId: 'yc-legal-prepaid', trial: { trial: undefined } };
const TRIAL = { trial: { enabled: true } };

const stateOf = (carried: Partial<CarriedState>, ...events: LedgerEvent[]) =>
  [periodOpened(carried, PAID.profileId), ...events].reduce(evolveLedger, initialLedgerState());
const status = (
  carried: Partial<CarriedState>,
  options: { paymentMethod?: 'bank-transfer' | 'card'; trial?: boolean; events?: LedgerEvent[] } = {},
) =>
  providerStatus(
    stateOf(carried, ...(options.events ?? [])),
    { paymentMethod: options.paymentMethod ?? 'bank-transfer' },
    options.trial ? TRIAL : PAID.trial,
    IN_MARCH,
  );

describe('the second provider’s account statuses (rules §7), from the ledger state', () => {
  it('NEW before the first period opens', () => {
    expect(providerStatus(initialLedgerState(), { paymentMethod: 'card' }, {}, IN_MARCH)).toBe('NEW');
  });

  it('a paid account: ACTIVE, PAYMENT_REQUIRED (FIRST_… when it never paid), SUSPENDED, PENDING_INACTIVATION', () => {
    expect(status({ balance: '100', everPaid: true })).toBe('ACTIVE');
    expect(status({ status: 'payment-required', everPaid: true })).toBe('PAYMENT_REQUIRED');
    expect(status({ status: 'payment-required', everPaid: false })).toBe('FIRST_PAYMENT_REQUIRED');
    expect(status({ status: 'frozen', everPaid: true })).toBe('PAYMENT_REQUIRED');
    expect(status({ status: 'suspended', everPaid: true })).toBe('SUSPENDED');
    expect(status({ status: 'blocked' })).toBe('PENDING_INACTIVATION');
    expect(status({ status: 'deleted' })).toBe('PENDING_INACTIVATION');
  });

  it('nothing paid yet and nothing to spend: PAY_OR_BIND for a card payer, PAYMENT_NOT_CONFIRMED for a bank transfer', () => {
    expect(status({}, { paymentMethod: 'card' })).toBe('PAY_OR_BIND');
    expect(status({}, { paymentMethod: 'bank-transfer' })).toBe('PAYMENT_NOT_CONFIRMED');
    // A grant or a credit limit to spend: active.
    expect(status({}, { events: [grantIssued('g', '100')] })).toBe('ACTIVE');
    expect(status({ creditLimit: '1000' })).toBe('ACTIVE');
  });

  it('a trial: TRIAL_ACTIVE while its grant is usable; at its end TRIAL_SUSPENDED (used up) or TRIAL_EXPIRED', () => {
    const grant = grantIssued('g', '100');
    expect(status({}, { trial: true, events: [grant] })).toBe('TRIAL_ACTIVE');
    expect(status({}, { trial: true, paymentMethod: 'card' })).toBe('PAY_OR_BIND');
    const usedUp = grantIssued('g', '100', '2026-05-01T00:00:00.000Z', { remaining: '0' });
    expect(status({ status: 'suspended' }, { trial: true, events: [usedUp] })).toBe('TRIAL_SUSPENDED');
    const expired = grantIssued('g', '100', '2026-03-05T00:00:00.000Z');
    expect(status({ status: 'suspended' }, { trial: true, events: [expired] })).toBe('TRIAL_EXPIRED');
  });

  it('closing at the customer’s request (issue 14, item 5): PENDING_INACTIVATION from the closure instant on', () => {
    const state = stateOf({ balance: '100', everPaid: true });
    const closing = { paymentMethod: 'bank-transfer' as const, closureRequestedAt: IN_MARCH };
    expect(providerStatus(state, closing, PAID.trial, IN_MARCH)).toBe('PENDING_INACTIVATION');
    // As of a moment before the request, the account was still active.
    expect(providerStatus(state, closing, PAID.trial, '2026-03-10T08:59:59.999Z')).toBe('ACTIVE');
    // A trial account closing too: the closure wins over the trial's statuses.
    expect(providerStatus(state, closing, TRIAL, IN_MARCH)).toBe('PENDING_INACTIVATION');
  });
});
