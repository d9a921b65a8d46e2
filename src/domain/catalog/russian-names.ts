/**
 * The Russian names documents print, from the catalog data: per service (document lines are aggregated
 * per service, rules §8) and per SKU (name and unit with its OKEI code). A later version's name wins.
 */
import type { CatalogVersion, SkuUnitRu } from './catalog.js';

export interface RussianSkuName {
  readonly name: string;
  readonly unit?: SkuUnitRu;
}

export interface RussianNames {
  /** Service (as document lines name it, e.g. 'Cloud Compute') → its Russian name. */
  readonly services: ReadonlyMap<string, string>;
  /** SKU id → its Russian name and unit. */
  readonly skus: ReadonlyMap<string, RussianSkuName>;
}

export function russianNames(versions: readonly CatalogVersion[]): RussianNames {
  const services = new Map<string, string>();
  const skus = new Map<string, RussianSkuName>();
  for (const version of versions) {
    for (const sku of version.skus) {
      if (sku.serviceRu) services.set(sku.service, sku.serviceRu);
      if (sku.nameRu) {
        skus.set(sku.sku, { name: sku.nameRu, ...(sku.unitRu ? { unit: { ...sku.unitRu } } : {}) });
      }
    }
  }
  return { services, skus };
}
