/**
 * An account's pricing stream (`pricing-<accountId>`): discounts granted and ended, commitments made. A
 * discount is never edited: it ends early by a new event. This decider guards each change; the ledger
 * rates usage with what the stream holds (account-pricing.ts).
 */
import Big from 'big.js';
import { nextPeriod, periodOf } from '../shared/reporting-period.js';
import { reject, type DecisionOf } from '../shared/decision.js';
import { inForce, type AccountPricing, type CommitmentTerms, type DiscountTerms } from './account-pricing.js';

export interface DiscountGranted {
  type: 'DiscountGranted';
  data: DiscountTerms & { reason: string; grantedAt: string };
}

export interface DiscountEnded {
  type: 'DiscountEnded';
  /** `at`: the instant the discount stops applying (exclusive); `endedAt`: when ops ended it. */
  data: { discountId: string; at: string; reason: string; endedAt: string };
}

export interface CommitmentMade {
  type: 'CommitmentMade';
  data: CommitmentTerms & { madeAt: string };
}

export type PricingEvent = DiscountGranted | DiscountEnded | CommitmentMade;

/** The SKUs (→ their category) the price list knows: a discount or commitment names only those. */
export type KnownSkus = Readonly<Record<string, string>>;

/** What every pricing command carries besides its own fields: the clock, the window, the price list. */
interface PricingCommandContext {
  /** The engine's clock. */
  now: string;
  /** The effective-time window: a change may take effect at most this many days before now. */
  maxPastDays: number;
  knownSkus: KnownSkus;
}

export interface GrantDiscount extends PricingCommandContext {
  type: 'GrantDiscount';
  discountId: string;
  sku?: string;
  category?: string;
  percent: string;
  effectiveFrom: string;
  effectiveUntil?: string;
  reason: string;
}

export interface EndDiscount extends Omit<PricingCommandContext, 'knownSkus'> {
  type: 'EndDiscount';
  discountId: string;
  at: string;
  reason: string;
}

export interface MakeCommitment extends PricingCommandContext {
  type: 'MakeCommitment';
  commitmentId: string;
  amount: string;
  /** The account's currency (the route refuses another). */
  currency: string;
  skus: readonly string[];
  categories: readonly string[];
  discountPercent: string;
  effectiveFrom: string;
  months: number;
  /** The account's time zone: its periods are calendar months there. */
  timeZone: string;
}

export type PricingCommand = GrantDiscount | EndDiscount | MakeCommitment;

export interface DiscountRecord extends DiscountTerms {
  readonly reason: string;
  /** Set by DiscountEnded. */
  readonly endedAt?: string;
}

export interface PricingState {
  readonly discounts: ReadonlyMap<string, DiscountRecord>;
  readonly commitments: ReadonlyMap<string, CommitmentTerms>;
}

export const initialPricingState = (): PricingState => ({ discounts: new Map(), commitments: new Map() });

export function evolvePricing(state: PricingState, event: PricingEvent): PricingState {
  switch (event.type) {
    case 'DiscountGranted': {
      const { grantedAt: _grantedAt, ...discount } = event.data;
      return { ...state, discounts: new Map(state.discounts).set(discount.discountId, discount) };
    }
    case 'DiscountEnded': {
      const discount = state.discounts.get(event.data.discountId);
      if (!discount) return state;
      return {
        ...state,
        discounts: new Map(state.discounts).set(discount.discountId, { ...discount, endedAt: event.data.at }),
      };
    }
    case 'CommitmentMade': {
      const { madeAt: _madeAt, ...commitment } = event.data;
      return { ...state, commitments: new Map(state.commitments).set(commitment.commitmentId, commitment) };
    }
  }
}

/** Codes of the refusals; the bad-input ones are answered 400 naming the field, NOT_FOUND 404, the rest 422. */
export const PRICING_REJECTIONS = {
  invalid: 'PRICING_INVALID',
  unknownSku: 'PRICING_UNKNOWN_SKU',
  unknownCategory: 'PRICING_UNKNOWN_CATEGORY',
  notPeriodStart: 'COMMITMENT_NOT_AT_PERIOD_START',
  tooEarly: 'PRICING_EFFECTIVE_TOO_EARLY',
  discountIdTaken: 'DISCOUNT_ID_TAKEN',
  discountOverlaps: 'DISCOUNT_OVERLAPS',
  discountNotFound: 'DISCOUNT_NOT_FOUND',
  discountNotBegun: 'DISCOUNT_NOT_BEGUN',
  discountAlreadyEnded: 'DISCOUNT_ALREADY_ENDED',
  commitmentIdTaken: 'COMMITMENT_ID_TAKEN',
  commitmentOverlaps: 'COMMITMENT_OVERLAPS',
} as const;

