/**
 * The price catalog as data: a list of versions, each a complete snapshot of every price in force from
 * its `effectiveFrom` instant until the next version starts. Usage is priced by the version in force at
 * its usage time, so a price change never reprices history and a replay always rates the same way.
 *
 * A SKU id names a resource independently of region; one version may price the same SKU id in several
 * currencies (one entry per currency). An account's currency picks the entry.
 */
import Big from 'big.js';
import { instantNanos, isNegativeDecimal, isUnsignedDecimal } from './decimal.js';

export const CURRENCIES = ['RUB', 'KZT', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface PriceTier {
  /** Exclusive upper bound of cumulative period quantity for this tier; null = open-ended (last tier). */
  upTo: string | null;
  unitPrice: string;
}

export type Pricing = { model: 'flat'; unitPrice: string } | { model: 'graduated'; tiers: PriceTier[] };

export interface Sku {
  sku: string;
  /** Service name printed on document lines, e.g. 'Cloud Compute'. */
  service: string;
  category: string;
  unit: string;
  currency: Currency;
  pricing: Pricing;
  /** Quantity free of charge in each reporting period (the period is the ledger's calendar month). */
  freeQuota?: { quantity: string; per: 'month' };
  /** Storage-like: still charged while the account is frozen or suspended. */
  keptWhileSuspended: boolean;
  /** The SKU's Russian name on Russian documents, e.g. 'Вычислительные ресурсы: вЦПУ' (optional). */
  nameRu?: string;
  /** The Russian name of its service, printed on document lines aggregated per service (optional). */
  serviceRu?: string;
  /**
   * The unit as Russian documents print it, with its OKEI (ОКЕИ) code: { name: 'вЦПУ·ч', okei: '356' }.
   * OKEI has no compound units: the code is that of the unit the quantity counts (час, месяц, гигабайт…).
   */
  unitRu?: SkuUnitRu;
}

export interface SkuUnitRu {
  name: string;
  /** 3–4 digit OKEI code, e.g. '356' (час). */
  okei: string;
}

export interface CatalogVersion {
  version: string;
  /** ISO-8601 instant with an offset; the version is in force from this instant inclusive. */
  effectiveFrom: string;
  skus: Sku[];
}

export interface CatalogIssue {
  /** Where in the catalog data, e.g. `versions[1]("2026.1").skus[0]("compute.vcpu.hour"/RUB).pricing`. */
  path: string;
  message: string;
}

export class CatalogValidationError extends Error {
  override readonly name = 'CatalogValidationError';
  constructor(readonly issues: readonly CatalogIssue[]) {
    super(`Invalid price catalog: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

const SKU_ID = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Every problem of the catalog data, in document order; an empty list means the catalog is valid. */
export function validateCatalog(versions: readonly CatalogVersion[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  if (!Array.isArray(versions) || versions.length === 0) {
    return [{ path: 'versions', message: 'a catalog needs at least one version' }];
  }
  const versionIds = new Map<string, number>();
  const effectiveInstants = new Map<bigint, number>();
  versions.forEach((version, index) => {
    const path = `versions[${index}]${typeof version?.version === 'string' ? `("${version.version}")` : ''}`;
    if (typeof version !== 'object' || version === null) {
      issues.push({ path, message: 'must be an object' });
      return;
    }
    if (typeof version.version !== 'string' || version.version.trim() === '') {
      issues.push({ path: `${path}.version`, message: 'must be a non-empty string' });
    } else if (versionIds.has(version.version)) {
      issues.push({
        path: `${path}.version`,
        message: `duplicate version id "${version.version}" (also versions[${versionIds.get(version.version)}])`,
      });
    } else {
      versionIds.set(version.version, index);
    }
    const effective = instantNanos(version.effectiveFrom);
    if (effective === undefined) {
      issues.push({
        path: `${path}.effectiveFrom`,
        message: 'must be an ISO-8601 instant with seconds and an offset, e.g. 2026-01-01T00:00:00+03:00',
      });
    } else if (effectiveInstants.has(effective)) {
      issues.push({
        path: `${path}.effectiveFrom`,
        message: `versions[${effectiveInstants.get(effective)}] takes effect at the same instant: which one is in force would be ambiguous`,
      });
    } else {
      effectiveInstants.set(effective, index);
    }
    if (!Array.isArray(version.skus)) {
      issues.push({ path: `${path}.skus`, message: 'must be an array' });
      return;
    }
    validateSkus(version.skus, path, issues);
  });
  return issues;
}

function validateSkus(skus: readonly Sku[], versionPath: string, issues: CatalogIssue[]): void {
  const seen = new Map<string, number>();
  const firstBySkuId = new Map<string, Sku>();
  skus.forEach((sku, index) => {
    const label = typeof sku?.sku === 'string' ? `("${sku.sku}"/${String(sku.currency)})` : '';
    const path = `${versionPath}.skus[${index}]${label}`;
    if (typeof sku !== 'object' || sku === null) {
      issues.push({ path, message: 'must be an object' });
      return;
    }
    if (typeof sku.sku !== 'string' || !SKU_ID.test(sku.sku)) {
      issues.push({
        path: `${path}.sku`,
        message: 'must be lower-case words joined by "." or "-", e.g. compute.vcpu.hour',
      });
    }
    for (const field of ['service', 'category', 'unit'] as const) {
      if (typeof sku[field] !== 'string' || sku[field].trim() === '') {
        issues.push({ path: `${path}.${field}`, message: 'must be a non-empty string' });
      }
    }
    if (!(CURRENCIES as readonly string[]).includes(sku.currency)) {
      issues.push({ path: `${path}.currency`, message: `must be one of ${CURRENCIES.join(', ')}` });
    }
    if (typeof sku.keptWhileSuspended !== 'boolean') {
      issues.push({ path: `${path}.keptWhileSuspended`, message: 'must be a boolean' });
    }
    validatePricing(sku.pricing, `${path}.pricing`, issues);
    validateRussianNames(sku, path, issues);
    if (sku.freeQuota !== undefined) {
      if (typeof sku.freeQuota !== 'object' || sku.freeQuota === null) {
        issues.push({ path: `${path}.freeQuota`, message: 'must be an object' });
      } else {
        checkNonNegativeDecimal(sku.freeQuota.quantity, `${path}.freeQuota.quantity`, issues);
        if (sku.freeQuota.per !== 'month') {
          issues.push({
            path: `${path}.freeQuota.per`,
            message: 'must be "month" (quotas reset each reporting period)',
          });
        }
      }
    }

    const key = `${sku.sku}/${sku.currency}`;
    if (seen.has(key)) {
      issues.push({
        path,
        message: `duplicate SKU "${sku.sku}" in ${sku.currency} (also skus[${seen.get(key)}]): a SKU is priced once per currency`,
      });
    } else {
      seen.set(key, index);
    }
    // The same SKU id in another currency must describe the same thing; only the price may differ.
    const first = firstBySkuId.get(sku.sku);
    if (first === undefined) {
      firstBySkuId.set(sku.sku, sku);
    } else {
      for (const field of ['service', 'category', 'unit', 'keptWhileSuspended'] as const) {
        if (first[field] !== sku[field]) {
          issues.push({
            path: `${path}.${field}`,
            message: `differs from the ${first.currency} entry of the same SKU (${String(first[field])}): only prices may differ between currencies`,
          });
        }
      }
    }
  });
}

/** The optional Russian names: absent, or non-empty strings and a 3–4 digit OKEI code. */
function validateRussianNames(sku: Sku, path: string, issues: CatalogIssue[]): void {
  for (const field of ['nameRu', 'serviceRu'] as const) {
    const value = sku[field];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      issues.push({ path: `${path}.${field}`, message: 'must be a non-empty string when given' });
    }
  }
  const unit = sku.unitRu;
  if (unit === undefined) return;
  if (typeof unit !== 'object' || unit === null) {
    issues.push({ path: `${path}.unitRu`, message: 'must be an object { name, okei } when given' });
    return;
  }
  if (typeof unit.name !== 'string' || unit.name.trim() === '') {
    issues.push({ path: `${path}.unitRu.name`, message: 'must be a non-empty string' });
  }
  if (typeof unit.okei !== 'string' || !/^\d{3,4}$/.test(unit.okei)) {
    issues.push({ path: `${path}.unitRu.okei`, message: 'must be a 3–4 digit OKEI code, e.g. "356"' });
  }
}

function validatePricing(pricing: Pricing, path: string, issues: CatalogIssue[]): void {
  if (typeof pricing !== 'object' || pricing === null) {
    issues.push({ path, message: 'must be an object' });
    return;
  }
  if (pricing.model === 'flat') {
    checkNonNegativeDecimal(pricing.unitPrice, `${path}.unitPrice`, issues);
    return;
  }
  if (pricing.model !== 'graduated') {
    issues.push({ path: `${path}.model`, message: 'must be "flat" or "graduated"' });
    return;
  }
  if (!Array.isArray(pricing.tiers) || pricing.tiers.length === 0) {
    issues.push({ path: `${path}.tiers`, message: 'a graduated price needs at least one tier' });
    return;
  }
  let previousUpTo: Big = new Big(0);
  pricing.tiers.forEach((tier, index) => {
    const tierPath = `${path}.tiers[${index}]`;
    const isLast = index === pricing.tiers.length - 1;
    checkNonNegativeDecimal(tier?.unitPrice, `${tierPath}.unitPrice`, issues);
    if (tier?.upTo === null) {
      if (!isLast)
        issues.push({ path: `${tierPath}.upTo`, message: 'only the last tier may be open-ended (null)' });
      return;
    }
    if (isLast) {
      issues.push({
        path: `${tierPath}.upTo`,
        message: 'the last tier must be open-ended (null) so that every quantity has a price',
      });
    }
    if (!isUnsignedDecimal(tier?.upTo)) {
      issues.push({ path: `${tierPath}.upTo`, message: 'must be a plain decimal string or null' });
      return;
    }
    const upTo = new Big(tier.upTo);
    if (upTo.lte(previousUpTo)) {
      issues.push({
        path: `${tierPath}.upTo`,
        message: `tiers must ascend: ${tier.upTo} is not greater than the previous bound ${previousUpTo.toFixed()}`,
      });
    } else {
      previousUpTo = upTo;
    }
  });
}

function checkNonNegativeDecimal(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (isUnsignedDecimal(value)) return;
  issues.push({
    path,
    message: isNegativeDecimal(value)
      ? `must not be negative (got ${value})`
      : 'must be a non-negative plain decimal string such as "1.25" (no exponent, no number type)',
  });
}

/** A validated, immutable set of catalog versions. */
export class PriceCatalog {
  /** Versions in ascending effectiveFrom order. */
  readonly versions: readonly CatalogVersion[];
  private readonly effectiveNanos: readonly bigint[];
  /** Per version (same order), its entries by SKU id in the version's order: rating looks one SKU up per record. */
  private readonly entriesBySku: ReadonlyArray<ReadonlyMap<string, readonly Sku[]>>;

  private constructor(versions: CatalogVersion[]) {
    const ordered = versions
      .map((version) => ({ version, at: instantNanos(version.effectiveFrom) as bigint }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    this.versions = Object.freeze(ordered.map(({ version }) => deepFreeze(version)));
    this.effectiveNanos = Object.freeze(ordered.map(({ at }) => at));
    this.entriesBySku = this.versions.map((version) => {
      const bySku = new Map<string, Sku[]>();
      for (const entry of version.skus) {
        const entries = bySku.get(entry.sku);
        if (entries) entries.push(entry);
        else bySku.set(entry.sku, [entry]);
      }
      return bySku;
    });
  }

  /**
   * The version in force at an instant already parsed (instantNanos) and, when one is, the version's entries
   * of `skuId` in every currency (empty when it lists none): what versionAt and skuEntries answer, with the
   * instant parsed once and the SKU found by its id rather than by a scan of the version.
   */
  inForceAt(at: bigint, skuId: string): { version: CatalogVersion; entries: readonly Sku[] } | undefined {
    for (let index = this.effectiveNanos.length - 1; index >= 0; index -= 1) {
      if (this.effectiveNanos[index]! <= at)
        return { version: this.versions[index]!, entries: this.entriesBySku[index]!.get(skuId) ?? [] };
    }
    return undefined;
  }

  /** Validates and copies the data; throws CatalogValidationError listing every issue. */
  static create(versions: readonly CatalogVersion[]): PriceCatalog {
    const issues = validateCatalog(versions);
    if (issues.length > 0) throw new CatalogValidationError(issues);
    return new PriceCatalog(structuredClone([...versions]));
  }

  /**
   * The version in force at the instant: the one with the latest effectiveFrom <= instant, or undefined
   * before the first version. Throws RangeError for text that is not an ISO-8601 instant with an offset.
   */
  versionAt(instant: string): CatalogVersion | undefined {
    const at = instantNanos(instant);
    if (at === undefined)
      throw new RangeError(`instant must be an ISO-8601 instant with an offset, got "${instant}"`);
    let inForce: CatalogVersion | undefined;
    this.effectiveNanos.forEach((effective, index) => {
      if (effective <= at) inForce = this.versions[index];
    });
    return inForce;
  }

  /** The SKU entry priced in `currency` by the version in force at the instant, if any. */
  sku(skuId: string, instant: string, currency: Currency): Sku | undefined {
    return this.versionAt(instant)?.skus.find((entry) => entry.sku === skuId && entry.currency === currency);
  }

  /** Every currency entry of the SKU in the version in force at the instant (empty when unknown). */
  skuEntries(skuId: string, instant: string): readonly Sku[] {
    return this.versionAt(instant)?.skus.filter((entry) => entry.sku === skuId) ?? [];
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
