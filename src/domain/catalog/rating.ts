/**
 * Rating: turns a usage quantity into money with the catalog version in force at the usage time.
 *
 * Free quotas and graduated tiers are measured on one axis, the SKU's cumulative quantity in the
 * reporting period. Rating `quantity` after `usedThisPeriodBefore` prices the interval
 * [used, used + quantity): the part below the free quota is free, the rest is split across the tiers it
 * overlaps. Because the exact (unrounded) charge of an interval is the sum of the charges of its parts,
 * rating a then b equals rating a + b at once, up to the final rounding of each call.
 */
import Big from 'big.js';
import { CURRENCIES, type Currency, type PriceCatalog, type Sku } from './catalog.js';
import { fractionDigits, instantNanos, isNegativeDecimal, isUnsignedDecimal } from './decimal.js';

/** Digits after the point of a rated amount: charges carry sub-kopeck precision (domain-rules §2). */
export const AMOUNT_FRACTION_DIGITS = 6;
/** Meters may report quantities down to a nanounit; finer input is rejected rather than rounded. */
export const MAX_QUANTITY_FRACTION_DIGITS = 9;

export interface RateUsageRequest {
  catalog: PriceCatalog;
  skuId: string;
  /** Non-negative plain decimal, at most 9 fractional digits. */
  quantity: string;
  /** ISO-8601 instant with an offset; selects the catalog version (latest effectiveFrom <= usageAt). */
  usageAt: string;
  /** The account's currency; the SKU must be priced in it. */
  currency: string;
  /** Quantity of this SKU already rated in the same reporting period (0 at period start). */
  usedThisPeriodBefore: string;
}

/** One priced slice of the rated interval, in cumulative period quantity. */
export interface RatedSegment {
  /** Index into the SKU's tiers (0 for a flat price). */
  tier: number;
  /** Cumulative period quantity where the slice starts (inclusive) and ends (exclusive). */
  from: string;
  to: string;
  quantity: string;
  unitPrice: string;
  /** quantity × unitPrice, exact (not rounded). */
  amount: string;
}

export interface RatedUsage {
  /** The charge, rounded half-up to 6 fractional digits. */
  amount: string;
  /** The unrounded charge: the sum of the segments' amounts. */
  exactAmount: string;
  currency: Currency;
  catalogVersion: string;
  sku: string;
  service: string;
  category: string;
  unit: string;
  keptWhileSuspended: boolean;
  priceModel: 'flat' | 'graduated';
  /** The flat unit price; null for a graduated price (see `segments`). */
  unitPrice: string | null;
  /** Priced slices in ascending order; empty when nothing is billable. */
  segments: RatedSegment[];
  quantity: string;
  /** Part of the quantity covered by the free quota. */
  freeQuantityApplied: string;
  /** quantity − freeQuantityApplied. */
  billableQuantity: string;
}

export type RatingRejectionCode =
  'UNKNOWN_SKU' | 'NEGATIVE_QUANTITY' | 'INVALID_QUANTITY' | 'CURRENCY_MISMATCH' | 'INVALID_USAGE_TIME';

/** Why a usage cannot be rated. Has `rejected: true`; a RatedUsage has no `rejected` key at all. */
export interface RatingRejected {
  rejected: true;
  code: RatingRejectionCode;
  /** The request field at fault. */
  field: 'skuId' | 'quantity' | 'usedThisPeriodBefore' | 'usageAt' | 'currency';
  message: string;
}

export type RatingResult = RatedUsage | RatingRejected;

export function isRatingRejected(result: RatingResult): result is RatingRejected {
  return 'rejected' in result;
}

export function rateUsage(request: RateUsageRequest): RatingResult {
  const found = skuToRate(request);
  if ('rejected' in found) return found;
  return price(
    found.sku,
    found.catalogVersion,
    new Big(request.usedThisPeriodBefore),
    new Big(request.quantity),
  );
}

/** What a charge takes of a rating (the ledger's port): the amount and the SKU's facts, no breakdown. */
export type RatedCharge = Pick<
  RatedUsage,
  'amount' | 'currency' | 'catalogVersion' | 'sku' | 'service' | 'category' | 'unit' | 'keptWhileSuspended'
