import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import {
  PRICING_REJECTIONS as R,
  accountPricingOf,
  decidePricing,
  evolvePricing,
  initialPricingState,
  pricingInForce,
  type EndDiscount,
  type GrantDiscount,
  type MakeCommitment,
  type PricingCommand,
  type PricingEvent,
  type PricingState,
} from './pricing-decide.js';

const spec = DeciderSpecification.for<PricingCommand, PricingEvent, PricingState>({
  decide: decidePricing,
  evolve: evolvePricing,
  initialState: initialPricingState,
});

const NOW = '2026-03-10T09:00:00.000Z';
const KNOWN = {
  'compute.vcpu.hour': 'compute',
  'compute.ram.gb.hour': 'compute',
  'storage.ssd.gb.hour': 'storage',
};
const context = { now: NOW, maxPastDays: 92, knownSkus: KNOWN };

const grant = (overrides: Partial<GrantDiscount> = {}): GrantDiscount => ({
  type: 'GrantDiscount',
  discountId: 'd1',
  sku: 'compute.vcpu.hour',
  percent: '10',
  effectiveFrom: '2026-03-15T00:00:00+03:00',
  reason: 'contract 12',
  ...context,
  ...overrides,
});

const granted = (overrides: Partial<GrantDiscount> = {}): PricingEvent => {
  const decision = spec.given().when(grant(overrides)).decision;
  if (!decision.ok) throw new Error(decision.message);
  return decision.events[0]!;
};

const end = (overrides: Partial<EndDiscount> = {}): EndDiscount => ({
  type: 'EndDiscount',
  discountId: 'd1',
  at: '2026-03-20T00:00:00Z',
  reason: 'contract ended',
  now: '2026-03-16T00:00:00Z',
  maxPastDays: 92,
  ...overrides,
});

const commit = (overrides: Partial<MakeCommitment> = {}): MakeCommitment => ({
  type: 'MakeCommitment',
  commitmentId: 'c1',
  amount: '10000.00',
  currency: 'RUB',
  skus: [],
  categories: ['compute'],
  discountPercent: '20',
  effectiveFrom: '2026-03-31T21:00:00Z',
  months: 3,
  timeZone: 'Europe/Moscow',
  ...context,
  ...overrides,
});

describe('GrantDiscount', () => {
  it('grants a discount on a SKU from an instant, stored in UTC with who-why', () =>
    spec
      .given()
      .when(grant())
      .then({
        type: 'DiscountGranted',
        data: {
          discountId: 'd1',
          sku: 'compute.vcpu.hour',
          percent: '10',
          effectiveFrom: '2026-03-14T21:00:00.000Z',
          reason: 'contract 12',
          grantedAt: NOW,
        },
      }));

  it('grants one on a category, with an end', () =>
    spec
      .given()
      .when(grant({ sku: undefined, category: 'storage', effectiveUntil: '2026-06-01T00:00:00Z' }))
      .then({
        type: 'DiscountGranted',
        data: expect.objectContaining({ category: 'storage', effectiveUntil: '2026-06-01T00:00:00.000Z' }),
      }));

  it.each([['0'], ['0.00'], ['100.01'], ['101'], ['-5'], ['12.345'], ['ten'], ['1e1']])(
    'percent %s is out of range or malformed: PRICING_INVALID naming percent',
    (percent) => spec.given().when(grant({ percent })).rejects(R.invalid, 'percent'),
  );

  it('accepts 100 % and two decimals', () => {
    expect(spec.given().when(grant({ percent: '100' })).decision.ok).toBe(true);
    expect(spec.given().when(grant({ percent: '12.55' })).decision.ok).toBe(true);
  });

  it('names exactly one of sku and category', () => {
    spec
      .given()
      .when(grant({ category: 'compute' }))
      .rejects(R.invalid, 'category');
    spec
      .given()
      .when(grant({ sku: undefined }))
      .rejects(R.invalid, 'sku');
  });

  it('refuses an unknown SKU or category, naming it', () => {
    spec
      .given()
      .when(grant({ sku: 'compute.quantum.hour' }))
      .rejects(R.unknownSku, 'sku');
    spec
      .given()
      .when(grant({ sku: undefined, category: 'quantum' }))
      .rejects(R.unknownCategory, 'category');
  });

  it('refuses an end not after the start, and a time without an offset', () => {
    spec
      .given()
      .when(grant({ effectiveUntil: '2026-03-15T00:00:00+03:00' }))
      .rejects(R.invalid, 'effectiveUntil');
    spec
      .given()
      .when(grant({ effectiveFrom: '2026-03-15T00:00:00' }))
      .rejects(R.invalid, 'effectiveFrom');
  });

  it('may reach back into the effective-time window, not beyond it', () => {
    expect(spec.given().when(grant({ effectiveFrom: '2025-12-09T00:00:00Z' })).decision.ok).toBe(true);
    spec
      .given()
      .when(grant({ effectiveFrom: '2025-12-08T08:59:59Z' }))
      .rejects(R.tooEarly, 'effectiveFrom');
  });

  it('refuses a discount on the same SKU over an overlapping time', () => {
    spec
      .given(granted({ effectiveUntil: '2026-04-01T00:00:00Z' }))
      .when(grant({ discountId: 'd2', effectiveFrom: '2026-03-31T23:59:59Z' }))
      .rejects(R.discountOverlaps, 'effectiveFrom');
    // an open-ended one overlaps everything after its start
    spec
      .given(granted())
      .when(grant({ discountId: 'd2', effectiveFrom: '2027-01-01T00:00:00Z' }))
      .rejects(R.discountOverlaps);
  });

  it('accepts back-to-back discounts, one on another SKU, and a category one beside a SKU one', () => {
    const first = granted({ effectiveUntil: '2026-04-01T00:00:00Z' });
    expect(
      spec.given(first).when(grant({ discountId: 'd2', effectiveFrom: '2026-04-01T00:00:00Z' })).decision.ok,
    ).toBe(true);
    expect(spec.given(first).when(grant({ discountId: 'd2', sku: 'compute.ram.gb.hour' })).decision.ok).toBe(
      true,
    );
    expect(
      spec.given(first).when(grant({ discountId: 'd2', sku: undefined, category: 'compute' })).decision.ok,
    ).toBe(true);
  });

  it('after an early end the time after it is free again', () =>
    spec
      .given([
        granted(),
        {
          type: 'DiscountEnded',
          data: { discountId: 'd1', at: '2026-04-01T00:00:00.000Z', reason: 'x', endedAt: NOW },
        },
      ])
      .when(grant({ discountId: 'd2', effectiveFrom: '2026-04-01T00:00:00Z' }))
      .then({ type: 'DiscountGranted', data: expect.objectContaining({ discountId: 'd2' }) }));

  it('a retry of the same grant stores nothing; other terms under its id are refused', () => {
    spec.given(granted()).when(grant()).thenNothing();
    spec
      .given(granted())
      .when(grant({ percent: '15' }))
      .rejects(R.discountIdTaken, 'discountId');
  });
});

