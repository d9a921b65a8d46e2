import { DeciderSpecification } from '../../../../test/support/decider-specification.js';
import type { LedgerCommand, LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import { decideLedger } from '../ledger-decide.js';
import type { CarriedState, ChargeCorrection, LedgerEvent, LedgerEventOf } from '../ledger-events.js';
import { contextFor, emptyCarried, grantIssued, IN_MARCH, ledger, MARCH } from '../ledger.fixtures.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger-state.js';
import { usageRecordFacts, type UsageRecordFacts } from '../usage-records.js';

const YC = 'yc-legal-prepaid';
const VK = 'vk-individual-prepaid';
const APRIL = {
  periodId: '2026-04',
  startsAt: '2026-03-31T21:00:00.000Z',
  endsAt: '2026-04-30T21:00:00.000Z',
  lastDay: '2026-04-30',
};
const IN_APRIL = '2026-04-05T09:00:00.000Z';

const opened = (period: typeof MARCH, carried: Partial<CarriedState> = {}, profileId = YC): LedgerEvent => ({
  type: 'PeriodOpened',
  data: {
    accountId: 'acc-1',
    ...period,
    currency: 'RUB',
    profileId,
    profileVersion: 1,
    carried: emptyCarried(carried),
  },
});
/** April open, 100 on the balance from a card. */
const april = (carried: Partial<CarriedState> = {}, profileId = YC) =>
  opened(APRIL, { balance: '100', funding: [{ source: 'card', amount: '100' }], ...carried }, profileId);

const lateUsage = (overrides: Partial<LedgerCommandOf<'BookLateUsage'>> = {}): LedgerCommand => ({
  type: 'BookLateUsage',
  usageRecordId: 'u-late',
  sku: 'compute.vcpu',
  quantity: '5',
  windowStart: IN_MARCH,
  windowEnd: IN_MARCH,
  closedPeriod: { periodId: MARCH.periodId, endsAt: MARCH.endsAt, quantityBefore: '0' },
  by: 'key:meter',
  at: IN_APRIL,
  ...overrides,
});

const corrected = (data: Partial<ChargeCorrection>): LedgerEventOf<'ChargeCorrected'> => ({
  type: 'ChargeCorrected',
  data: expect.objectContaining(data) as ChargeCorrection,
});

/** A March record of 5 units: 2 from grant g, 3 from the card's deposit. */
const marchRecord: LedgerEvent = {
  type: 'ResourceConsumed',
  data: {
    usageRecordId: 'u-1',
    sku: 'compute.vcpu',
    service: 'Cloud Compute',
    category: 'compute',
    unit: 'unit',
    quantity: '5',
    windowStart: IN_MARCH,
    windowEnd: IN_MARCH,
    catalogVersion: 'test-1',
    amount: '5',
    fromGrants: [{ grantId: 'g', amount: '2' }],
    fromBalance: '3',
    fromBalanceBy: [{ source: 'card', amount: '3' }],
    balanceAfter: '97',
  },
};
const recordU1 = (): UsageRecordFacts =>
  usageRecordFacts('u-1', [{ periodId: MARCH.periodId, events: [opened(MARCH), marchRecord] }])!;
const grantG = (remaining: string, expiresAt = '2026-06-01T00:00:00.000Z') => {
  const grant = grantIssued('g', '10', expiresAt).data as LedgerEventOf<'GrantIssued'>['data'];
  return { ...grant, remaining };
};
const voidU1 = (record = recordU1()): LedgerCommand => ({
  type: 'VoidUsageRecord',
  record,
  reason: 'meter sent it twice',
  reference: 'TICKET-7',
  by: 'ops:alice',
  at: IN_APRIL,
});
const rerateU1 = (change: { quantity?: string; priceAt?: string }, record = recordU1()): LedgerCommand => ({
  type: 'RerateUsageRecord',
  record,
  ...change,
  reason: 'wrong quantity',
  by: 'ops:alice',
  at: IN_APRIL,
});
const adjust = (overrides: Partial<LedgerCommandOf<'Adjust'>> = {}): LedgerCommand => ({
  type: 'Adjust',
  adjustmentId: 'adj-1',
  direction: 'credit',
  amount: '10',
  period: MARCH.periodId,
  service: 'Cloud Compute',
  category: 'compute',
  reason: 'outage compensation',
  reference: 'INC-42',
  by: 'ops:alice',
  at: IN_APRIL,
  ...overrides,
});

const stateAfter = (events: LedgerEvent[]): LedgerState => events.reduce(evolveLedger, initialLedgerState());
const eventsOf = (events: LedgerEvent[], command: LedgerCommand, profileId = YC): LedgerEvent[] => {
  const decision = decideLedger(command, stateAfter(events), contextFor(profileId));
  if (!decision.ok) throw new Error(`${decision.code}: ${decision.message}`);
  return decision.events;
};

describe('BookLateUsage (issue 14): usage of a closed period, booked in the open one', () => {
  it('is rated at its usage instant and paid like a charge booked now, naming the period it belongs to', () => {
    ledger(YC)
      .given([april()])
      .when(lateUsage())
      .then(
        corrected({
          correctionId: 'late:u-late',
          kind: 'late-usage',
          correctsPeriod: '2026-03',
          service: 'Cloud Compute',
          category: 'compute',
          sku: 'compute.vcpu',
          usageRecordId: 'u-late',
          usage: {
            quantity: '5',
            unit: 'unit',
            windowStart: IN_MARCH,
            windowEnd: IN_MARCH,
            catalogVersion: 'test-1',
            ratedAmount: '5.000000',
          },
          amount: '5',
          fromGrants: [],
          fromBalance: '5',
          fromBalanceBy: [{ source: 'card', amount: '5' }],
          balanceAfter: '95',
          by: 'key:meter',
          at: IN_APRIL,
        }),
      );
  });

  it('grants usable now pay first (the simplest honest rule: a charge booked now)', () => {
    const events = eventsOf([april({ grants: [grantG('3')] })], lateUsage());
    expect(events[0]!.data).toMatchObject({ fromGrants: [{ grantId: 'g', amount: '3' }], fromBalance: '2' });
  });

  it('is accepted up to 35 days after the period ends, then refused naming the rule and the field', () => {
    const lastAccepted = '2026-05-05T21:00:00.000Z'; // March ends 2026-03-31T21:00Z, + 35 days
    const may = opened({
      periodId: '2026-05',
      startsAt: APRIL.endsAt,
      endsAt: '2026-05-31T21:00:00.000Z',
      lastDay: '2026-05-31',
    });
    expect(eventsOf([may], lateUsage({ at: lastAccepted }))[0]!.type).toBe('ChargeCorrected');
    ledger(YC)
      .given([may])
      .when(lateUsage({ at: '2026-05-05T21:00:00.001Z' }))
      .rejects('LATE_USAGE_WINDOW_PASSED', {
        field: 'windowEnd',
        message:
          "windowEnd is in period 2026-03, closed; its late usage was accepted until 2026-05-05T21:00:00.000Z (35 days after the period's end)",
      });
  });

  it("the window is the profile's lateUsage.windowDays", () => {
    const base = contextFor(YC);
    const context: LedgerContext = { ...base, profile: { ...base.profile, lateUsage: { windowDays: 3 } } };
    const spec = DeciderSpecification.for<LedgerCommand, LedgerEvent, LedgerState>({
      decide: (command, state) => decideLedger(command, state, context),
      evolve: evolveLedger,
      initialState: initialLedgerState,
    });
    spec
      .given([april()])
      .when(lateUsage({ at: '2026-04-03T21:00:00.001Z' }))
      .rejects('LATE_USAGE_WINDOW_PASSED', 'windowEnd');
    spec
      .given([april()])
      .when(lateUsage({ at: '2026-04-03T21:00:00.000Z' }))
      .then(corrected({ amount: '5' }));
  });

  it("a retry of the same record is a duplicate; its id joins the period's usage records", () => {
    const history = [april(), ...eventsOf([april()], lateUsage())];
    ledger(YC).given(history).when(lateUsage()).thenNothing();
    expect(stateAfter(history).usageRecords.has('u-late')).toBe(true);
  });

  it('is rated after the quantity its period already holds (tiers, free quotas) and rounded on its own', () => {
    const seen: string[] = [];
    const base = contextFor(VK);
    const context: LedgerContext = {
      ...base,
      rate: (request) => {
        seen.push(request.usedThisPeriodBefore);
        return base.rate(request);
      },
    };
    const decision = decideLedger(
      lateUsage({
        quantity: '0.0001',
        closedPeriod: { periodId: '2026-03', endsAt: MARCH.endsAt, quantityBefore: '40' },
      }),
      stateAfter([april({}, VK)]),
      context,
    );
    expect(seen).toEqual(['40']);
    // The first provider's one-kopeck minimum applies to the record alone: its billing hour is closed.
    expect(decision.ok && decision.events[0]!.data).toMatchObject({ amount: '0.01' });
  });

  it("sets off a charge's consequences: a freeze when the balance goes below zero (first provider)", () => {
    const events = eventsOf(
      [april({ balance: '2', funding: [{ source: 'card', amount: '2' }] }, VK)],
      lateUsage(),
      VK,
    );
    expect(events.map((e) => e.type)).toEqual(['ChargeCorrected', 'AccountFrozen']);
    expect(events[0]!.data).toMatchObject({
      fromBalanceBy: [
        { source: 'card', amount: '2' },
        { source: 'credit', amount: '3' },
      ],
      balanceAfter: '-3',
    });
  });

  it('refuses a window outside the closed period, a period not before the open one and an unknown SKU', () => {
    ledger(YC)
      .given([april()])
      .when(lateUsage({ windowEnd: IN_APRIL, windowStart: IN_APRIL }))
      .rejects('WINDOW_OUTSIDE_PERIOD', 'windowEnd');
    ledger(YC)
      .given([april()])
      .when(lateUsage({ closedPeriod: { periodId: '2026-04', endsAt: APRIL.endsAt, quantityBefore: '0' } }))
      .rejects('WINDOW_OUTSIDE_PERIOD', 'windowEnd');
    ledger(YC)
      .given([april()])
      .when(lateUsage({ sku: 'nothing.such' }))
      .rejects('UNKNOWN_SKU', 'sku');
  });
});

describe('Adjust (issue 14): ops credit or debit an amount for a period', () => {
  it("a credit gives the amount back to the balance, as the provider's internal money", () => {
    ledger(YC)
      .given([april()])
      .when(adjust())
      .then(
        corrected({
          correctionId: 'adjustment:adj-1',
          kind: 'adjustment',
          correctsPeriod: '2026-03',
          amount: '-10',
          fromGrants: [],
          fromBalance: '-10',
          fromBalanceBy: [{ source: 'internal', amount: '-10' }],
          balanceAfter: '110',
          reason: 'outage compensation',
          reference: 'INC-42',
          by: 'ops:alice',
        }),
      );
  });

  it('a debit is charged to the balance only (never to grants), with its consequences', () => {
    const events = eventsOf(
      [april({ balance: '4', funding: [{ source: 'card', amount: '4' }], grants: [grantG('10')] })],
      adjust({ direction: 'debit' }),
    );
    // A usable grant still serves the account: no payment requirement yet.
    expect(events.map((e) => e.type)).toEqual(['ChargeCorrected']);
    expect(events[0]!.data).toMatchObject({
      amount: '10',
      fromGrants: [],
      fromBalance: '10',
      fromBalanceBy: [
        { source: 'card', amount: '4' },
        { source: 'credit', amount: '6' },
      ],
      balanceAfter: '-6',
    });
    const withoutGrant = eventsOf(
      [april({ balance: '4', funding: [{ source: 'card', amount: '4' }] })],
      adjust({ direction: 'debit' }),
    );
    expect(withoutGrant.map((e) => e.type)).toEqual(['ChargeCorrected', 'PaymentRequired']);
  });

  it('refuses a bad amount, an empty reason and a period after the open one; the same id twice is booked once', () => {
    ledger(YC)
      .given([april()])
      .when(adjust({ amount: '0' }))
      .rejects('AMOUNT_NOT_POSITIVE', 'amount');
    ledger(YC)
      .given([april()])
      .when(adjust({ amount: '1.234' }))
      .rejects('INVALID_AMOUNT', 'amount');
    ledger(YC)
      .given([april()])
      .when(adjust({ amount: '-5' }))
      .rejects('AMOUNT_NOT_POSITIVE', 'amount');
    ledger(YC)
      .given([april()])
      .when(adjust({ reason: '  ' }))
      .rejects('REASON_REQUIRED', 'reason');
    ledger(YC)
      .given([april()])
      .when(adjust({ period: '2026-05' }))
      .rejects('PERIOD_NOT_BOOKED', 'period');
    ledger(YC)
      .given([april(), ...eventsOf([april()], adjust())])
      .when(adjust())
      .thenNothing();
  });

  it("a correction of a closed period leaves the open period's consumption alone and is kept apart for it", () => {
    const events = [april(), ...eventsOf([april()], adjust())];
    const state = stateAfter(events);
    expect(state.consumption.toFixed()).toBe('0');
    expect(state.byService.size).toBe(0);
    const closed = eventsOf(events, { type: 'ClosePeriod', at: APRIL.endsAt, timeZone: 'Europe/Moscow' });
    expect(closed.at(-1)).toMatchObject({
      type: 'PeriodClosed',
      data: {
        consumption: '0',
        openingBalance: '100',
        closingBalance: '110',
        corrections: [
          {
            correctsPeriod: '2026-03',
            amount: '-10',
            fromGrants: '0',
            fromBalance: '-10',
            items: [expect.objectContaining({ correctionId: 'adjustment:adj-1' })],
          },
        ],
      },
    });
  });

  it('an adjustment of the open period changes its totals (its closing documents include it)', () => {
    const state = stateAfter([
      april(),
      ...eventsOf([april()], adjust({ period: '2026-04', direction: 'debit', amount: '7' })),
    ]);
    expect(state.consumption.toFixed()).toBe('7');
    expect(state.byService.get('Cloud Compute')?.consumption.toFixed()).toBe('7');
    expect(state.bySku.get('Cloud Compute\u0000adjustment')?.fromBalance.toFixed()).toBe('7');
  });
});

describe('VoidUsageRecord (issue 14)', () => {
  it('gives back what the record charged to exactly the grant and the source it drew from', () => {
    const history = [april({ grants: [grantG('0')] })];
    ledger(YC)
      .given(history)
      .when(voidU1())
      .then(
        corrected({
          correctionId: 'void:u-1',
          kind: 'usage-voided',
          correctsPeriod: '2026-03',
          usageRecordId: 'u-1',
          sku: 'compute.vcpu',
          quantityChange: '-5',
          amount: '-5',
          fromGrants: [{ grantId: 'g', amount: '-2' }],
          fromBalance: '-3',
          fromBalanceBy: [{ source: 'card', amount: '-3' }],
          balanceAfter: '103',
          reason: 'meter sent it twice',
          reference: 'TICKET-7',
        }),
      );
    const after = stateAfter([...history, ...eventsOf(history, voidU1())]);
    expect(after.grants.get('g')?.remaining).toBe('2');
    expect(after.balance.toFixed()).toBe('103');
    expect(after.funding.map((p) => [p.source, p.amount.toFixed()])).toEqual([['card', '103']]);
  });

  it('a part for a grant that has gone or expired goes nowhere: counted as expired, not paid out', () => {
    for (const carried of [{ grants: [] }, { grants: [grantG('0', '2026-04-01T00:00:00.000Z')] }]) {
      const history = [april(carried)];
      const voided = eventsOf(history, voidU1());
      expect(voided[0]!.data).toMatchObject({ grantsLost: [{ grantId: 'g', amount: '2' }] });
      const after = stateAfter([...history, ...voided]);
      expect(after.balance.toFixed()).toBe('103');
      expect(after.grantsExpired.toFixed()).toBe('2');
      expect(after.grants.get('g')?.remaining ?? '0').toBe('0');
    }
  });

  it('voiding twice is refused with a stable code, in the same period or after', () => {
    const history = [april({ grants: [grantG('0')] })];
    ledger(YC)
      .given([...history, ...eventsOf(history, voidU1())])
      .when(voidU1())
      .rejects('USAGE_RECORD_ALREADY_VOIDED');
    ledger(YC)
      .given(history)
      .when(voidU1({ ...recordU1(), voided: true }))
      .rejects('USAGE_RECORD_ALREADY_VOIDED');
  });

  it("voiding a record of the open period takes it out of that period's totals", () => {
    const own = {
      ...marchRecord,
      data: {
        ...marchRecord.data,
        fromGrants: [],
        fromBalance: '5',
        fromBalanceBy: [{ source: 'card' as const, amount: '5' }],
      },
    } as LedgerEvent;
    const history = [opened(MARCH, { balance: '100', funding: [{ source: 'card', amount: '100' }] }), own];
    const record = usageRecordFacts('u-1', [{ periodId: MARCH.periodId, events: history }])!;
    const after = stateAfter([
      ...history,
      ...eventsOf(history, { ...voidU1(record), at: IN_MARCH } as LedgerCommand),
    ]);
    expect(after.consumption.toFixed()).toBe('0');
    expect(after.byService.get('Cloud Compute')?.consumption.toFixed()).toBe('0');
    expect(after.bySku.get('Cloud Compute\u0000compute.vcpu')?.quantity.toFixed()).toBe('0');
    expect(after.skuQuantities.get('compute.vcpu')?.toFixed()).toBe('0');
    expect(after.balance.toFixed()).toBe('100');
  });
});

describe('RerateUsageRecord (issue 14)', () => {
  it('a higher quantity charges the difference like a charge booked now', () => {
    ledger(YC)
      .given([april()])
      .when(rerateU1({ quantity: '8' }))
      .then(
        corrected({
          kind: 'usage-rerated',
          correctionId: 'rerate:u-1:1',
          correctsPeriod: '2026-03',
          usage: expect.objectContaining({ quantity: '8', ratedAmount: '8.000000' }),
          quantityChange: '3',
          amount: '3',
          fromBalance: '3',
          fromBalanceBy: [{ source: 'card', amount: '3' }],
          balanceAfter: '97',
        }),
      );
  });

  it('a lower one gives back to the balance first, then to the grants', () => {
    const history = [april({ grants: [grantG('0')] })];
    expect(eventsOf(history, rerateU1({ quantity: '2' }))[0]!.data).toMatchObject({
      amount: '-3',
      fromGrants: [],
      fromBalanceBy: [{ source: 'card', amount: '-3' }],
    });
    expect(eventsOf(history, rerateU1({ quantity: '1' }))[0]!.data).toMatchObject({
      amount: '-4',
      fromGrants: [{ grantId: 'g', amount: '-1' }],
      fromBalance: '-3',
    });
  });

  it('a second re-rate and a void start from what the record charges after the first', () => {
    const history = [april({ grants: [grantG('0')] })];
    const first = eventsOf(history, rerateU1({ quantity: '8' }));
    const record = usageRecordFacts('u-1', [
      { periodId: MARCH.periodId, events: [opened(MARCH), marchRecord] },
      { periodId: APRIL.periodId, events: [...history, ...first] },
    ])!;
    expect(record).toMatchObject({ quantity: '8', charged: '8', correctionIds: ['rerate:u-1:1'] });
    const voided = eventsOf([...history, ...first], voidU1(record));
    expect(voided[0]!.data).toMatchObject({
      amount: '-8',
      fromBalance: '-6',
      fromGrants: [{ grantId: 'g', amount: '-2' }],
    });
  });

  it('refuses a voided record, nothing to change, and a re-rate that changes nothing', () => {
    ledger(YC)
      .given([april()])
      .when(rerateU1({ quantity: '8' }, { ...recordU1(), voided: true }))
      .rejects('USAGE_RECORD_VOIDED');
    ledger(YC).given([april()]).when(rerateU1({})).rejects('NOTHING_TO_RERATE', 'quantity');
    ledger(YC)
      .given([april()])
      .when(rerateU1({ quantity: '5' }))
      .rejects('RERATE_CHANGES_NOTHING', 'quantity');
  });
});

describe('usageRecordFacts: a record as it stands after its corrections', () => {
  it('finds a record booked late, with what it drew', () => {
    const late = eventsOf([april()], lateUsage());
    expect(
      usageRecordFacts('u-late', [{ periodId: APRIL.periodId, events: [april(), ...late] }]),
    ).toMatchObject({
      periodId: '2026-03',
      charged: '5',
      fromBalanceBy: [{ source: 'card', amount: '5' }],
      voided: false,
    });
    expect(
      usageRecordFacts('nope', [{ periodId: APRIL.periodId, events: [april(), ...late] }]),
    ).toBeUndefined();
  });
});

describe('a correction belongs where its usage record does (issue 15)', () => {
  const where = { project: 'shop', resourceId: 'vm-1', labels: { team: 'web', env: 'prod' } };
  const stored = { project: 'shop', resourceId: 'vm-1', labels: { env: 'prod', team: 'web' } };
  const attributed = (event: LedgerEvent) => {
    const d = event.data as ChargeCorrection;
    return { project: d.project, resourceId: d.resourceId, labels: d.labels };
  };

  it("late usage carries the record's project, resource and labels (sorted), and refuses bad ones", () => {
    const [event] = eventsOf([april()], lateUsage(where));
    expect(attributed(event!)).toEqual(stored);
    expect(JSON.stringify(Object.keys((event!.data as ChargeCorrection).labels!))).toBe('["env","team"]');
    ledger(YC)
      .given([april()])
      .when(lateUsage({ project: 'bad project' }))
      .rejects('INVALID_ATTRIBUTION', 'project');
  });

  it("a void and a re-rate copy the original record's attribution, on time or late", () => {
    const onTime = { ...marchRecord, data: { ...marchRecord.data, ...stored } } as LedgerEvent;
    const record = usageRecordFacts('u-1', [{ periodId: MARCH.periodId, events: [opened(MARCH), onTime] }])!;
    const [voided] = eventsOf([april()], voidU1(record));
    expect(attributed(voided!)).toEqual(stored);
    // The cost query counts a void on its record's day: the void carries the record's window.
    expect((voided!.data as ChargeCorrection).usageWindow).toEqual({
      windowStart: IN_MARCH,
      windowEnd: IN_MARCH,
    });
    expect(attributed(eventsOf([april()], rerateU1({ quantity: '8' }, record))[0]!)).toEqual(stored);
    const late = eventsOf([april()], lateUsage(where));
    const lateRecord = usageRecordFacts('u-late', [
      { periodId: APRIL.periodId, events: [april(), ...late] },
    ])!;
    expect(attributed(eventsOf([april(), ...late], voidU1(lateRecord))[0]!)).toEqual(stored);
  });

  it('an adjustment and a record without attribution name none (project `default` in every breakdown)', () => {
    const [adjusted] = eventsOf([april()], adjust());
    expect(attributed(adjusted!)).toEqual({ project: undefined, resourceId: undefined, labels: undefined });
    expect(attributed(eventsOf([april()], voidU1())[0]!)).toEqual({
      project: undefined,
      resourceId: undefined,
      labels: undefined,
    });
  });
});