/** Refusals that are bad input (400 naming the field). */
export const PRICING_BAD_INPUT: readonly string[] = [
  PRICING_REJECTIONS.invalid,
  PRICING_REJECTIONS.unknownSku,
  PRICING_REJECTIONS.unknownCategory,
  PRICING_REJECTIONS.notPeriodStart,
];

/** The longest commitment term, in months. */
export const MAX_COMMITMENT_MONTHS = 120;

export function decidePricing(command: PricingCommand, state: PricingState): DecisionOf<PricingEvent> {
  switch (command.type) {
    case 'GrantDiscount':
      return decideGrantDiscount(command, state);
    case 'EndDiscount':
      return decideEndDiscount(command, state);
    case 'MakeCommitment':
      return decideMakeCommitment(command, state);
  }
}

function decideGrantDiscount(command: GrantDiscount, state: PricingState): DecisionOf<PricingEvent> {
  const bad =
    targetProblem(command) ??
    percentProblem(command.percent, 'percent') ??
    instantProblem(command.effectiveFrom, 'effectiveFrom') ??
    (command.effectiveUntil === undefined
      ? undefined
      : instantProblem(command.effectiveUntil, 'effectiveUntil'));
  if (bad) return bad;
  if (command.effectiveUntil !== undefined && ms(command.effectiveUntil) <= ms(command.effectiveFrom)) {
    return reject(
      PRICING_REJECTIONS.invalid,
      'effectiveUntil must lie after effectiveFrom',
      'effectiveUntil',
    );
  }
  const discount: DiscountRecord = {
    discountId: command.discountId,
    ...(command.sku !== undefined ? { sku: command.sku } : { category: command.category! }),
    percent: command.percent,
    effectiveFrom: canonical(command.effectiveFrom),
    ...(command.effectiveUntil !== undefined ? { effectiveUntil: canonical(command.effectiveUntil) } : {}),
    reason: command.reason,
  };
  const existing = state.discounts.get(command.discountId);
  if (existing) {
    // A retry of the same grant stores nothing; other terms under a taken id would be an edit.
    const { endedAt: _endedAt, ...granted } = existing;
    if (same(granted, discount)) return { ok: true, events: [], duplicate: true };
    return reject(
      PRICING_REJECTIONS.discountIdTaken,
      `discount "${command.discountId}" is already granted with other terms: end it and grant a new one`,
      'discountId',
    );
  }
  const early = tooEarly(command.effectiveFrom, command, 'effectiveFrom');
  if (early) return early;
  const clash = [...state.discounts.values()].find(
    (other) =>
      other.sku === discount.sku &&
      other.category === discount.category &&
      overlaps(discount.effectiveFrom, discount.effectiveUntil, other.effectiveFrom, untilOf(other)),
  );
  if (clash) {
    const target = discount.sku !== undefined ? `SKU ${discount.sku}` : `category ${discount.category}`;
    return reject(
      PRICING_REJECTIONS.discountOverlaps,
      `discount "${clash.discountId}" on ${target} is in force over part of the same time (${clash.effectiveFrom} – ${untilOf(clash) ?? 'open-ended'})`,
      'effectiveFrom',
    );
  }
  return {
    ok: true,
    events: [{ type: 'DiscountGranted', data: { ...discount, grantedAt: command.now } }],
  };
}

function decideEndDiscount(command: EndDiscount, state: PricingState): DecisionOf<PricingEvent> {
  const bad = instantProblem(command.at, 'at');
  if (bad) return bad;
  const discount = state.discounts.get(command.discountId);
  if (!discount) {
    return reject(PRICING_REJECTIONS.discountNotFound, `no discount "${command.discountId}"`, 'discountId');
  }
  const at = canonical(command.at);
  if (discount.endedAt !== undefined) {
    // Ending it again at the same instant is a retry; at another, it has already ended.
    if (ms(discount.endedAt) === ms(at)) return { ok: true, events: [], duplicate: true };
    return reject(
      PRICING_REJECTIONS.discountAlreadyEnded,
      `discount "${discount.discountId}" was already ended at ${discount.endedAt}`,
      'at',
    );
  }
  if (ms(at) <= ms(discount.effectiveFrom) || ms(command.now) < ms(discount.effectiveFrom)) {
    return reject(
      PRICING_REJECTIONS.discountNotBegun,
      `discount "${discount.discountId}" begins at ${discount.effectiveFrom}: it has not begun, so it cannot end`,
      'at',
    );
  }
  if (discount.effectiveUntil !== undefined && ms(discount.effectiveUntil) <= ms(at)) {
    return reject(
      PRICING_REJECTIONS.discountAlreadyEnded,
      `discount "${discount.discountId}" ends at ${discount.effectiveUntil}, not after ${at}`,
      'at',
    );
  }
  const early = tooEarly(command.at, command, 'at');
  if (early) return early;
  return {
    ok: true,
    events: [
      {
        type: 'DiscountEnded',
        data: { discountId: discount.discountId, at, reason: command.reason, endedAt: command.now },
      },
    ],
  };
}

