import fc from 'fast-check';

import { InvalidInstantError } from './calendar.js';
import {
  DEFAULT_GRANT_ORDER_POLICY,
  GrantAllocationError,
  START_GRANT_EXCLUDED_CATEGORIES,
  START_GRANT_SCOPE,
  START_GRANT_VALIDITY_DAYS,
  VK_GRANT_ORDER_POLICY,
  allocateCharge,
  grantCoversCategory,
  isGrantExpired,
  type ChargeAllocation,
  type Grant,
  type GrantOrderPolicy,
  type GrantScope,
} from './grant-allocation.js';
import { CurrencyMismatchError, Money } from './money.js';

const rub = (amount: string) => Money.of(amount, 'RUB');
const AT = '2026-02-10T12:00:00Z';

const grant = (
  id: string,
  remaining: string,
  overrides: Partial<Omit<Grant, 'id' | 'remaining'>> = {},
): Grant => ({
  id,
  remaining: rub(remaining),
  expiresAt: '2026-03-01T00:00:00Z',
  scope: 'all',
  priority: 0,
  issuedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

const summary = (allocation: ChargeAllocation) => ({
  fromGrants: allocation.fromGrants.map((debit) => [debit.grantId, debit.amount.toString()]),
  fromBalance: allocation.fromBalance.toString(),
});

const allocate = (amount: string, grants: Grant[], order?: GrantOrderPolicy, category = 'compute') =>
  summary(allocateCharge({ amount: rub(amount), category, at: AT, grants, ...(order ? { order } : {}) }));

describe('scopes', () => {
  it('start grants exclude GPU clusters, paid support and the marketplace; they last 60 days', () => {
    expect(START_GRANT_EXCLUDED_CATEGORIES).toEqual(['gpu-cluster', 'paid-support', 'marketplace']);
    expect(START_GRANT_VALIDITY_DAYS).toBe(60);
    for (const excluded of START_GRANT_EXCLUDED_CATEGORIES)
      expect(grantCoversCategory(START_GRANT_SCOPE, excluded)).toBe(false);
    expect(grantCoversCategory(START_GRANT_SCOPE, 'compute')).toBe(true);
  });

  it("'all' covers everything; a category list covers only its categories", () => {
    expect(grantCoversCategory('all', 'gpu-cluster')).toBe(true);
    expect(grantCoversCategory({ categories: ['storage'] }, 'storage')).toBe(true);
    expect(grantCoversCategory({ categories: ['storage'] }, 'compute')).toBe(false);
  });

  it('a start grant does not pay for a GPU cluster: the personal account does', () => {
    expect(
      allocate('100', [grant('start', '4000', { scope: START_GRANT_SCOPE })], undefined, 'gpu-cluster'),
    ).toEqual({
      fromGrants: [],
      fromBalance: '100',
    });
  });
});

describe("default order 'earliest-expiry'", () => {
  it('is the default', () => {
    expect(DEFAULT_GRANT_ORDER_POLICY).toBe('earliest-expiry');
  });

  it('spends grants before the personal account, which takes the rest', () => {
    expect(allocate('150', [grant('a', '100')])).toEqual({ fromGrants: [['a', '100']], fromBalance: '50' });
    expect(allocate('80', [grant('a', '100')])).toEqual({ fromGrants: [['a', '80']], fromBalance: '0' });
  });

  it('earliest expiry first, cascading through every matching grant', () => {
    const grants = [
      grant('late', '100', { expiresAt: '2026-04-01T00:00:00Z' }),
      grant('early', '30', { expiresAt: '2026-02-20T00:00:00Z' }),
      grant('middle', '50', { expiresAt: '2026-03-01T00:00:00Z' }),
    ];
    expect(allocate('120', grants)).toEqual({
      fromGrants: [
        ['early', '30'],
        ['middle', '50'],
        ['late', '40'],
      ],
      fromBalance: '0',
    });
  });

  it('same expiry: higher priority first', () => {
    const grants = [grant('low', '100', { priority: 1 }), grant('high', '100', { priority: 5 })];
    expect(allocate('10', grants).fromGrants).toEqual([['high', '10']]);
  });

  it('expiry beats priority', () => {
    const grants = [
      grant('urgent', '100', { priority: 0, expiresAt: '2026-02-11T00:00:00Z' }),
      grant('important', '100', { priority: 9 }),
    ];
    expect(allocate('10', grants).fromGrants).toEqual([['urgent', '10']]);
  });

  it('same expiry and priority: oldest issue first, then grant id', () => {
    const grants = [
      grant('newer', '100', { issuedAt: '2026-01-05T00:00:00Z' }),
      grant('older', '100', { issuedAt: '2026-01-02T00:00:00Z' }),
    ];
    expect(allocate('10', grants).fromGrants).toEqual([['older', '10']]);
    expect(allocate('10', [grant('b', '100'), grant('a', '100')]).fromGrants).toEqual([['a', '10']]);
  });

  it('compares instants, not strings, across offsets', () => {
    const grants = [
      grant('utc', '100', { expiresAt: '2026-03-01T00:00:00Z' }),
      grant('moscow', '100', { expiresAt: '2026-03-01T02:00:00+03:00' }), // 2026-02-28T23:00Z: earlier
    ];
    expect(allocate('10', grants).fromGrants).toEqual([['moscow', '10']]);
  });

  it('skips grants out of scope', () => {
    const grants = [
      grant('storage-only', '100', { scope: { categories: ['storage'] }, expiresAt: '2026-02-15T00:00:00Z' }),
      grant('general', '100'),
    ];
    expect(allocate('10', grants).fromGrants).toEqual([['general', '10']]);
  });

  it('skips empty grants', () => {
    expect(allocate('10', [grant('empty', '0', { priority: 9 }), grant('full', '5')])).toEqual({
      fromGrants: [['full', '5']],
      fromBalance: '5',
    });
  });

  it('a zero charge takes nothing from anyone', () => {
    expect(allocate('0', [grant('a', '100')])).toEqual({ fromGrants: [], fromBalance: '0' });
  });
});

describe('expiry', () => {
  it('a grant expiring exactly at the charge instant is not used; one millisecond later it is', () => {
    expect(allocate('10', [grant('a', '100', { expiresAt: AT })])).toEqual({
      fromGrants: [],
      fromBalance: '10',
    });
    expect(allocate('10', [grant('a', '100', { expiresAt: '2026-02-10T12:00:00.001Z' })]).fromGrants).toEqual(
      [['a', '10']],
    );
    expect(isGrantExpired(grant('a', '1', { expiresAt: AT }), AT)).toBe(true);
  });

  it('expired grants are never used, under either policy', () => {
    const expired = grant('expired', '100', {
      expiresAt: '2026-02-01T00:00:00Z',
      scope: { categories: ['compute'] },
    });
    expect(allocate('10', [expired]).fromBalance).toBe('10');
    expect(allocate('10', [expired], VK_GRANT_ORDER_POLICY).fromBalance).toBe('10');
  });
});

describe("first provider 'object-type-first-then-account'", () => {
  it('is the VK preset', () => {
    expect(VK_GRANT_ORDER_POLICY).toBe('object-type-first-then-account');
  });

  it('the grant dedicated to the object type pays first; the rest comes from the account even if other grants remain', () => {
    const grants = [
      grant('general', '1000', { expiresAt: '2026-02-15T00:00:00Z' }), // would go first by expiry
      grant('compute-bonus', '30', { scope: { categories: ['compute'] } }),
    ];
    expect(allocate('100', grants, VK_GRANT_ORDER_POLICY)).toEqual({
      fromGrants: [['compute-bonus', '30']],
      fromBalance: '70',
    });
    // the default policy would cascade instead
    expect(allocate('100', grants, 'earliest-expiry')).toEqual({
      fromGrants: [['general', '100']],
      fromBalance: '0',
    });
  });

  it('once the dedicated grant is empty, its object type is paid from the account', () => {
    const grants = [
      grant('general', '1000'),
      grant('compute-bonus', '0', { scope: { categories: ['compute'] } }),
    ];
    expect(allocate('10', grants, VK_GRANT_ORDER_POLICY)).toEqual({ fromGrants: [], fromBalance: '10' });
  });

  it('without a dedicated grant, one general grant pays (first in the default order), then the account', () => {
    const grants = [grant('second', '1000', { expiresAt: '2026-05-01T00:00:00Z' }), grant('first', '40')];
    expect(allocate('100', grants, VK_GRANT_ORDER_POLICY)).toEqual({
      fromGrants: [['first', '40']],
      fromBalance: '60',
    });
  });

  it('a bonus for another object type is not used', () => {
    const grants = [grant('storage-bonus', '1000', { scope: { categories: ['storage'] } })];
    expect(allocate('10', grants, VK_GRANT_ORDER_POLICY)).toEqual({ fromGrants: [], fromBalance: '10' });
  });
});

describe('validation', () => {
  it('rejects negative charges, negative grants, duplicate ids, unknown orders and bad instants', () => {
    const code = (attempt: () => unknown) => {
      try {
        attempt();
      } catch (error) {
        return (error as GrantAllocationError).code;
      }
      return undefined;
    };
    expect(code(() => allocate('-1', [grant('a', '1')]))).toBe('CHARGE_AMOUNT_NEGATIVE');
    expect(code(() => allocate('1', [grant('a', '-1')]))).toBe('GRANT_REMAINING_NEGATIVE');
    expect(code(() => allocate('1', [grant('a', '1'), grant('a', '2')]))).toBe('GRANT_ID_DUPLICATE');
    expect(code(() => allocate('1', [grant('a', '1', { priority: Number.NaN })]))).toBe(
      'GRANT_PRIORITY_INVALID',
    );
    expect(code(() => allocate('1', [], 'newest-first' as GrantOrderPolicy))).toBe('GRANT_ORDER_UNKNOWN');
    expect(() => allocate('1', [grant('a', '1', { expiresAt: '2026-03-01' })])).toThrow(InvalidInstantError);
    expect(() =>
      allocateCharge({
        amount: rub('1'),
        category: 'compute',
        at: AT,
        grants: [{ ...grant('a', '1'), remaining: Money.of('1', 'KZT') }],
      }),
    ).toThrow(CurrencyMismatchError);
    expect(() => allocate('-1', [])).toThrow(GrantAllocationError);
  });
});

describe('properties', () => {
  const categories = ['compute', 'storage', 'gpu-cluster', 'marketplace'];
  const scope: fc.Arbitrary<GrantScope> = fc.oneof(
    fc.constant<GrantScope>('all'),
    fc.constant(START_GRANT_SCOPE),
    fc.subarray(categories).map((list): GrantScope => ({ categories: list })),
  );
  const instant = fc
    .integer({ min: Date.UTC(2026, 1, 1), max: Date.UTC(2026, 2, 1) })
    .map((ms) => new Date(ms - (ms % 3_600_000)).toISOString()); // whole hours, so ties happen
  const units = (max: bigint) =>
    fc.bigInt({ min: 0n, max }).map((count) => Money.ofMinorUnits(count.toString(), 'RUB'));
  const grants = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      remaining: units(100_000n),
      expiresAt: instant,
      scope,
      priority: fc.integer({ min: -3, max: 3 }),
      issuedAt: instant,
    }),
    { selector: (candidate) => candidate.id, maxLength: 8 },
  );
  const charge = fc.record({
    amount: units(300_000n),
    category: fc.constantFrom(...categories),
    at: instant,
    grants,
    order: fc.constantFrom<GrantOrderPolicy>('earliest-expiry', 'object-type-first-then-account'),
  });

  it('parts sum to the charge; no grant goes below 0; grants only within scope and before expiry', () => {
    fc.assert(
      fc.property(charge, (request) => {
        const allocation = allocateCharge(request);
        const parts = [...allocation.fromGrants.map((debit) => debit.amount), allocation.fromBalance];
        expect(Money.sum(parts, 'RUB')).toEqual(request.amount);
        expect(allocation.fromBalance.isNegative()).toBe(false);
        for (const debit of allocation.fromGrants) {
          const used = request.grants.find((candidate) => candidate.id === debit.grantId)!;
          expect(debit.amount.isPositive()).toBe(true);
          expect(used.remaining.subtract(debit.amount).isNegative()).toBe(false);
          expect(grantCoversCategory(used.scope, request.category)).toBe(true);
          expect(Date.parse(used.expiresAt)).toBeGreaterThan(Date.parse(request.at));
        }
        expect(new Set(allocation.fromGrants.map((debit) => debit.grantId)).size).toBe(
          allocation.fromGrants.length,
        );
      }),
    );
  });

  it("'earliest-expiry' leaves nothing to the account while a usable grant still has money", () => {
    fc.assert(
      fc.property(charge, (request) => {
        const allocation = allocateCharge({ ...request, order: 'earliest-expiry' });
        if (!allocation.fromBalance.isPositive()) return;
        for (const candidate of request.grants) {
          const usable =
            grantCoversCategory(candidate.scope, request.category) && !isGrantExpired(candidate, request.at);
          if (!usable) continue;
          const taken =
            allocation.fromGrants.find((debit) => debit.grantId === candidate.id)?.amount ??
            Money.zero('RUB');
          expect(taken).toEqual(candidate.remaining);
        }
      }),
    );
  });

  it("'object-type-first-then-account' uses at most one grant", () => {
    fc.assert(
      fc.property(charge, (request) => {
        expect(
          allocateCharge({ ...request, order: 'object-type-first-then-account' }).fromGrants.length,
        ).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('allocation does not depend on the order grants are listed in', () => {
    fc.assert(
      fc.property(charge, (request) => {
        const reversed = allocateCharge({ ...request, grants: [...request.grants].reverse() });
        expect(summary(reversed)).toEqual(summary(allocateCharge(request)));
      }),
    );
  });
});
