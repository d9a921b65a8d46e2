import Big from 'big.js';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import type { PaymentMethod } from '../account/account-events.js';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import type { LedgerCommand, LedgerContext, RateUsage } from './ledger-commands.js';
import { decideLedger, type Decision } from './ledger-decide.js';
import type { CarriedState, LedgerEvent } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';

/** A flat test price list: 1 currency unit per unit of quantity, categories by SKU prefix. */
export const flatRate: RateUsage = ({ sku, quantity }) => {
  const categories: Record<string, [string, string]> = {
    compute: ['compute', 'Cloud Compute'],
    storage: ['storage', 'Block Storage'],
    gpu: ['gpu-cluster', 'GPU Clusters'],
  };
  const entry = categories[sku.split('.')[0]!];
  if (!entry)
    return { rejected: true, code: 'UNKNOWN_SKU', message: `sku ${sku} is not in the catalog`, field: 'sku' };
  return {
    amount: new Big(quantity).toFixed(6),
    category: entry[0],
    service: entry[1],
    unit: 'unit',
    catalogVersion: 'test-1',
    keptWhileStopped: entry[0] === 'storage',
  };
};

export const MARCH = {
  periodId: '2026-03',
  startsAt: '2026-02-28T21:00:00.000Z',
  endsAt: '2026-03-31T21:00:00.000Z',
  lastDay: '2026-03-31',
};
export const IN_MARCH = '2026-03-10T09:00:00.000Z';

export const emptyCarried = (overrides: Partial<CarriedState> = {}): CarriedState => ({
  balance: '0',
  creditLimit: '0',
  grants: [],
  status: 'active',
  statusSince: '2026-02-01T00:00:00.000Z',
  everPaid: false,
  openBills: [],
  ...overrides,
});

export function contextFor(profileId: string, paymentMethod?: PaymentMethod): LedgerContext {
  const profile = BUILT_IN_PROFILES.find((p) => p.id === profileId);
  if (!profile) throw new Error(`no profile ${profileId}`);
  return {
    profile,
    rate: flatRate,
    timeZone: 'Europe/Moscow',
    // The profile's first payer type stands for the account's (each built-in profile serves one kind).
    payerType: profile.appliesTo.payerTypes[0],
    ...(paymentMethod ? { paymentMethod } : {}),
  };
}

export function periodOpened(
  carried: Partial<CarriedState> = {},
  profileId = 'vk-individual-prepaid',
): LedgerEvent {
  return {
    type: 'PeriodOpened',
    data: {
      accountId: 'acc-1',
      ...MARCH,
      currency: 'RUB',
      profileId,
      profileVersion: 1,
      carried: emptyCarried(carried),
    },
  };
}

export const deposited = (amount: string, paymentId = `pay-${amount}`): LedgerEvent => ({
  type: 'FundsDeposited',
  data: { paymentId, amount, channel: 'card', countsInDocuments: false, balanceAfter: amount, at: IN_MARCH },
});

export const grantIssued = (
  grantId: string,
  amount: string,
  expiresAt = '2026-05-01T00:00:00.000Z',
  extra = {},
) =>
  ({
    type: 'GrantIssued',
    data: {
      grantId,
      kind: 'start',
      amount,
      remaining: amount,
      issuedAt: '2026-03-01T00:00:00.000Z',
      expiresAt,
      categories: 'all',
      excludedCategories: ['gpu-cluster', 'paid-support', 'marketplace'],
      priority: 0,
      ...extra,
    },
  }) as LedgerEvent;

export const consume = (
  usageRecordId: string,
  sku: string,
  quantity: string,
  windowEnd = IN_MARCH,
): LedgerCommand => ({
  type: 'ConsumeResource',
  usageRecordId,
  sku,
  quantity,
  windowStart: windowEnd,
  windowEnd,
});

/**
 * The ledger's decider specification for a profile (flat test prices, Moscow time):
 * `ledger('yc-legal-prepaid').given([...events]).when(command).then([...events])`.
 */
export const ledger = (profileId: string, paymentMethod?: PaymentMethod) => {
  const context = contextFor(profileId, paymentMethod);
  return DeciderSpecification.for<LedgerCommand, LedgerEvent, LedgerState>({
    decide: (command, state) => decideLedger(command, state, context),
    evolve: evolveLedger,
    initialState: initialLedgerState,
  });
};

/** given(events).when(command) → the decision, for a profile (the ledger specification underneath). */
export function given(profileId: string, ...events: LedgerEvent[]) {
  const history = ledger(profileId).given(events);
  return {
    state: history.state,
    when: (command: LedgerCommand): Decision => history.when(command).decision,
  };
}

export function eventsOf(decision: Decision): LedgerEvent[] {
  if (!decision.ok) throw new Error(`expected events, got rejection ${decision.code}: ${decision.message}`);
  return decision.events;
}

export const typesOf = (decision: Decision) => eventsOf(decision).map((e) => e.type);
