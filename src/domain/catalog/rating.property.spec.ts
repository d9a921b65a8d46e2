/**
 * Additivity of rating: with the period usage carried between calls, rating a then b charges the same as
 * rating a + b at once.
 *
 * Tolerance, precisely: the exact (unrounded) amounts are additive with no tolerance at all, because the
 * charge of [u, u+a+b) is the sum of the charges of [u, u+a) and [u+a, u+a+b) slice by slice, and big.js
 * multiplies and adds exactly. Each call then rounds half-up to 6 digits, moving its amount by e with
 * -0.0000005 < e <= 0.0000005. So |r(a) + r(b) - r(a+b)| < 0.0000015; all three are multiples of
 * 0.000001, hence |r(a) + r(b) - r(a+b)| <= 0.000001 — one unit in the 6th place, and no more.
 */
import Big from 'big.js';
import fc from 'fast-check';
import { PriceCatalog } from './catalog.js';
import { defaultCatalog, defaultCatalogVersions } from './default-catalog.js';
import { isRatingRejected, rateCharge, rateUsage, type RatedUsage } from './rating.js';

const ONE_MICRO = new Big('0.000001');
const HALF_MICRO = new Big('0.0000005');

/** Awkward prices and bounds so that most cases cross a boundary and need rounding. */
const awkward = PriceCatalog.create([
  {
    version: 'p1',
    effectiveFrom: '2025-01-01T00:00:00Z',
    skus: [
      {
        sku: 'test.graduated',
        service: 'Test',
        category: 'test',
        unit: 'u',
        currency: 'RUB',
        pricing: {
          model: 'graduated',
          tiers: [
            { upTo: '0.5', unitPrice: '0.0000033' },
            { upTo: '7.25', unitPrice: '1.234567891' },
            { upTo: null, unitPrice: '0.000000999' },
          ],
        },
        freeQuota: { quantity: '0.3', per: 'month' },
        keptWhileSuspended: false,
      },
      {
        sku: 'test.flat',
        service: 'Test',
        category: 'test',
        unit: 'u',
        currency: 'RUB',
        pricing: { model: 'flat', unitPrice: '1' },
        keptWhileSuspended: false,
      },
    ],
  },
]);
const defaults = defaultCatalog();

const cases = [
  {
    name: 'awkward graduated SKU with a free quota',
    catalog: awkward,
    skuId: 'test.graduated',
    maxUnits: 20n,
  },
  {
    name: 'default RUB egress (3 tiers)',
    catalog: defaults,
    skuId: 'object-storage.egress.gb',
    maxUnits: 20_000n,
  },
  {
    name: 'default object storage (free quota)',
    catalog: defaults,
    skuId: 'object-storage.standard.gb.month',
    maxUnits: 5n,
  },
];

/** A quantity with up to 9 fractional digits, as a canonical decimal string. */
const quantity = (maxUnits: bigint) =>
  fc
    .oneof(
      fc.bigInt({ min: 0n, max: maxUnits * 1_000_000_000n }),
      // Tiny quantities: where rounding dominates.
      fc.bigInt({ min: 0n, max: 2_000n }),
    )
    .map((nanos) => new Big(nanos.toString()).div(1_000_000_000).toFixed());

function rate(catalog: PriceCatalog, skuId: string, q: string, usedBefore: string): RatedUsage {
  const result = rateUsage({
    catalog,
    skuId,
    quantity: q,
    usedThisPeriodBefore: usedBefore,
    usageAt: '2025-06-15T12:00:00Z',
    currency: 'RUB',
  });
  if (isRatingRejected(result)) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

describe.each(cases)('rating is additive: $name', ({ catalog, skuId, maxUnits }) => {
  it('rating a then b (usage carried) equals rating a + b at once', () => {
    fc.assert(
      fc.property(quantity(maxUnits), quantity(maxUnits), quantity(maxUnits), (used, a, b) => {
        const first = rate(catalog, skuId, a, used);
        const second = rate(catalog, skuId, b, new Big(used).plus(a).toFixed());
        const whole = rate(catalog, skuId, new Big(a).plus(b).toFixed(), used);

        // Exact amounts and quantities: no tolerance.
        expect(new Big(first.exactAmount).plus(second.exactAmount).eq(whole.exactAmount)).toBe(true);
        expect(
          new Big(first.freeQuantityApplied).plus(second.freeQuantityApplied).eq(whole.freeQuantityApplied),
        ).toBe(true);
        // Rounded amounts: within one unit of the 6th fractional digit.
        const drift = new Big(first.amount).plus(second.amount).minus(whole.amount).abs();
        expect(drift.lte(ONE_MICRO)).toBe(true);
        // Each call's rounding moves its amount by at most half a unit.
        for (const r of [first, second, whole]) {
          expect(new Big(r.amount).minus(r.exactAmount).abs().lte(HALF_MICRO)).toBe(true);
          expect(r.amount).toMatch(/^\d+\.\d{6}$/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

it('the 0.000001 tolerance is reached: two half-micro charges round up separately but not together', () => {
  const a = rate(awkward, 'test.flat', '0.0000005', '0');
  const b = rate(awkward, 'test.flat', '0.0000005', '0.0000005');
  const whole = rate(awkward, 'test.flat', '0.000001', '0');
  expect([a.amount, b.amount, whole.amount]).toEqual(['0.000001', '0.000001', '0.000001']);
  expect(new Big(a.amount).plus(b.amount).minus(whole.amount).toFixed()).toBe('0.000001');
});

describe("rateCharge (the ledger's port, issue 18)", () => {
  const skuIds = [
    ...new Set([
      ...defaultCatalogVersions().flatMap((v) => v.skus.map((sku) => sku.sku)),
      'test.graduated',
      'test.flat',
      'no.such.sku',
    ]),
  ];
  const decimal = fc.oneof(
    { weight: 12, arbitrary: quantity(20_000n) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e3', ' 1', '1.0000000001', '', '.5', 'abc') },
  );
  const instant = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .date({
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2028-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('2026-03-10T09:00:00+03:00', '2026-02-30T00:00:00Z', '2026-03-10', 'soon'),
    },
  );

  it('gives the amount and SKU facts rateUsage gives, and its very rejections, on random requests', () => {
    let rated = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(defaults, defaults, awkward),
        fc.constantFrom(...skuIds),
        decimal,
        decimal,
        instant,
        fc.constantFrom('RUB', 'RUB', 'RUB', 'KZT', 'USD', 'EUR'),
        (catalog, skuId, q, usedBefore, usageAt, currency) => {
          const request = {
            catalog,
            skuId,
            quantity: q,
            usedThisPeriodBefore: usedBefore,
            usageAt,
            currency,
          };
          const full = rateUsage(request);
          const charge = rateCharge(request);
          if (isRatingRejected(full)) {
            expect(charge).toEqual(full);
            return;
          }
          rated += 1;
          expect(charge).toEqual({
            amount: full.amount,
            currency: full.currency,
            catalogVersion: full.catalogVersion,
            sku: full.sku,
            service: full.service,
            category: full.category,
            unit: full.unit,
            keptWhileSuspended: full.keptWhileSuspended,
          });
        },
      ),
      { numRuns: 3000, seed: 18 },
    );
    // Most requests were rated, not refused (a property over rejections alone would prove little).
    expect(rated).toBeGreaterThan(500);
  });
});
