import Big from 'big.js';
import { deepFreeze } from '../../../test/support/decider-specification.js';
import { idSetShape } from '../shared/id-set.js';
import type { LedgerCommand } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent, LedgerEventOf, LedgerEventType } from './ledger-events.js';
import { evolveLedger, initialLedgerState, projectKey, skuKey, type LedgerState } from './ledger-state.js';
import {
  IN_MARCH,
  MARCH,
  consume,
  contextFor,
  deposited,
  grantIssued,
  periodOpened,
} from './ledger.fixtures.js';

/**
 * Everything a value holds, as plain data: Maps, Sets and the ids inside an IdSet included, which
 * Object.freeze cannot protect.
 */
function snapshotOf(value: unknown): unknown {
  if (value instanceof Big) return `Big(${value.toFixed()})`;
  if (value instanceof Map) return ['Map', [...value].map(([k, v]) => [k, snapshotOf(v)])];
  if (value instanceof Set) return ['Set', [...value].map(snapshotOf)];
  if (Array.isArray(value)) return value.map(snapshotOf);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshotOf(v)]));
  }
  return value;
}

/** Evolves a deep-frozen state and checks neither it nor the event changed. */
function evolveChecked(state: LedgerState, event: LedgerEvent): LedgerState {
  const before = snapshotOf(state);
  const eventBefore = snapshotOf(event);
  const after = evolveLedger(deepFreeze(state), deepFreeze(event));
  expect(snapshotOf(state)).toEqual(before);
  expect(snapshotOf(event)).toEqual(eventBefore);
  return after;
}

const replay = (events: LedgerEvent[]) => events.reduce(evolveLedger, initialLedgerState());

const CREDIT = 'yc-legal-credit';
const opened = () =>
  periodOpened(
    {
      creditLimit: '1000',
      grants: [grantIssued('carried', '30').data as LedgerEventOf<'GrantIssued'>['data']],
      openBills: [
        {
          billId: 'feb',
          kind: 'period',
          amount: '50',
          paid: '10',
          issuedOn: '2026-03-01',
          dueDate: '2026-03-14',
        },
      ],
    },
    CREDIT,
  );
const frozen: LedgerEvent = {
  type: 'AccountFrozen',
  data: { balance: '-1', at: IN_MARCH, deleteObjectsAt: '2026-03-13T09:00:00.000Z', everPaid: false },
};
const paymentRequired: LedgerEvent = {
  type: 'PaymentRequired',
  data: { availableFunds: '0', at: IN_MARCH, suspendAt: '2026-03-17T09:00:00.000Z' },
};
const noticeSent = (daysBefore: number): LedgerEvent => ({
  type: 'SuspensionNoticeSent',
  data: { daysBefore, suspendAt: '2026-03-17T09:00:00.000Z', reason: 'funds-exhausted', at: IN_MARCH },
});
const suspended: LedgerEvent = {
  type: 'AccountSuspended',
  data: {
    at: '2026-03-17T09:00:00.000Z',
    reason: 'funds-exhausted',
    debt: '10',
    deleteAt: '2026-05-16T09:00:00.000Z',
  },
};
const consumed = (usageRecordId: string, fromGrants: Array<{ grantId: string; amount: string }> = []) => {
  const fromGrant = fromGrants.reduce((sum, part) => sum.plus(part.amount), new Big(0));
  return {
    type: 'ResourceConsumed',
    data: {
      usageRecordId,
      sku: 'compute.vcpu',
      service: 'Cloud Compute',
      category: 'compute',
      unit: 'unit',
      quantity: '5',
      windowStart: IN_MARCH,
      windowEnd: IN_MARCH,
      catalogVersion: 'test-1',
      amount: '5',
      fromGrants,
      fromBalance: new Big(5).minus(fromGrant).toFixed(),
      balanceAfter: '0',
    },
  } satisfies LedgerEvent;
};
const bill: LedgerEvent = {
  type: 'BillIssued',
  data: {
    billId: 'mid',
    kind: 'mid-period',
    amount: '20',
    paid: '0',
    issuedOn: '2026-03-10',
    dueDate: '2026-03-12',
    reason: 'credit limit exhausted',
  },
};
const topUpBill: LedgerEvent = {
  type: 'TopUpBillIssued',
  data: { billId: 'tb-1', amount: '1000', issuedOn: '2026-03-10', dueDate: '2026-03-15', at: IN_MARCH },
};