>;

/**
 * rateUsage's amount and SKU facts (its very checks and rejections), without the segments and the other
 * decimal strings only a price breakdown shows: rating runs on every usage record, and those strings
 * were most of its cost (issue 18). rating.property.spec.ts pins it to rateUsage.
 */
export function rateCharge(request: RateUsageRequest): RatedCharge | RatingRejected {
  const found = skuToRate(request);
  if ('rejected' in found) return found;
  const { sku, catalogVersion } = found;
  let exact = new Big(0);
  for (const slice of slicesOf(sku, new Big(request.usedThisPeriodBefore), new Big(request.quantity)).slices)
    exact = exact.plus(slice.amount);
  return {
    amount: exact.toFixed(AMOUNT_FRACTION_DIGITS, Big.roundHalfUp),
    currency: sku.currency,
    catalogVersion,
    sku: sku.sku,
    service: sku.service,
    category: sku.category,
    unit: sku.unit,
    keptWhileSuspended: sku.keptWhileSuspended,
  };
}

/** The request checked, and the SKU entry in force at its instant in its currency. */
function skuToRate(request: RateUsageRequest): { sku: Sku; catalogVersion: string } | RatingRejected {
  const { catalog, skuId, usageAt, currency } = request;
  const quantityProblem = checkQuantity(request.quantity, 'quantity');
  if (quantityProblem) return quantityProblem;
  const usedProblem = checkQuantity(request.usedThisPeriodBefore, 'usedThisPeriodBefore');
  if (usedProblem) return usedProblem;
  const at = instantNanos(usageAt);
  if (at === undefined) {
    return reject(
      'INVALID_USAGE_TIME',
      'usageAt',
      `usageAt must be an ISO-8601 instant with seconds and an offset (e.g. 2026-01-01T00:00:00Z), got "${usageAt}"`,
    );
  }

  // The instant parsed once, the SKU's entries by id (issue 18: rating runs on every usage record).
  const inForce = catalog.inForceAt(at, skuId);
  if (inForce === undefined) {
    return reject(
      'UNKNOWN_SKU',
      'usageAt',
      `no catalog version is in force at usageAt ${usageAt}: no SKU is priced then`,
    );
  }
  const { version, entries } = inForce;
  if (entries.length === 0) {
    return reject(
      'UNKNOWN_SKU',
      'skuId',
      `skuId "${skuId}" is not in catalog version ${version.version} (in force at ${usageAt})`,
    );
  }
  const sku = entries.find((entry) => entry.currency === currency);
  if (sku === undefined) {
    const priced = entries.map((entry) => entry.currency).join(', ');
    const what = (CURRENCIES as readonly string[]).includes(currency)
      ? currency
      : `unsupported currency "${currency}"`;
    return reject(
      'CURRENCY_MISMATCH',
      'currency',
      `SKU "${skuId}" is priced in ${priced} in catalog version ${version.version}, not in the account's ${what}`,
    );
  }
  return { sku, catalogVersion: version.version };
}

/** Adapter for callers that name the SKU `sku` (the ledger's RateUsage port). */
export function raterFor(
  catalog: PriceCatalog,
): (request: Omit<RateUsageRequest, 'catalog' | 'skuId'> & { sku: string }) => RatingResult {
  return ({ sku, ...rest }) => rateUsage({ catalog, skuId: sku, ...rest });
}

function price(sku: Sku, catalogVersion: string, usedBefore: Big, quantity: Big): RatedUsage {
  const { freeQuantity, slices } = slicesOf(sku, usedBefore, quantity);
  const segments: RatedSegment[] = [];
  let exact = new Big(0);
  for (const { tier, from, to, sliceQuantity, unitPrice, amount } of slices) {
    exact = exact.plus(amount);
    segments.push({
      tier,
      from: from.toFixed(),
      to: to.toFixed(),
      quantity: sliceQuantity.toFixed(),
      unitPrice,
      amount: amount.toFixed(),
    });
  }

  return {
    amount: exact.toFixed(AMOUNT_FRACTION_DIGITS, Big.roundHalfUp),
    exactAmount: exact.toFixed(),
    currency: sku.currency,
    catalogVersion,
    sku: sku.sku,
    service: sku.service,
    category: sku.category,
    unit: sku.unit,
    keptWhileSuspended: sku.keptWhileSuspended,
    priceModel: sku.pricing.model,
    unitPrice: sku.pricing.model === 'flat' ? sku.pricing.unitPrice : null,
    segments,
    quantity: quantity.toFixed(),
    freeQuantityApplied: freeQuantity.toFixed(),
    billableQuantity: quantity.minus(freeQuantity).toFixed(),
  };
}

