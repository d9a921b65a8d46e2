import { PriceCatalogProvider } from '../../src/ledger/price-catalog.provider.js';
import { PriceCatalog, defaultCatalogVersions } from '../../src/domain/catalog/index.js';

/** The default catalog plus 'test.unit': 1.00 per unit in every currency, category compute, so sums are exact. */
export function testCatalog(): PriceCatalogProvider {
  const versions = defaultCatalogVersions().map((version) => ({
    ...version,
    skus: [
      ...version.skus,
      ...(['RUB', 'KZT', 'USD'] as const).map((currency) => ({
        sku: 'test.unit',
        service: 'Test Service',
        category: 'compute',
        unit: 'unit',
        currency,
        pricing: { model: 'flat' as const, unitPrice: '1.00' },
        keptWhileSuspended: false,
      })),
    ],
  }));
  return new PriceCatalogProvider(PriceCatalog.create(versions));
}