describe('EndDiscount (a new event, never an edit)', () => {
  it('ends a running discount at an instant', () =>
    spec
      .given(granted())
      .when(end())
      .then({
        type: 'DiscountEnded',
        data: {
          discountId: 'd1',
          at: '2026-03-20T00:00:00.000Z',
          reason: 'contract ended',
          endedAt: '2026-03-16T00:00:00Z',
        },
      }));

  it('refuses a discount that has not begun (now, or by the end instant)', () => {
    spec
      .given(granted())
      .when(end({ now: '2026-03-14T00:00:00Z' }))
      .rejects(R.discountNotBegun, 'at');
    spec
      .given(granted())
      .when(end({ at: '2026-03-14T21:00:00Z' }))
      .rejects(R.discountNotBegun, 'at');
  });

  it('refuses a discount already ended, by an end or its own effectiveUntil', () => {
    const ended: PricingEvent = {
      type: 'DiscountEnded',
      data: { discountId: 'd1', at: '2026-03-20T00:00:00.000Z', reason: 'x', endedAt: NOW },
    };
    spec
      .given([granted(), ended])
      .when(end({ at: '2026-03-25T00:00:00Z' }))
      .rejects(R.discountAlreadyEnded, 'at');
    spec
      .given(granted({ effectiveUntil: '2026-03-18T00:00:00Z' }))
      .when(end())
      .rejects(R.discountAlreadyEnded, 'at');
  });

  it('the same end again is a retry: nothing stored', () => {
    const ended: PricingEvent = {
      type: 'DiscountEnded',
      data: { discountId: 'd1', at: '2026-03-20T00:00:00.000Z', reason: 'contract ended', endedAt: NOW },
    };
    spec.given([granted(), ended]).when(end()).thenNothing();
  });

  it('refuses an unknown discount and an end before the effective-time window', () => {
    spec.given().when(end()).rejects(R.discountNotFound, 'discountId');
    spec
      .given(granted({ effectiveFrom: '2025-12-10T00:00:00Z' }))
      .when(end({ at: '2025-12-11T00:00:00Z', now: '2026-03-20T00:00:00Z' }))
      .rejects(R.tooEarly, 'at');
  });
});

