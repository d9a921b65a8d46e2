import { PriceCatalog, type Sku } from './catalog.js';
import { defaultCatalog } from './default-catalog.js';
import { isRatingRejected, rateUsage, raterFor, type RateUsageRequest, type RatedUsage } from './rating.js';

/** A test catalog whose numbers are easy to check by hand. */
const bucketSku = (currency: Sku['currency'], unitPrice: string): Sku => ({
  sku: 'object-storage.standard.gb.month',
  service: 'Object Storage',
  category: 'object-storage',
  unit: 'GB·month',
  currency,
  pricing: { model: 'flat', unitPrice },
  freeQuota: { quantity: '1', per: 'month' },
  keptWhileSuspended: true,
});

/** 3 tiers: [0, 100) at 2, [100, 1000) at 1.5, [1000, ∞) at 1; the first 10 GB of the month are free. */
const egressSku: Sku = {
  sku: 'object-storage.egress.gb',
  service: 'Object Storage',
  category: 'object-storage',
  unit: 'GB',
  currency: 'RUB',
  pricing: {
    model: 'graduated',
    tiers: [
      { upTo: '100', unitPrice: '2' },
      { upTo: '1000', unitPrice: '1.5' },
      { upTo: null, unitPrice: '1' },
    ],
  },
  freeQuota: { quantity: '10', per: 'month' },
  keptWhileSuspended: false,
};

const catalog = PriceCatalog.create([
  {
    version: 'v1',
    effectiveFrom: '2025-01-01T00:00:00+03:00',
    skus: [
      {
        sku: 'compute.vcpu.hour',
        service: 'Cloud Compute',
        category: 'compute',
        unit: 'vCPU·h',
        currency: 'RUB',
        pricing: { model: 'flat', unitPrice: '1.08' },
        keptWhileSuspended: false,
      },
      {
        sku: 'marketplace.legacy-app.hour',
        service: 'Marketplace',
        category: 'marketplace',
        unit: 'h',
        currency: 'RUB',
        pricing: { model: 'flat', unitPrice: '3' },
        keptWhileSuspended: false,
      },
      bucketSku('RUB', '2'),
      bucketSku('KZT', '11'),
      egressSku,
    ],
  },
  {
    version: 'v2',
    effectiveFrom: '2026-01-01T00:00:00+03:00',
    skus: [
      {
        sku: 'compute.vcpu.hour',
        service: 'Cloud Compute',
        category: 'compute',
        unit: 'vCPU·h',
        currency: 'RUB',
        pricing: { model: 'flat', unitPrice: '1.10' },
        keptWhileSuspended: false,
      },
      bucketSku('RUB', '2.04'),
      bucketSku('KZT', '11'),
      egressSku,
    ],
  },
]);

const base: RateUsageRequest = {
  catalog,
  skuId: 'compute.vcpu.hour',
  quantity: '1',
  usageAt: '2025-06-15T12:00:00Z',
  currency: 'RUB',
  usedThisPeriodBefore: '0',
};

function rated(overrides: Partial<RateUsageRequest>): RatedUsage {
  const result = rateUsage({ ...base, ...overrides });
  if (isRatingRejected(result)) throw new Error(`unexpected rejection ${result.code}: ${result.message}`);
  return result;
}

function rejection(overrides: Partial<RateUsageRequest>) {
  const result = rateUsage({ ...base, ...overrides });
  if (!isRatingRejected(result)) throw new Error(`expected a rejection, got amount ${result.amount}`);
  return result;
}

