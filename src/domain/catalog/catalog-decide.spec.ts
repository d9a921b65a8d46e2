import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import type { CatalogVersion } from './catalog.js';
import {
  catalogOf,
  decideCatalog,
  evolveCatalog,
  initialCatalogState,
  type CatalogCommand,
  type CatalogEvent,
  type CatalogState,
} from './catalog-decide.js';
import { defaultCatalogVersions } from './default-catalog.js';

const catalog = DeciderSpecification.for<CatalogCommand, CatalogEvent, CatalogState>({
  decide: decideCatalog,
  evolve: evolveCatalog,
  initialState: initialCatalogState,
});

const NOW = '2026-03-10T09:00:00.000Z';
const [v2025, v2026] = defaultCatalogVersions() as [CatalogVersion, CatalogVersion];
const published = (version: CatalogVersion, seeded?: boolean): CatalogEvent => ({
  type: 'CatalogVersionPublished',
  data: { version, publishedAt: NOW, ...(seeded ? { seeded } : {}) },
});
const seededHistory = [published(v2025, true), published(v2026, true)];

/** Version 2026.1 with the RUB vCPU hour at `price`, as `id` from `effectiveFrom`. */
function next(id: string, effectiveFrom: string, price = '1.50'): CatalogVersion {
  return {
    version: id,
    effectiveFrom,
    skus: v2026.skus.map((sku) =>
      sku.sku === 'compute.vcpu.hour' && sku.currency === 'RUB'
        ? { ...sku, pricing: { model: 'flat', unitPrice: price } }
        : sku,
    ),
  };
}
const publish = (version: unknown, now = NOW): CatalogCommand => ({
  type: 'PublishCatalogVersion',
  version: version as CatalogVersion,
  now,
});

describe('SeedCatalog', () => {
  it('an empty stream is seeded with every given version, marked seeded', () =>
    catalog
      .given([])
      .when({ type: 'SeedCatalog', versions: [v2025, v2026], now: NOW })
      .then([published(v2025, true), published(v2026, true)]));

  it('a seeded stream is not seeded again (a second instance starting at once)', () =>
    catalog
      .given(seededHistory)
      .when({ type: 'SeedCatalog', versions: [v2025, v2026], now: NOW })
      .thenNothing());
});

describe('PublishCatalogVersion', () => {
  it('a version scheduled ahead is published as it stands', () =>
    catalog
      .given(seededHistory)
      .when(publish(next('2026.2', '2026-03-20T00:00:00+03:00')))
      .then([published(next('2026.2', '2026-03-20T00:00:00+03:00'))]));

  it('a version in force from now exactly is accepted', () =>
    catalog
      .given(seededHistory)
      .when(publish(next('2026.2', NOW)))
      .then([published(next('2026.2', NOW))]));

  it('the same version again is a retry: nothing new', () =>
    catalog
      .given([...seededHistory, published(next('2026.2', '2026-03-20T00:00:00+03:00'))])
      .when(publish(next('2026.2', '2026-03-20T00:00:00+03:00')))
      .thenNothing());

  it('other contents under a published id are an edit: refused', () =>
    catalog
      .given([...seededHistory, published(next('2026.2', '2026-03-20T00:00:00+03:00'))])
      .when(publish(next('2026.2', '2026-03-20T00:00:00+03:00', '2.00')))
      .rejects('CATALOG_VERSION_ID_TAKEN', 'version'));

  it('back-dated (before now) → CATALOG_VERSION_IN_THE_PAST naming effectiveFrom', () =>
    catalog
      .given(seededHistory)
      .when(publish(next('2026.2', '2026-03-10T08:59:59.999Z')))
      .rejects('CATALOG_VERSION_IN_THE_PAST', 'effectiveFrom'));

  it('not after the latest scheduled version → CATALOG_VERSION_NOT_AFTER_LATEST naming effectiveFrom', () =>
    catalog
      .given([...seededHistory, published(next('2026.3', '2026-04-01T00:00:00+03:00'))])
      .when(publish(next('2026.2', '2026-04-01T00:00:00+03:00')))
      .rejects('CATALOG_VERSION_NOT_AFTER_LATEST', 'effectiveFrom'));

  it.each([
    [
      'a negative price',
      (v: CatalogVersion) => ({
        ...v,
        skus: [{ ...v.skus[0], pricing: { model: 'flat', unitPrice: '-1' } }, ...v.skus.slice(1)],
      }),
      'skus[0].pricing.unitPrice',
    ],
    [
      'an unknown currency',
      (v: CatalogVersion) => ({ ...v, skus: [{ ...v.skus[0], currency: 'EUR' }, ...v.skus.slice(1)] }),
      'skus[0].currency',
    ],
    [
      'a duplicate SKU',
      (v: CatalogVersion) => ({ ...v, skus: [...v.skus, v.skus[0]] }),
      `skus[${v2026.skus.length}]`,
    ],
    [
      'a missing service name',
      (v: CatalogVersion) => ({ ...v, skus: [{ ...v.skus[0], service: '' }, ...v.skus.slice(1)] }),
      'skus[0].service',
    ],
    [
      'a missing Russian name',
      (v: CatalogVersion) => ({ ...v, skus: [{ ...v.skus[0], nameRu: undefined }, ...v.skus.slice(1)] }),
      'skus[0].nameRu',
    ],
    [
      'a missing unit',
      (v: CatalogVersion) => ({ ...v, skus: [{ ...v.skus[0], unit: undefined }, ...v.skus.slice(1)] }),
      'skus[0].unit',
    ],
    [
      'unordered tiers',
      (v: CatalogVersion) => ({
        ...v,
        skus: [
          {
            ...v.skus[0],
            pricing: {
              model: 'graduated',
              tiers: [
                { upTo: '10', unitPrice: '1' },
                { upTo: '5', unitPrice: '1' },
                { upTo: null, unitPrice: '1' },
              ],
            },
          },
          ...v.skus.slice(1),
        ],
      }),
      'skus[0].pricing.tiers[1].upTo',
    ],
    ['a missing effectiveFrom', (v: CatalogVersion) => ({ ...v, effectiveFrom: undefined }), 'effectiveFrom'],
    ['not an object', () => 'a price list', 'version'],
  ])('%s → CATALOG_VERSION_INVALID naming the field', (_name, change, field) =>
    catalog
      .given(seededHistory)
      .when(publish(change(next('2026.2', '2026-03-20T00:00:00+03:00'))))
      .rejects('CATALOG_VERSION_INVALID', field as string),
  );
});

describe('the catalog the stream makes', () => {
  it('rates by the version in force at the instant: the published version from its effective instant', () => {
    const state = [...seededHistory, published(next('2026.2', '2026-03-20T00:00:00+03:00'))].reduce(
      evolveCatalog,
      initialCatalogState(),
    );
    const prices = catalogOf(state);
    expect(prices.sku('compute.vcpu.hour', '2026-03-19T23:59:59+03:00', 'RUB')?.pricing).toEqual({
      model: 'flat',
      unitPrice: '1.10',
    });
    expect(prices.sku('compute.vcpu.hour', '2026-03-20T00:00:00+03:00', 'RUB')?.pricing).toEqual({
      model: 'flat',
      unitPrice: '1.50',
    });
  });
});
