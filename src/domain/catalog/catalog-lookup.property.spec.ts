/**
 * Issue 18: rating finds the version in force and the SKU's entries with `inForceAt` (the instant parsed once,
 * the SKU by its id). It must answer exactly what `versionAt` + a scan of the version's SKUs answer — the same
 * version object, the same entries in the same order — for any instant and SKU, across version boundaries.
 */
import fc from 'fast-check';
import { PriceCatalog, type CatalogVersion, type Sku } from './catalog.js';
import { instantNanos } from './decimal.js';
import { defaultCatalog } from './default-catalog.js';

const sku = (id: string, currency: string, price: string): Sku =>
  ({
    sku: id,
    service: 'Test',
    category: 'test',
    unit: 'u',
    currency,
    pricing: { model: 'flat', unitPrice: price },
    keptWhileSuspended: false,
  }) as Sku;

/** Versions a second, a day and a year apart; SKUs in several currencies, some only in later versions. */
const versions: CatalogVersion[] = [
  {
    version: 'v1',
    effectiveFrom: '2025-01-01T00:00:00Z',
    skus: [sku('a', 'RUB', '1'), sku('b', 'RUB', '2')],
  },
  {
    version: 'v2',
    effectiveFrom: '2025-01-01T00:00:01Z',
    skus: [sku('a', 'RUB', '1.5'), sku('a', 'USD', '0.02'), sku('c', 'RUB', '3')],
  },
  {
    version: 'v3',
    effectiveFrom: '2025-01-02T03:00:00+03:00',
    skus: [sku('b', 'USD', '4'), sku('b', 'RUB', '5')],
  },
  { version: 'v4', effectiveFrom: '2026-01-01T00:00:00.000000001Z', skus: [sku('a', 'RUB', '6')] },
];

const reference = (catalog: PriceCatalog, instant: string, skuId: string) => {
  const version = catalog.versionAt(instant);
  return version && { version, entries: version.skus.filter((entry) => entry.sku === skuId) };
};

describe('PriceCatalog.inForceAt equals versionAt and a scan of the version', () => {
  const catalogs = [PriceCatalog.create(versions), defaultCatalog()];
  const skuIds = [
    'a',
    'b',
    'c',
    'missing',
    ...new Set(catalogs[1]!.versions.flatMap((v) => v.skus.map((s) => s.sku))),
  ];

  it('on random instants around every boundary and random SKUs', () => {
    const boundaries = catalogs.flatMap((c) =>
      c.versions.map((v) => Number(instantNanos(v.effectiveFrom)! / 1_000_000n)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...catalogs),
        fc.constantFrom(...boundaries),
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        fc.constantFrom('Z', '+03:00', '-05:30'),
        fc.constantFrom(...skuIds),
        (catalog, boundary, offsetMs, zone, skuId) => {
          const utc = new Date(boundary + offsetMs).toISOString().replace('Z', '');
          // The same instant spelled in another offset.
          const shift = zone === 'Z' ? 0 : (zone === '+03:00' ? 180 : -330) * 60_000;
          const spelled =
            zone === 'Z'
              ? `${utc}Z`
              : `${new Date(Date.parse(`${utc}Z`) + shift).toISOString().slice(0, -1)}${zone}`;
          const expected = reference(catalog, spelled, skuId);
          const actual = catalog.inForceAt(instantNanos(spelled)!, skuId);
          expect(actual?.version).toBe(expected?.version);
          expect(actual?.entries).toEqual(expected?.entries);
          if (expected) expect([...actual!.entries].every((e, i) => e === expected.entries[i])).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('at the boundaries to the nanosecond', () => {
    const catalog = catalogs[0]!;
    for (const instant of [
      '2024-12-31T23:59:59.999999999Z',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00.999999999Z',
      '2025-01-01T00:00:01Z',
      '2025-01-02T02:59:59.999999999+03:00',
      '2025-01-02T00:00:00Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000000001Z',
    ]) {
      for (const skuId of ['a', 'b', 'c', 'missing']) {
        const expected = reference(catalog, instant, skuId);
        const actual = catalog.inForceAt(instantNanos(instant)!, skuId);
        expect(actual?.version.version).toBe(expected?.version.version);
        expect(actual?.entries).toEqual(expected?.entries);
      }
    }
  });
});
