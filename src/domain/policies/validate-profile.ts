import type { PolicyProfile } from './policy-profile.js';

export class InvalidProfileError extends Error {
  override readonly name = 'InvalidProfileError';
  readonly code = 'PROFILE_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid policy profile: ${problems.join('; ')}`);
  }
}

type Check = (value: unknown, path: string, problems: string[]) => void;

const fail = (problems: string[], path: string, rule: string) => problems.push(`${path} ${rule}`);

const str: Check = (v, p, e) =>
  typeof v === 'string' && v.length > 0 ? undefined : fail(e, p, 'must be a non-empty string');
const bool: Check = (v, p, e) => (typeof v === 'boolean' ? undefined : fail(e, p, 'must be true or false'));
const days: Check = (v, p, e) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3650
    ? undefined
    : fail(e, p, 'must be a whole number of days from 0 to 3650');
const decimal: Check = (v, p, e) =>
  typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)
    ? undefined
    : fail(e, p, "must be a non-negative decimal string such as '0.1'");
const oneOf =
  (...allowed: string[]): Check =>
  (v, p, e) =>
    allowed.includes(v as string) ? undefined : fail(e, p, `must be one of ${allowed.join(', ')}`);
const listOf =
  (item: Check, nonEmpty = false): Check =>
  (v, p, e) => {
    if (!Array.isArray(v)) return fail(e, p, 'must be a list');
    if (nonEmpty && v.length === 0) return fail(e, p, 'must not be empty');
    v.forEach((x, i) => item(x, `${p}[${i}]`, e));
  };
const optional =
  (check: Check): Check =>
  (v, p, e) =>
    v === undefined ? undefined : check(v, p, e);
const object =
  (shape: Record<string, Check>): Check =>
  (v, p, e) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(e, p, 'must be an object');
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record))
      if (!(key in shape)) fail(e, `${p}.${key}`, 'is not a known field');
    for (const [key, check] of Object.entries(shape)) check(record[key], `${p}.${key}`, e);
  };

/** A field that did nothing and was removed: a profile that still sets it is told why, not ignored. */
const removed =
  (why: string): Check =>
  (v, p, e) =>
    v === undefined ? undefined : fail(e, p, `was removed: ${why}`);

const comparison = oneOf('below-zero', 'at-or-below-zero');
const penaltyStart = oneOf('due-date', 'suspension');

const penalties: Check = (v, p, e) => {
  const model = (v as { model?: unknown } | undefined)?.model;
  if (model === 'none') return object({ model: str })(v, p, e);
  if (model === 'percent-per-day') {
    return object({
      model: str,
      ratePercent: decimal,
      cap: optional(object({ percentOfDebt: decimal })),
      startsAt: penaltyStart,
    })(v, p, e);
  }
  if (model === 'key-rate-fraction') {
    return object({
      model: str,
      keyRatePercent: decimal,
      denominator: (d, dp, de) =>
        Number.isInteger(d) && (d as number) > 0 ? undefined : fail(de, dp, 'must be a positive integer'),
      cap: optional(object({ percentOfDebt: decimal })),
      startsAt: penaltyStart,
    })(v, p, e);
  }
  fail(e, `${p}.model`, 'must be one of none, percent-per-day, key-rate-fraction');
};

const profileShape = object({
  id: (v, p, e) =>
    typeof v === 'string' && /^[a-z0-9][a-z0-9-]{1,63}$/.test(v)
      ? undefined
      : fail(e, p, 'must be a lowercase slug'),
  version: (v, p, e) =>
    Number.isInteger(v) && (v as number) >= 1 ? undefined : fail(e, p, 'must be an integer ≥ 1'),
  description: str,
  appliesTo: object({
    payerTypes: listOf(oneOf('individual', 'legal-entity', 'sole-proprietor'), true),
    paymentScheme: oneOf('prepaid', 'postpaid'),
    residency: listOf(oneOf('resident', 'non-resident'), true),
  }),
  freeze: object({
    enabled: bool,
    when: comparison,
    deleteObjectsAfterDays: object({ neverPaid: days, paidBefore: days }),
    objectStorage: object({ blockAfterDays: days, deleteAfterBlockedDays: days }),
    unfreezeWithinMinutes: removed(
      'an account is unfrozen by the top-up that makes its balance positive, in the same decision',
    ),
  }),
  suspension: object({
    enabled: bool,
    when: comparison,
    suspendAfterDays: days,
    noticeDaysBefore: listOf(days),
    deleteAfterDays: days,
    restoreWithinHours: removed(
      'an account is restored by the payment that covers its debt, in the same decision',
    ),
  }),
  billing: object({
    issuePeriodBills: bool,
    billDueDays: days,
    midPeriodBillDueDays: days,
    creditLimitAllowed: bool,
    bankTransferBills: optional(bool),
    whenOverdue: oneOf('nothing', 'suspend'),
  }),
  documents: object({
    closing: oneOf('none', 'act-and-vat-invoice', 'upd-status-1', 'upd-status-2'),
    advanceVatInvoice: bool,
    actBasis: oneOf('spent-from-balance', 'total-consumption'),
    eligibleChannels: listOf(oneOf('card', 'bank-transfer', 'auto-top-up', 'internal')),
  }),
  penalties,
  rounding: object({ mode: oneOf('half-up', 'half-even'), subMinorChargesRoundUp: bool }),
  vat: object({ midMonthChange: oneOf('act-date', 'split-by-day') }),
  grants: object({ order: oneOf('earliest-expiry', 'object-type-first-then-account') }),
  minimumTopUp: object({ RUB: decimal, KZT: decimal, USD: decimal }),
  chargedWhileStopped: listOf(str),
  trial: optional(object({ enabled: bool })),
  autoTopUp: optional(
    object({
      enabled: bool,
      limits: object(
        Object.fromEntries(
          ['RUB', 'KZT', 'USD'].map((c) => [
            c,
            optional(object({ maxThreshold: decimal, minAmount: decimal, maxAmount: decimal })),
          ]),
        ),
      ),
      retry: object({
        maxAttempts: (v, p, e) =>
          Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 20
            ? undefined
            : fail(e, p, 'must be a whole number from 1 to 20'),
        spacingMinutes: days,
      }),
    }),
  ),
  lateUsage: optional(object({ windowDays: days })),
});

/** Checks an untrusted profile (e.g. a JSON file from ops) against the documented schema. */
export function validatePolicyProfile(candidate: unknown): PolicyProfile {
  const problems: string[] = [];
  profileShape(candidate, 'profile', problems);
  if (problems.length > 0) throw new InvalidProfileError(problems);
  return structuredClone(candidate) as PolicyProfile;
}