describe('rateUsage: flat price', () => {
  it('multiplies quantity by the unit price and reports what it used', () => {
    expect(rated({ quantity: '2.5' })).toEqual({
      amount: '2.700000',
      exactAmount: '2.7',
      currency: 'RUB',
      catalogVersion: 'v1',
      sku: 'compute.vcpu.hour',
      service: 'Cloud Compute',
      category: 'compute',
      unit: 'vCPU·h',
      keptWhileSuspended: false,
      priceModel: 'flat',
      unitPrice: '1.08',
      segments: [{ tier: 0, from: '0', to: '2.5', quantity: '2.5', unitPrice: '1.08', amount: '2.7' }],
      quantity: '2.5',
      freeQuantityApplied: '0',
      billableQuantity: '2.5',
    });
  });

  it('prices zero quantity at zero', () => {
    const result = rated({ quantity: '0', usedThisPeriodBefore: '7' });
    expect(result.amount).toBe('0.000000');
    expect(result.segments).toEqual([]);
    expect(result.billableQuantity).toBe('0');
  });

  it('accepts 9 fractional digits and rounds the amount half-up to 6', () => {
    // One second of a vCPU, metered in hours: 0.000277778 × 1.08 = 0.00030000024.
    expect(rated({ quantity: '0.000277778' })).toMatchObject({
      amount: '0.000300',
      exactAmount: '0.00030000024',
    });
    // Below the half: rounds down to zero.
    const half = rated({ skuId: 'marketplace.legacy-app.hour', quantity: '0.000000166' });
    expect(half.exactAmount).toBe('0.000000498');
    expect(half.amount).toBe('0.000000');
    // Exactly the half (0.0000005): rounds up.
    const exactlyHalf = rated({
      skuId: 'object-storage.standard.gb.month',
      quantity: '0.00000025',
      usedThisPeriodBefore: '1',
    });
    expect(exactlyHalf.exactAmount).toBe('0.0000005');
    expect(exactlyHalf.amount).toBe('0.000001');
  });
});

describe('rateUsage: catalog version by usage time', () => {
  it('uses the old price one nanosecond before effectiveFrom and the new one exactly at it', () => {
    expect(rated({ usageAt: '2025-12-31T20:59:59.999999999Z' })).toMatchObject({
      catalogVersion: 'v1',
      amount: '1.080000',
    });
    expect(rated({ usageAt: '2025-12-31T21:00:00Z' })).toMatchObject({
      catalogVersion: 'v2',
      amount: '1.100000',
    });
    expect(rated({ usageAt: '2026-01-01T00:00:00+03:00' })).toMatchObject({ catalogVersion: 'v2' });
  });

  it('rejects usage before the first version as UNKNOWN_SKU on usageAt', () => {
    expect(rejection({ usageAt: '2024-12-31T20:59:59Z' })).toEqual({
      rejected: true,
      code: 'UNKNOWN_SKU',
      field: 'usageAt',
      message: 'no catalog version is in force at usageAt 2024-12-31T20:59:59Z: no SKU is priced then',
    });
  });

  it('rejects a SKU withdrawn by the version in force, though an older version had it', () => {
    expect(rated({ skuId: 'marketplace.legacy-app.hour', usageAt: '2025-12-31T20:59:59Z' }).amount).toBe(
      '3.000000',
    );
    expect(rejection({ skuId: 'marketplace.legacy-app.hour', usageAt: '2025-12-31T21:00:00Z' })).toEqual({
      rejected: true,
      code: 'UNKNOWN_SKU',
      field: 'skuId',
      message:
        'skuId "marketplace.legacy-app.hour" is not in catalog version v2 (in force at 2025-12-31T21:00:00Z)',
    });
  });

  it('rejects an id no version knows', () => {
    expect(rejection({ skuId: 'compute.vcpu.minute' })).toMatchObject({
      code: 'UNKNOWN_SKU',
      field: 'skuId',
    });
  });

  it('rejects a malformed usage time', () => {
    for (const usageAt of ['2025-06-15', '2025-06-15T12:00:00', '2025-13-01T00:00:00Z', '']) {
      expect(rejection({ usageAt })).toMatchObject({ code: 'INVALID_USAGE_TIME', field: 'usageAt' });
    }
  });
});

describe('rateUsage: currency', () => {
  it('prices the entry in the account currency', () => {
    expect(
      rated({ skuId: 'object-storage.standard.gb.month', currency: 'KZT', quantity: '3' }),
    ).toMatchObject({
      currency: 'KZT',
      amount: '22.000000',
    });
  });

  it('rejects a SKU not priced in the account currency', () => {
    expect(rejection({ currency: 'KZT' })).toEqual({
      rejected: true,
      code: 'CURRENCY_MISMATCH',
      field: 'currency',
      message: 'SKU "compute.vcpu.hour" is priced in RUB in catalog version v1, not in the account\'s KZT',
    });
    expect(rejection({ skuId: 'object-storage.standard.gb.month', currency: 'USD' }).message).toBe(
      'SKU "object-storage.standard.gb.month" is priced in RUB, KZT in catalog version v1, not in the account\'s USD',
    );
    expect(rejection({ currency: 'EUR' }).message).toMatch(
      /not in the account's unsupported currency "EUR"$/,
    );
  });
});

