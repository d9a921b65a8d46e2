import { PriceCatalog, defaultCatalog, rateCharge, type CatalogVersion } from '../domain/catalog/index.js';
import type { RateUsage } from '../domain/ledger/ledger-commands.js';

/**
 * The price catalog in use and the ledger's rating port over it. It starts with the catalog it is given
 * (the default one, or a test's); once the catalog stream is read (CatalogBook), it holds the versions
 * that stream publishes. The domain stays pure: rating gets the versions passed in from here.
 */
export class PriceCatalogProvider {
  private current: PriceCatalog;

  /** `initial` is also what an empty catalog stream is seeded with on first start. */
  constructor(readonly initial: PriceCatalog = defaultCatalog()) {
    this.current = initial;
  }

  get catalog(): PriceCatalog {
    return this.current;
  }

  /** Puts the versions the catalog stream holds in force (validated; throws on an invalid set). */
  install(versions: readonly CatalogVersion[]): void {
    this.current = PriceCatalog.create(versions);
  }

  readonly rate: RateUsage = ({ sku, quantity, usageAt, currency, usedThisPeriodBefore }) => {
    // The charge needs the amount alone, not the price breakdown rateUsage builds (issue 18).
    const result = rateCharge({
      catalog: this.current,
      skuId: sku,
      quantity,
      usageAt,
      currency,
      usedThisPeriodBefore,
    });
    if ('rejected' in result) {
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