function decideMakeCommitment(command: MakeCommitment, state: PricingState): DecisionOf<PricingEvent> {
  const bad =
    amountProblem(command.amount) ??
    scopeProblem(command) ??
    percentProblem(command.discountPercent, 'discountPercent') ??
    monthsProblem(command.months) ??
    instantProblem(command.effectiveFrom, 'effectiveFrom');
  if (bad) return bad;
  const first = periodOf(canonical(command.effectiveFrom), command.timeZone);
  if (ms(first.startsAt) !== ms(command.effectiveFrom)) {
    return reject(
      PRICING_REJECTIONS.notPeriodStart,
      `effectiveFrom must be the start of a reporting period in ${command.timeZone} (e.g. ${first.startsAt}, or the next one ${nextPeriod(first).startsAt}): a commitment runs whole periods`,
      'effectiveFrom',
    );
  }
  let last = first;
  for (let month = 1; month < command.months; month++) last = nextPeriod(last);
  const commitment: CommitmentTerms = {
    commitmentId: command.commitmentId,
    amount: command.amount,
    currency: command.currency,
    skus: [...new Set(command.skus)].sort(),
    categories: [...new Set(command.categories)].sort(),
    discountPercent: command.discountPercent,
    effectiveFrom: first.startsAt,
    months: command.months,
    firstPeriodId: first.id,
    lastPeriodId: last.id,
    effectiveUntil: nextPeriod(last).startsAt,
  };
  const existing = state.commitments.get(command.commitmentId);
  if (existing) {
    if (same(existing, commitment)) return { ok: true, events: [], duplicate: true };
    return reject(
      PRICING_REJECTIONS.commitmentIdTaken,
      `commitment "${command.commitmentId}" is already made with other terms`,
      'commitmentId',
    );
  }
  const early = tooEarly(command.effectiveFrom, command, 'effectiveFrom');
  if (early) return early;
  const clash = [...state.commitments.values()].find(
    (other) =>
      overlaps(
        commitment.effectiveFrom,
        commitment.effectiveUntil,
        other.effectiveFrom,
        other.effectiveUntil,
      ) && scopesMeet(commitment, other, command.knownSkus),
  );
  if (clash) {
    return reject(
      PRICING_REJECTIONS.commitmentOverlaps,
      `commitment "${clash.commitmentId}" covers some of the same usage over part of the same periods (${clash.firstPeriodId} – ${clash.lastPeriodId}): one usage is covered by one commitment`,
      'scope',
    );
  }
  return { ok: true, events: [{ type: 'CommitmentMade', data: { ...commitment, madeAt: command.now } }] };
}

/** What the ledger rates with: each discount up to its early end, every commitment. */
export function accountPricingOf(state: PricingState): AccountPricing {
  return {
    discounts: [...state.discounts.values()].map(({ reason: _reason, endedAt, ...terms }) => {
      const until = untilOf({ ...terms, endedAt });
      return { ...terms, ...(until !== undefined ? { effectiveUntil: until } : {}) };
    }),
    commitments: [...state.commitments.values()],
  };
}

/** What is in force at `at`: the discounts (with their reason) and the commitments. */
export function pricingInForce(
  state: PricingState,
  at: string,
): { discounts: DiscountRecord[]; commitments: CommitmentTerms[] } {
  return {
    discounts: [...state.discounts.values()]
      .filter((d) => inForce(d.effectiveFrom, untilOf(d), at))
      .map((d) => {
        const until = untilOf(d);
        return { ...d, ...(until !== undefined ? { effectiveUntil: until } : {}) };
      }),
    commitments: [...state.commitments.values()].filter((c) =>
      inForce(c.effectiveFrom, c.effectiveUntil, at),
    ),
  };
}

/** A discount's end: the earlier of its own `effectiveUntil` and an early end. */
function untilOf(discount: Pick<DiscountRecord, 'effectiveUntil' | 'endedAt'>): string | undefined {
  const { effectiveUntil, endedAt } = discount;
  if (endedAt === undefined) return effectiveUntil;
  if (effectiveUntil === undefined) return endedAt;
  return ms(endedAt) < ms(effectiveUntil) ? endedAt : effectiveUntil;
}

function overlaps(
  fromA: string,
  untilA: string | undefined,
  fromB: string,
  untilB: string | undefined,
): boolean {
  const startsBeforeBEnds = untilB === undefined || ms(fromA) < ms(untilB);
  const endsAfterBStarts = untilA === undefined || ms(untilA) > ms(fromB);
  return startsBeforeBEnds && endsAfterBStarts;
}