describe('rateUsage: quantity validation', () => {
  it.each(['-1', '-0.5', '-0.000000001'])('rejects negative quantity %s', (quantity) => {
    expect(rejection({ quantity })).toEqual({
      rejected: true,
      code: 'NEGATIVE_QUANTITY',
      field: 'quantity',
      message: `quantity must not be negative, got "${quantity}"`,
    });
  });

  it.each(['1e3', '1E-3', '+1', '.5', '5.', '1,5', ' 1', '1 ', '', '0x10', 'NaN', 'Infinity', '-0'])(
    'rejects malformed quantity "%s"',
    (quantity) => {
      expect(rejection({ quantity })).toMatchObject({ code: 'INVALID_QUANTITY', field: 'quantity' });
    },
  );

  it('rejects a quantity that is not a string', () => {
    expect(rejection({ quantity: 1.5 as unknown as string })).toMatchObject({
      code: 'INVALID_QUANTITY',
      message:
        'quantity must be a plain non-negative decimal string such as "1.5" (no sign, exponent or spaces), got 1.5',
    });
  });

  it('rejects more than 9 fractional digits, even trailing zeros', () => {
    expect(rated({ quantity: '0.123456789' }).quantity).toBe('0.123456789');
    expect(rejection({ quantity: '0.1234567891' })).toEqual({
      rejected: true,
      code: 'INVALID_QUANTITY',
      field: 'quantity',
      message: 'quantity must have at most 9 fractional digits, got "0.1234567891"',
    });
    expect(rejection({ quantity: '1.0000000000' }).code).toBe('INVALID_QUANTITY');
  });

  it('applies the same rules to usedThisPeriodBefore', () => {
    expect(rejection({ usedThisPeriodBefore: '-2' })).toMatchObject({
      code: 'NEGATIVE_QUANTITY',
      field: 'usedThisPeriodBefore',
    });
    expect(rejection({ usedThisPeriodBefore: '2e1' })).toMatchObject({
      code: 'INVALID_QUANTITY',
      field: 'usedThisPeriodBefore',
    });
  });

  it('checks the quantity before the SKU', () => {
    expect(rejection({ skuId: 'nope', quantity: '-1' }).code).toBe('NEGATIVE_QUANTITY');
  });
});

describe('rateUsage: free quota (1 GB·month free, then 2 RUB)', () => {
  const bucket = (quantity: string, usedThisPeriodBefore: string) =>
    rated({ skuId: 'object-storage.standard.gb.month', quantity, usedThisPeriodBefore });

  it('is free up to the quota', () => {
    expect(bucket('1', '0')).toMatchObject({
      amount: '0.000000',
      freeQuantityApplied: '1',
      billableQuantity: '0',
    });
    expect(bucket('0.4', '0.6')).toMatchObject({ amount: '0.000000', freeQuantityApplied: '0.4' });
  });

  it('charges only the part above the quota when the quota is partly used', () => {
    expect(bucket('1', '0.25')).toMatchObject({
      amount: '0.500000',
      freeQuantityApplied: '0.75',
      billableQuantity: '0.25',
      segments: [{ tier: 0, from: '1', to: '1.25', quantity: '0.25', unitPrice: '2', amount: '0.5' }],
    });
  });

  it('charges everything once the quota is used up, starting exactly at the quota', () => {
    expect(bucket('3', '1')).toMatchObject({ amount: '6.000000', freeQuantityApplied: '0' });
    expect(bucket('3', '5')).toMatchObject({ amount: '6.000000', freeQuantityApplied: '0' });
    expect(bucket('1.000000001', '0')).toMatchObject({ amount: '0.000000', exactAmount: '0.000000002' });
  });
});

