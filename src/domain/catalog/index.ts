export {
  CURRENCIES,
  CatalogValidationError,
  PriceCatalog,
  validateCatalog,
  type CatalogIssue,
  type CatalogVersion,
  type Currency,
  type PriceTier,
  type Pricing,
  type Sku,
  type SkuUnitRu,
} from './catalog.js';
export { defaultCatalog, defaultCatalogVersions } from './default-catalog.js';
export {
  AMOUNT_FRACTION_DIGITS,
  MAX_QUANTITY_FRACTION_DIGITS,
  isRatingRejected,
  rateCharge,
  rateUsage,
  raterFor,
  type RatedCharge,
  type RateUsageRequest,
  type RatedSegment,
  type RatedUsage,
  type RatingRejected,
  type RatingRejectionCode,
  type RatingResult,
} from './rating.js';
export { russianNames, type RussianNames, type RussianSkuName } from './russian-names.js';
export {
  CATALOG_REJECTIONS,
  catalogOf,
  decideCatalog,
  evolveCatalog,
  initialCatalogState,
  versionIssues,
  type CatalogCommand,
  type CatalogEvent,
  type CatalogState,
  type CatalogVersionPublished,
  type PublishCatalogVersion,
  type SeedCatalog,
} from './catalog-decide.js';