/** Whether two scopes cover some usage in common: a SKU both name, a category both name, or a SKU of the other's category. */
function scopesMeet(a: CommitmentTerms, b: CommitmentTerms, known: KnownSkus): boolean {
  const coversSku = (c: CommitmentTerms, sku: string) =>
    c.skus.includes(sku) || c.categories.includes(known[sku] ?? '');
  if (a.skus.some((sku) => coversSku(b, sku)) || b.skus.some((sku) => coversSku(a, sku))) return true;
  return a.categories.some((category) => b.categories.includes(category));
}

function targetProblem(command: GrantDiscount) {
  const hasSku = command.sku !== undefined;
  const hasCategory = command.category !== undefined;
  if (hasSku === hasCategory) {
    return reject(
      PRICING_REJECTIONS.invalid,
      'name exactly one of sku and category',
      hasSku ? 'category' : 'sku',
    );
  }
  if (hasSku && !(command.sku! in command.knownSkus)) {
    return reject(PRICING_REJECTIONS.unknownSku, `sku "${command.sku}" is not in the price list`, 'sku');
  }
  if (hasCategory && !Object.values(command.knownSkus).includes(command.category!)) {
    return reject(
      PRICING_REJECTIONS.unknownCategory,
      `category "${command.category}" is not in the price list`,
      'category',
    );
  }
  return undefined;
}

function scopeProblem(command: MakeCommitment) {
  if (command.skus.length + command.categories.length === 0) {
    return reject(PRICING_REJECTIONS.invalid, 'scope must name at least one SKU or category', 'scope');
  }
  const knownCategories = new Set(Object.values(command.knownSkus));
  const sku = command.skus.findIndex((s) => !(s in command.knownSkus));
  if (sku >= 0) {
    return reject(
      PRICING_REJECTIONS.unknownSku,
      `sku "${command.skus[sku]}" is not in the price list`,
      `scope.skus[${sku}]`,
    );
  }
  const category = command.categories.findIndex((c) => !knownCategories.has(c));
  if (category >= 0) {
    return reject(
      PRICING_REJECTIONS.unknownCategory,
      `category "${command.categories[category]}" is not in the price list`,
      `scope.categories[${category}]`,
    );
  }
  return undefined;
}

const TWO_DECIMALS = /^\d{1,12}(\.\d{1,2})?$/;

/** 0 < percent ≤ 100, at most 2 decimals: '12.5', '100'. */
function percentProblem(percent: string, field: string) {
  const valid = typeof percent === 'string' && TWO_DECIMALS.test(percent);
  if (!valid || !(new Big(percent).gt(0) && new Big(percent).lte(100))) {
    return reject(
      PRICING_REJECTIONS.invalid,
      `${field} must be a decimal string above 0 and at most 100 with at most 2 decimals, got ${JSON.stringify(percent)}`,
      field,
    );
  }
  return undefined;
}

function amountProblem(amount: string) {
  if (typeof amount !== 'string' || !TWO_DECIMALS.test(amount) || new Big(amount).lte(0)) {
    return reject(
      PRICING_REJECTIONS.invalid,
      `amount must be a positive decimal string with at most 2 decimals, got ${JSON.stringify(amount)}`,
      'amount',
    );
  }
  return undefined;
}

function monthsProblem(months: number) {
  if (!Number.isInteger(months) || months < 1 || months > MAX_COMMITMENT_MONTHS) {
    return reject(
      PRICING_REJECTIONS.invalid,
      `months must be a whole number from 1 to ${MAX_COMMITMENT_MONTHS}`,
      'months',
    );
  }
  return undefined;
}

function instantProblem(value: string, field: string) {
  if (typeof value !== 'string' || !/(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    return reject(PRICING_REJECTIONS.invalid, `${field} must be an ISO-8601 time with an offset`, field);
  }
  return undefined;
}

/** A change may reach back into the effective-time window, no further: older usage is long booked. */
function tooEarly(value: string, context: Omit<PricingCommandContext, 'knownSkus'>, field: string) {
  const earliest = ms(context.now) - context.maxPastDays * 86_400_000;
  if (ms(value) >= earliest) return undefined;
  return reject(
    PRICING_REJECTIONS.tooEarly,
    `${field} ${value} lies more than ${context.maxPastDays} days before now (${context.now}): outside the effective-time window`,
    field,
  );
}

const ms = (instant: string) => Date.parse(instant);
const canonical = (instant: string) => new Date(Date.parse(instant)).toISOString();

function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([key, child]) => `${JSON.stringify(key)}:${stable(child)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