const autoTopUpConfigured: LedgerEventOf<'AutoTopUpConfigured'> = {
  type: 'AutoTopUpConfigured',
  data: { enabled: true, threshold: '100', amount: '500', currency: 'RUB', at: IN_MARCH },
};
const autoTopUpRequested: LedgerEventOf<'AutoTopUpRequested'> = {
  type: 'AutoTopUpRequested',
  data: {
    requestId: 'acc-1-atu-1',
    amount: '500',
    currency: 'RUB',
    attempt: 1,
    threshold: '100',
    balance: '90',
    at: IN_MARCH,
  },
};

const refundRequested: LedgerEventOf<'RefundRequested'> = {
  type: 'RefundRequested',
  data: {
    refundId: 'r1',
    amount: '4',
    currency: 'RUB',
    parts: [{ paymentId: 'p1', channel: 'card', amount: '4' }],
    reason: 'customer asked',
    by: 'ops',
    at: IN_MARCH,
    balanceAfter: '6',
  },
};

/** One history and one event for every event type (the compiler checks none is missing). */
const EVERY_EVENT: { [T in LedgerEventType]: [LedgerEvent[], LedgerEventOf<T>] } = {
  PeriodOpened: [
    [],
    periodOpened(
      {
        freeze: {
          since: IN_MARCH,
          deleteObjectsAt: IN_MARCH,
          objectStorage: 'read-only',
          objectsQueued: false,
        },
        suspension: { noticesSent: ['x/3'], penaltiesAccrued: '1' },
        grants: [grantIssued('g', '1').data as LedgerEventOf<'GrantIssued'>['data']],
      },
      CREDIT,
    ) as LedgerEventOf<'PeriodOpened'>,
  ],
  FundsDeposited: [
    [opened(), deposited('10', 'p1')],
    deposited('20', 'p2') as LedgerEventOf<'FundsDeposited'>,
  ],
  GrantIssued: [[opened()], grantIssued('g2', '10') as LedgerEventOf<'GrantIssued'>],
  GrantExpired: [
    [opened()],
    { type: 'GrantExpired', data: { grantId: 'carried', amountLost: '30', at: IN_MARCH } },
  ],
  ResourceConsumed: [[opened(), consumed('u1')], consumed('u2', [{ grantId: 'carried', amount: '2' }])],
  CreditLimitSet: [[opened()], { type: 'CreditLimitSet', data: { creditLimit: '2000', at: IN_MARCH } }],
  AccountFrozen: [[opened()], frozen as LedgerEventOf<'AccountFrozen'>],
  AccountUnfrozen: [[opened(), frozen], { type: 'AccountUnfrozen', data: { balance: '1', at: IN_MARCH } }],
  FrozenObjectsQueuedForDeletion: [
    [opened(), frozen],
    { type: 'FrozenObjectsQueuedForDeletion', data: { at: IN_MARCH, frozenSince: IN_MARCH } },
  ],
  ObjectStorageBlocked: [
    [opened(), frozen],
    { type: 'ObjectStorageBlocked', data: { at: IN_MARCH, frozenSince: IN_MARCH } },
  ],
  ObjectStorageDeleted: [
    [opened(), frozen, { type: 'ObjectStorageBlocked', data: { at: IN_MARCH, frozenSince: IN_MARCH } }],
    { type: 'ObjectStorageDeleted', data: { at: IN_MARCH, frozenSince: IN_MARCH } },
  ],
  PaymentRequired: [[opened()], paymentRequired as LedgerEventOf<'PaymentRequired'>],
  PaymentRequirementCleared: [
    [opened(), paymentRequired],
    { type: 'PaymentRequirementCleared', data: { availableFunds: '5', at: IN_MARCH } },
  ],
  BillIssued: [[opened()], bill as LedgerEventOf<'BillIssued'>],
  TopUpBillIssued: [[opened()], topUpBill as LedgerEventOf<'TopUpBillIssued'>],
  TopUpBillPaid: [
    [opened(), topUpBill],
    {
      type: 'TopUpBillPaid',
      data: { billId: 'tb-1', paymentId: 'p-tb', amount: '1000', fullyPaid: true, at: IN_MARCH },
    },
  ],
  SuspensionNoticeSent: [
    [opened(), paymentRequired, noticeSent(7)],
    noticeSent(3) as LedgerEventOf<'SuspensionNoticeSent'>,
  ],
  AccountSuspended: [
    [opened(), paymentRequired, noticeSent(7)],
    suspended as LedgerEventOf<'AccountSuspended'>,
  ],
  AccountRestored: [
    [opened(), paymentRequired, suspended],
    { type: 'AccountRestored', data: { at: IN_MARCH, suspendedAt: IN_MARCH, balance: '0' } },
  ],
  PenaltyAccrued: [
    [opened(), paymentRequired, suspended],
    {
      type: 'PenaltyAccrued',
      data: {
        day: '2026-03-18',
        at: IN_MARCH,
        debt: '10',
        amount: '0.01',
        totalAccrued: '0.01',
        capReached: false,
        balanceAfter: '-10.01',
      },
    },
  ],
  AccountBlocked: [
    [opened(), paymentRequired, suspended],
    { type: 'AccountBlocked', data: { at: IN_MARCH, suspendedAt: IN_MARCH } },
  ],
  BillPaymentApplied: [
    [opened(), bill],
    {
      type: 'BillPaymentApplied',
      data: { billId: 'mid', paymentId: 'p', amount: '5', remaining: '15', fullyPaid: false, at: IN_MARCH },
    },
  ],
  AutoTopUpConfigured: [[opened()], autoTopUpConfigured],
  AutoTopUpRequested: [[opened(), autoTopUpConfigured], autoTopUpRequested],
  AutoTopUpFailed: [
    [opened(), autoTopUpConfigured, autoTopUpRequested],
    {
      type: 'AutoTopUpFailed',
      data: { requestId: 'acc-1-atu-1', attempt: 1, reason: 'declined', at: IN_MARCH },
    },
  ],
  RefundRequested: [[opened(), deposited('10', 'p1')], refundRequested],
  RefundCompleted: [
    [opened(), deposited('10', 'p1'), refundRequested],
    { type: 'RefundCompleted', data: { refundId: 'r1', at: IN_MARCH } },
  ],
  RefundFailed: [
    [opened(), deposited('10', 'p1'), refundRequested],
    {
      type: 'RefundFailed',
      data: { refundId: 'r1', reason: 'closed card', at: IN_MARCH, amount: '4', balanceAfter: '10' },
    },
  ],
  PeriodClosed: [
    [opened()],
    {
      type: 'PeriodClosed',
      data: {
        periodId: MARCH.periodId,
        closedAt: MARCH.endsAt,
        openingBalance: '0',
        closingBalance: '0',
        deposits: '0',
        documentEligibleDeposits: '0',
        grantsUsed: '0',
        grantsExpired: '0',
        consumption: '0',
        spentFromBalance: '0',
        penalties: '0',
        byService: [],
        carried: {
          balance: '0',
          creditLimit: '1000',
          grants: [],
          status: 'active',
          statusSince: IN_MARCH,
          everPaid: false,
          openBills: [],
        },
      },
    },
  ],
  CommitmentShortfallCharged: [
    [opened(), deposited('10', 'p1')],
    {
      type: 'CommitmentShortfallCharged',
      data: {
        commitmentId: 'c1',
        periodId: MARCH.periodId,
        committed: '100',
        used: '40',
        shortfall: '60',
        fromBalanceBy: [{ source: 'card', amount: '10' }],
        balanceAfter: '-50',
        at: MARCH.endsAt,
      },
    },
  ],
  ChargeCorrected: [
    [opened(), deposited('10', 'p1'), consumed('u1', [{ grantId: 'carried', amount: '2' }])],
    {
      type: 'ChargeCorrected',
      data: {
        correctionId: 'void:u1',
        kind: 'usage-voided',
        correctsPeriod: MARCH.periodId,
        service: 'Cloud Compute',
        category: 'compute',
        sku: 'compute.vcpu',
        usageRecordId: 'u1',
        quantityChange: '-5',
        amount: '-5',
        fromGrants: [{ grantId: 'carried', amount: '-2' }],
        fromBalance: '-3',
        fromBalanceBy: [{ source: 'card', amount: '-3' }],
        balanceAfter: '10',
        reason: 'meter fault',
        by: 'ops:alice',
        at: IN_MARCH,
      },
    },
  ],
};