/**
 * The priced slices of the interval [usedBefore, usedBefore + quantity) of the period's cumulative quantity:
 * the part below the free quota is free, the rest split across the tiers it overlaps.
 */
function slicesOf(
  sku: Sku,
  usedBefore: Big,
  quantity: Big,
): {
  freeQuantity: Big;
  slices: Array<{ tier: number; from: Big; to: Big; sliceQuantity: Big; unitPrice: string; amount: Big }>;
} {
  const start = usedBefore;
  const end = usedBefore.plus(quantity);
  const freeUpTo = new Big(sku.freeQuota?.quantity ?? '0');
  // The free quota covers the start of the period's cumulative quantity.
  const freeQuantity = max(new Big(0), min(end, freeUpTo).minus(start));
  const chargedFrom = max(start, freeUpTo);
  const slices = [];
  const tiers = tiersOf(sku);
  for (let tier = 0; tier < tiers.length; tier++) {
    const { lowerBound, upTo, unitPrice } = tiers[tier]!;
    const from = max(lowerBound, chargedFrom);
    const to = upTo === null ? end : min(upTo, end);
    if (to.lte(from)) continue;
    const sliceQuantity = to.minus(from);
    slices.push({ tier, from, to, sliceQuantity, unitPrice, amount: sliceQuantity.times(unitPrice) });
  }
  return { freeQuantity, slices };
}

type TierBounds = ReadonlyArray<{ lowerBound: Big; upTo: Big | null; unitPrice: string }>;

/** Bounds parsed once per SKU entry (catalog entries never change; big.js values are never changed). */
const tierBounds = new WeakMap<Sku, TierBounds>();

/** A flat price is a single open-ended tier starting at 0. */
function tiersOf(sku: Sku): TierBounds {
  const known = tierBounds.get(sku);
  if (known) return known;
  let tiers: TierBounds;
  if (sku.pricing.model === 'flat')
    tiers = [{ lowerBound: new Big(0), upTo: null, unitPrice: sku.pricing.unitPrice }];
  else {
    let lowerBound = new Big(0);
    tiers = sku.pricing.tiers.map((tier) => {
      const upTo = tier.upTo === null ? null : new Big(tier.upTo);
      const bounds = { lowerBound, upTo, unitPrice: tier.unitPrice };
      if (upTo !== null) lowerBound = upTo;
      return bounds;
    });
  }
  tierBounds.set(sku, tiers);
  return tiers;
}

function checkQuantity(
  value: unknown,
  field: 'quantity' | 'usedThisPeriodBefore',
): RatingRejected | undefined {
  if (isNegativeDecimal(value)) {
    return reject('NEGATIVE_QUANTITY', field, `${field} must not be negative, got "${value}"`);
  }
  if (!isUnsignedDecimal(value)) {
    return reject(
      'INVALID_QUANTITY',
      field,
      `${field} must be a plain non-negative decimal string such as "1.5" (no sign, exponent or spaces), got ${JSON.stringify(value)}`,
    );
  }
  if (fractionDigits(value) > MAX_QUANTITY_FRACTION_DIGITS) {
    return reject(
      'INVALID_QUANTITY',
      field,
      `${field} must have at most ${MAX_QUANTITY_FRACTION_DIGITS} fractional digits, got "${value}"`,
    );
  }
  return undefined;
}

function reject(code: RatingRejectionCode, field: RatingRejected['field'], message: string): RatingRejected {
  return { rejected: true, code, field, message };
}

const min = (a: Big, b: Big): Big => (a.lt(b) ? a : b);
const max = (a: Big, b: Big): Big => (a.gt(b) ? a : b);