describe('MakeCommitment', () => {
  it('makes a commitment from a period start for whole periods', () =>
    spec
      .given()
      .when(commit())
      .then({
        type: 'CommitmentMade',
        data: {
          commitmentId: 'c1',
          amount: '10000.00',
          currency: 'RUB',
          skus: [],
          categories: ['compute'],
          discountPercent: '20',
          effectiveFrom: '2026-03-31T21:00:00.000Z',
          months: 3,
          firstPeriodId: '2026-04',
          lastPeriodId: '2026-06',
          effectiveUntil: '2026-06-30T21:00:00.000Z',
          madeAt: NOW,
        },
      }));

  it('refuses an effectiveFrom that is not a period start in the account time zone', () =>
    spec
      .given()
      .when(commit({ effectiveFrom: '2026-04-01T00:00:00Z' }))
      .rejects(R.notPeriodStart, 'effectiveFrom'));

  it.each([
    [{ amount: '0' }, 'amount'],
    [{ amount: '100.001' }, 'amount'],
    [{ discountPercent: '0' }, 'discountPercent'],
    [{ discountPercent: '100.5' }, 'discountPercent'],
    [{ months: 0 }, 'months'],
    [{ months: 1.5 }, 'months'],
    [{ categories: [] }, 'scope'],
  ] as Array<[Partial<MakeCommitment>, string]>)('refuses %j naming %s', (overrides, field) =>
    spec.given().when(commit(overrides)).rejects(R.invalid, field),
  );

  it('refuses unknown SKUs and categories in the scope, naming the entry', () => {
    spec
      .given()
      .when(commit({ skus: ['compute.vcpu.hour', 'nope'] }))
      .rejects(R.unknownSku, 'scope.skus[1]');
    spec
      .given()
      .when(commit({ categories: ['quantum'] }))
      .rejects(R.unknownCategory, 'scope.categories[0]');
  });

  it('refuses a term beginning before the effective-time window', () =>
    spec
      .given()
      .when(commit({ effectiveFrom: '2025-11-30T21:00:00Z' }))
      .rejects(R.tooEarly, 'effectiveFrom'));

  const made = (overrides: Partial<MakeCommitment> = {}): PricingEvent => {
    const decision = spec.given().when(commit(overrides)).decision;
    if (!decision.ok) throw new Error(decision.message);
    return decision.events[0]!;
  };

  it('refuses a second commitment covering the same usage over overlapping periods', () => {
    // same category
    spec
      .given(made())
      .when(commit({ commitmentId: 'c2', effectiveFrom: '2026-05-31T21:00:00Z' }))
      .rejects(R.commitmentOverlaps, 'scope');
    // a SKU of the committed category
    spec
      .given(made())
      .when(commit({ commitmentId: 'c2', categories: [], skus: ['compute.ram.gb.hour'] }))
      .rejects(R.commitmentOverlaps, 'scope');
  });

  it('accepts one on other usage, or once the first term is over', () => {
    expect(spec.given(made()).when(commit({ commitmentId: 'c2', categories: ['storage'] })).decision.ok).toBe(
      true,
    );
    expect(
      spec.given(made()).when(commit({ commitmentId: 'c2', effectiveFrom: '2026-06-30T21:00:00Z' })).decision
        .ok,
    ).toBe(true);
  });

  it('a retry stores nothing; other terms under its id are refused', () => {
    spec.given(made()).when(commit()).thenNothing();
    spec
      .given(made())
      .when(commit({ amount: '5000.00' }))
      .rejects(R.commitmentIdTaken, 'commitmentId');
  });
});

describe('what the stream puts in force', () => {
  const history: PricingEvent[] = [
    granted({ effectiveUntil: '2026-05-01T00:00:00Z' }),
    {
      type: 'DiscountEnded',
      data: { discountId: 'd1', at: '2026-04-01T00:00:00.000Z', reason: 'x', endedAt: NOW },
    },
    granted({ discountId: 'd2', sku: undefined, category: 'storage' }),
  ];
  const state = history.reduce(evolvePricing, initialPricingState());

  it('the ledger sees each discount up to its early end', () =>
    expect(accountPricingOf(state).discounts).toEqual([
      expect.objectContaining({ discountId: 'd1', effectiveUntil: '2026-04-01T00:00:00.000Z' }),
      expect.not.objectContaining({ effectiveUntil: expect.anything() }),
    ]));

  it('the read lists what is in force at an instant', () => {
    expect(pricingInForce(state, '2026-03-20T00:00:00Z').discounts.map((d) => d.discountId)).toEqual([
      'd1',
      'd2',
    ]);
    expect(pricingInForce(state, '2026-04-01T00:00:00Z').discounts.map((d) => d.discountId)).toEqual(['d2']);
    expect(pricingInForce(state, '2026-03-01T00:00:00Z').discounts).toEqual([]);
  });
});