describe('evolveLedger is pure', () => {
  it.each(Object.entries(EVERY_EVENT))(
    '%s leaves the state it is given as it was',
    (_type, [history, event]) => {
      const before = replay(history);
      const after = evolveChecked(before, event);
      expect(after).not.toBe(before);
    },
  );

  it('a fully paid bill leaves the open bills of the earlier state as they were', () => {
    evolveChecked(replay([opened(), bill]), {
      type: 'BillPaymentApplied',
      data: { billId: 'mid', paymentId: 'p', amount: '20', remaining: '0', fullyPaid: true, at: IN_MARCH },
    });
  });

  it.each(['vk-individual-prepaid', 'yc-legal-prepaid', 'yc-legal-credit', 'yc-trial'])(
    'a period of real decisions for %s (the ledger fixtures) never changes an earlier state',
    (profileId) => {
      const context = contextFor(profileId);
      const commands: LedgerCommand[] = [
        { type: 'SetCreditLimit', creditLimit: '100', at: IN_MARCH },
        { type: 'TopUp', paymentId: 'p1', amount: '50', channel: 'bank-transfer', at: IN_MARCH },
        {
          type: 'IssueGrant',
          grantId: 'g1',
          kind: 'promo',
          amount: '20',
          expiresAt: '2026-03-20T00:00:00.000Z',
          categories: 'all',
          excludedCategories: [],
          priority: 0,
          at: IN_MARCH,
        },
        consume('u1', 'compute.vcpu', '30'),
        consume('u2', 'storage.ssd', '60'),
        consume('u3', 'compute.vcpu', '100'),
        { type: 'SendSuspensionNotice', suspendAt: '2026-03-17T09:00:00.000Z', daysBefore: 3, at: IN_MARCH },
        { type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: '2026-03-17T09:00:00.000Z' },
        { type: 'QueueFrozenObjects', at: '2026-03-20T09:00:00.000Z' },
        { type: 'AccruePenalty', day: '2026-03-18', at: '2026-03-18T09:00:00.000Z' },
        { type: 'ExpireGrants', at: '2026-03-21T00:00:00.000Z' },
        {
          type: 'TopUp',
          paymentId: 'p2',
          amount: '500',
          channel: 'bank-transfer',
          at: '2026-03-22T00:00:00.000Z',
        },
        { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' },
      ];
      let state = replay([periodOpened({}, profileId), deposited('10', 'p0'), grantIssued('start', '15')]);
      const seen = new Set<string>();
      for (const command of commands) {
        const before = snapshotOf(state);
        const decision = decideLedger(command, deepFreeze(state), context);
        expect(snapshotOf(state)).toEqual(before);
        if (!decision.ok) continue;
        for (const event of decision.events) {
          seen.add(event.type);
          state = evolveChecked(state, event);
        }
      }
      expect(seen).toContain('PeriodClosed');
      expect(state.phase).toBe('closed');
    },
  );
});

describe('evolveLedger copies only what an event changes', () => {
  const usage = (count: number) => Array.from({ length: count }, (_, i) => consumed(`u${i}`));

  it('a charge shares the payments, bills and (when no grant pays) the grants of the state before', () => {
    const before = replay([opened(), deposited('10', 'p1'), bill, consumed('u0')]);
    const after = evolveLedger(before, consumed('u1'));
    expect(after.payments).toBe(before.payments);
    expect(after.openBills).toBe(before.openBills);
    expect(after.grants).toBe(before.grants);
    expect(after.usageRecords.has('u1') && !before.usageRecords.has('u1')).toBe(true);
  });

  it('a top-up shares the usage records and the per-SKU and per-service totals', () => {
    const before = replay([opened(), ...usage(50)]);
    const after = evolveLedger(before, deposited('10', 'p1'));
    expect(after.usageRecords).toBe(before.usageRecords);
    expect(after.skuQuantities).toBe(before.skuQuantities);
    expect(after.byService).toBe(before.byService);
    expect(after.grants).toBe(before.grants);
  });

  it('replaying 20 000 usage records stays linear: doubling the records about doubles the ids copied', () => {
    const copied = (count: number) => {
      const state = replay([opened(), ...usage(count)]);
      expect(state.usageRecords.size).toBe(count);
      expect(state.consumption.toFixed()).toBe(String(5 * count));
      return idSetShape(state.usageRecords).idsCopied;
    };
    const twenty = copied(20_000);
    // Copying the period's record ids on every event would copy about 200 000 000 ids here.
    expect(twenty).toBeLessThan(20_000 * 32);
    expect(twenty / copied(10_000)).toBeLessThan(2.3);
  });
});

describe('the keys of the per-SKU and per-project totals', () => {
  it('join their parts, for every pair asked, before and after the remembered keys reach their bound', () => {
    // 12 000 services × 2 SKUs and 12 000 projects: more than the 10 000 keys remembered, each asked twice.
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 12_000; i++) {
        expect(skuKey(`s${i}`, 'vcpu')).toBe(`s${i}\u0000vcpu`);
        expect(skuKey(`s${i}`, `vcpu${i % 3}`)).toBe(`s${i}\u0000vcpu${i % 3}`);
        expect(skuKey('compute', `k${i}`)).toBe(`compute\u0000k${i}`);
        expect(projectKey(`p${i}`, 'compute', 'vcpu')).toBe(`p${i}\u0000compute\u0000vcpu`);
        expect(projectKey('web', `s${i % 7}`, `k${i}`)).toBe(`web\u0000s${i % 7}\u0000k${i}`);
      }
  });
});
