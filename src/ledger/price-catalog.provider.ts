import { defaultCatalog, isRatingRejected, rateUsage, type PriceCatalog } from '../domain/catalog/index.js';
import type { RateUsage } from '../domain/ledger/ledger-commands.js';

/** The price catalog in use and the ledger's rating port over it. */
export class PriceCatalogProvider {
  constructor(readonly catalog: PriceCatalog = defaultCatalog()) {}

  readonly rate: RateUsage = ({ sku, quantity, usageAt, currency, usedThisPeriodBefore }) => {
    const result = rateUsage({
      catalog: this.catalog,
      skuId: sku,
      quantity,
      usageAt,
      currency,
      usedThisPeriodBefore,
    });
    if (isRatingRejected(result)) {
      return {
        rejected: true,
        code: result.code,
        message: result.message,
        field: result.field === 'skuId' ? 'sku' : result.field,
      };
    }
    return {
      amount: result.amount,
      service: result.service,
      category: result.category,
      unit: result.unit,
      catalogVersion: result.catalogVersion,
      keptWhileStopped: result.keptWhileSuspended,
    };
  };
}