describe('rateUsage: graduated tiers (10 free, [0,100) at 2, [100,1000) at 1.5, then 1)', () => {
  const egress = (quantity: string, usedThisPeriodBefore: string) =>
    rated({ skuId: 'object-storage.egress.gb', quantity, usedThisPeriodBefore });

  it('reports no single unit price', () => {
    expect(egress('1', '50')).toMatchObject({ priceModel: 'graduated', unitPrice: null, amount: '2.000000' });
  });

  it('ends tier 0 exactly at its upTo (exclusive bound)', () => {
    expect(egress('90', '10').segments).toEqual([
      { tier: 0, from: '10', to: '100', quantity: '90', unitPrice: '2', amount: '180' },
    ]);
    expect(egress('1', '99.5').segments.map((s) => [s.tier, s.quantity])).toEqual([
      [0, '0.5'],
      [1, '0.5'],
    ]);
    expect(egress('1', '100').segments).toEqual([
      { tier: 1, from: '100', to: '101', quantity: '1', unitPrice: '1.5', amount: '1.5' },
    ]);
  });

  it('starts the open-ended tier exactly at the last bound', () => {
    expect(egress('0.000000001', '999.999999999').segments.map((s) => s.tier)).toEqual([1]);
    expect(egress('0.000000001', '1000').segments.map((s) => s.tier)).toEqual([2]);
  });

  it('spans free quota and all 3 tiers in one call', () => {
    const result = egress('1500', '0');
    expect(result).toMatchObject({
      freeQuantityApplied: '10',
      billableQuantity: '1490',
      // 90 × 2 + 900 × 1.5 + 500 × 1 = 180 + 1350 + 500
      amount: '2030.000000',
    });
    expect(result.segments).toEqual([
      { tier: 0, from: '10', to: '100', quantity: '90', unitPrice: '2', amount: '180' },
      { tier: 1, from: '100', to: '1000', quantity: '900', unitPrice: '1.5', amount: '1350' },
      { tier: 2, from: '1000', to: '1500', quantity: '500', unitPrice: '1', amount: '500' },
    ]);
  });

  it('continues from the usage already rated in the period', () => {
    // [95, 1005): 5 × 2 + 900 × 1.5 + 5 × 1
    expect(egress('910', '95')).toMatchObject({ freeQuantityApplied: '0', amount: '1365.000000' });
    // [4, 104): 6 free, then 90 × 2 + 4 × 1.5
    expect(egress('100', '4')).toMatchObject({ freeQuantityApplied: '6', amount: '186.000000' });
  });
});

describe('rateUsage with the default catalog', () => {
  const defaults = defaultCatalog();
  const rate = raterFor(defaults);
  const request = {
    sku: 'object-storage.egress.gb',
    quantity: '150',
    usageAt: '2025-06-15T12:00:00Z',
    currency: 'RUB',
    usedThisPeriodBefore: '0',
  };

  it('rates egress across the 100 GB boundary', () => {
    // 100 × 1.53 + 50 × 1.30
    expect(rate(request)).toMatchObject({ catalogVersion: '2025.1', amount: '218.000000' });
  });

  it('raises RUB prices at Moscow midnight on 2026-01-01 and leaves KZT unchanged', () => {
    const before = { ...request, sku: 'compute.vcpu.hour', quantity: '1', usageAt: '2025-12-31T20:59:59Z' };
    const after = { ...before, usageAt: '2025-12-31T21:00:00Z' };
    expect(rate(before)).toMatchObject({ catalogVersion: '2025.1', amount: '1.080000' });
    expect(rate(after)).toMatchObject({ catalogVersion: '2026.1', amount: '1.100000' });
    expect(rate({ ...before, currency: 'KZT' })).toMatchObject({ amount: '5.940000' });
    expect(rate({ ...after, currency: 'KZT' })).toMatchObject({ amount: '5.940000' });
  });

  it('gives 1 GB·month of object storage free each period', () => {
    expect(
      rate({ ...request, sku: 'object-storage.standard.gb.month', quantity: '3', currency: 'USD' }),
    ).toMatchObject({ freeQuantityApplied: '1', amount: '0.046600' });
  });

  it('does not sell the Windows Server marketplace item in USD', () => {
    expect(rate({ ...request, sku: 'marketplace.windows-server.core.hour', currency: 'USD' })).toMatchObject({
      rejected: true,
      code: 'CURRENCY_MISMATCH',
    });
  });
});
