import { addCalendarDays, daysBetween, epochDayOf, type LocalDate } from './calendar.js';
import type Big from 'big.js';

import { Decimal, divideRounded, parseDecimal } from './decimal.js';
import { DomainError, describeValue } from './errors.js';
import { Money, assertInMinorUnits } from './money.js';
import { DEFAULT_ROUNDING_POLICY, allocateByWeights, type RoundingPolicy } from './rounding.js';

/** Whose VAT applies: Russian, Kazakh, or none for the non-resident (USD) scheme. */
export type VatJurisdiction = 'RU' | 'KZ' | 'non-resident';

export const VAT_JURISDICTIONS: readonly VatJurisdiction[] = ['RU', 'KZ', 'non-resident'];

/**
 * A VAT rate: a percentage such as '22', or 'none' — prices exclude taxes and documents say "without VAT",
 * which is not the same thing as a 0% rate.
 */
export type VatRate = { readonly kind: 'percent'; readonly percent: string } | { readonly kind: 'none' };

export const NO_VAT: VatRate = Object.freeze({ kind: 'none' });

const VAT_PERCENT_FRACTION_DIGITS = 4;

/** A percentage rate such as '22': a non-negative plain decimal with at most 4 fractional digits. */
export function vatPercent(percent: string): VatRate {
  parseVatPercent(percent);
  return Object.freeze({ kind: 'percent', percent });
}

/** A rate in force from `from` to `until`, both inclusive local dates; null = open-ended. */
export interface VatRatePeriod {
  readonly from: LocalDate | null;
  readonly until: LocalDate | null;
  readonly rate: VatRate;
  /** Where the rate comes from, for audit trails. */
  readonly basis: string;
}

export type VatSchedule = Readonly<Record<VatJurisdiction, readonly VatRatePeriod[]>>;

/** Effective-dated VAT rates (rules §3). */
export const VAT_SCHEDULE: VatSchedule = Object.freeze({
  RU: Object.freeze([
    {
      from: null,
      until: '2025-12-31',
      rate: vatPercent('20'),
      basis: 'Tax Code of the Russian Federation, art. 164',
    },
    { from: '2026-01-01', until: null, rate: vatPercent('22'), basis: 'Federal Law 425-FZ' },
  ]),
  KZ: Object.freeze([
    {
      from: null,
      until: '2025-12-31',
      rate: vatPercent('12'),
      basis: 'Tax Code of the Republic of Kazakhstan (2017)',
    },
    {
      from: '2026-01-01',
      until: null,
      rate: vatPercent('16'),
      basis: 'Tax Code of the Republic of Kazakhstan (2026)',
    },
  ]),
  'non-resident': Object.freeze([{ from: null, until: null, rate: NO_VAT, basis: 'prices exclude taxes' }]),
});

/**
 * What happens when the rate changes inside a service period (rules §3, §12):
 * - 'act-date' (default): the whole period uses the rate in force on its last day, the act's date;
 * - 'split-by-day': each line's gross is split in proportion to the days each rate was in force.
 */
export type VatRateChangePolicy = 'act-date' | 'split-by-day';

export const DEFAULT_VAT_RATE_CHANGE_POLICY: VatRateChangePolicy = 'act-date';

/** One document line (or part of one): gross = net + vat, all in minor units. */
export interface VatAmounts {
  readonly gross: Money;
  readonly vat: Money;
  readonly net: Money;
}

export interface VatBreakdown {
  readonly rate: VatRate;
  readonly lines: readonly VatAmounts[];
  /** Sums of the rounded lines; never rounded on their own. */
  readonly totals: VatAmounts;
}

/** A service period of local dates, both inclusive. A ReportingPeriod fits. */
export interface ServicePeriod {
  readonly firstDay: LocalDate;
  readonly lastDay: LocalDate;
}

export interface VatPart extends VatAmounts {
  readonly firstDay: LocalDate;
  readonly lastDay: LocalDate;
  readonly days: number;
  readonly rate: VatRate;
}

export interface PeriodVatLine extends VatAmounts {
  /** One part per rate applied: a single part under 'act-date' or when the rate did not change. */
  readonly parts: readonly VatPart[];
}

export interface PeriodVatBreakdown {
  readonly rateChangePolicy: VatRateChangePolicy;
  readonly lines: readonly PeriodVatLine[];
  readonly totals: VatAmounts;
}

export interface PeriodVatOptions {
  readonly jurisdiction: VatJurisdiction;
  readonly servicePeriod: ServicePeriod;
  readonly rateChangePolicy?: VatRateChangePolicy;
  readonly rounding?: RoundingPolicy;
  readonly schedule?: VatSchedule;
}

export class UnknownVatJurisdictionError extends DomainError {
  override readonly name = 'UnknownVatJurisdictionError';
  readonly code = 'VAT_JURISDICTION_UNKNOWN';
  constructor(readonly value: unknown) {
    super(`jurisdiction: ${describeValue(value)} is not one of ${VAT_JURISDICTIONS.join(', ')}`);
  }
}

export class InvalidVatRateError extends DomainError {
  override readonly name = 'InvalidVatRateError';
  readonly code = 'VAT_RATE_INVALID';
  constructor(readonly value: string) {
    super(`VAT percent: '${value}' must not be negative`);
  }
}

export class VatRateUndefinedError extends DomainError {
  override readonly name = 'VatRateUndefinedError';
  readonly code = 'VAT_RATE_UNDEFINED';
  constructor(
    readonly jurisdiction: VatJurisdiction,
    readonly date: LocalDate,
  ) {
    super(`VAT schedule of ${jurisdiction} has no rate in force on ${date}`);
  }
}

export class EmptyVatLinesError extends DomainError {
  override readonly name = 'EmptyVatLinesError';
  readonly code = 'VAT_LINES_EMPTY';
  constructor() {
    super('lines: a document needs at least one line to compute VAT');
  }
}

export class InvalidServicePeriodError extends DomainError {
  override readonly name = 'InvalidServicePeriodError';
  readonly code = 'SERVICE_PERIOD_INVALID';
  constructor(readonly period: ServicePeriod) {
    super(`servicePeriod: firstDay ${period.firstDay} is after lastDay ${period.lastDay}`);
  }
}

export class UnknownVatRateChangePolicyError extends DomainError {
  override readonly name = 'UnknownVatRateChangePolicyError';
  readonly code = 'VAT_RATE_CHANGE_POLICY_UNKNOWN';
  constructor(readonly value: unknown) {
    super(`rateChangePolicy: ${describeValue(value)} is not 'act-date' or 'split-by-day'`);
  }
}

/** The VAT rate in force on a local service date ('YYYY-MM-DD'). */
export function vatRateOn(
  jurisdiction: VatJurisdiction,
  date: LocalDate,
  schedule: VatSchedule = VAT_SCHEDULE,
): VatRate {
  return ratePeriodOn(jurisdiction, date, schedule).rate;
}

/**
 * VAT contained in one VAT-inclusive gross amount: VAT = gross × r / (100 + r), rounded once to minor
 * units with the policy's mode; net = gross − VAT. The gross must already be in minor units.
 */
export function vatOfGross(
  gross: Money,
  rate: VatRate,
  policy: RoundingPolicy = DEFAULT_ROUNDING_POLICY,
): VatAmounts {
  assertInMinorUnits(gross, 'gross');
  if (rate.kind === 'none') return { gross, vat: Money.zero(gross.currency), net: gross };
  // Parsed again: schedules may come from configuration without passing through vatPercent().
  const percent = parseVatPercent(rate.percent);
  const vatAmount = divideRounded(
    gross.amount.times(percent),
    percent.plus(new Decimal('100')),
    gross.minorUnitDigits,
    policy.mode,
  );
  const vat = Money.fromDecimal(vatAmount, gross.currency);
  return { gross, vat, net: gross.subtract(vat) };
}

/**
 * VAT of a document's lines at one rate (rules §3): computed and rounded per line; the totals are the sums
 * of the rounded lines, so Σ line VAT = total VAT and net + VAT = gross hold exactly, line by line and in
 * total. Lines keep their input order.
 */
export function vatForLines(
  lines: readonly Money[],
  rate: VatRate,
  policy: RoundingPolicy = DEFAULT_ROUNDING_POLICY,
): VatBreakdown {
  if (lines.length === 0) throw new EmptyVatLinesError();
  const computed = lines.map((gross) => vatOfGross(gross, rate, policy));
  return { rate, lines: computed, totals: sumAmounts(computed) };
}

/**
 * VAT of a document covering a service period, applying the rate-change policy. Under 'act-date' every
 * line uses the rate on `servicePeriod.lastDay`. Under 'split-by-day' each line's gross is split across
 * the runs of days with one rate (largest remainder, so the parts add up to the line exactly), each part
 * gets its own rate and rounding, and the line is the sum of its parts.
 */
export function vatForPeriodLines(lines: readonly Money[], options: PeriodVatOptions): PeriodVatBreakdown {
  const {
    jurisdiction,
    servicePeriod,
    rateChangePolicy = DEFAULT_VAT_RATE_CHANGE_POLICY,
    rounding = DEFAULT_ROUNDING_POLICY,
    schedule = VAT_SCHEDULE,
  } = options;
  if (lines.length === 0) throw new EmptyVatLinesError();
  const totalDays = daysBetween(servicePeriod.firstDay, servicePeriod.lastDay) + 1;
  if (totalDays < 1) throw new InvalidServicePeriodError(servicePeriod);

  let segments: Omit<VatPart, keyof VatAmounts>[];
  if (rateChangePolicy === 'act-date') {
    const rate = vatRateOn(jurisdiction, servicePeriod.lastDay, schedule);
    segments = [{ firstDay: servicePeriod.firstDay, lastDay: servicePeriod.lastDay, days: totalDays, rate }];
  } else if (rateChangePolicy === 'split-by-day') {
    segments = rateSegments(jurisdiction, servicePeriod, schedule);
  } else {
    throw new UnknownVatRateChangePolicyError(rateChangePolicy);
  }

  const computed = lines.map((gross): PeriodVatLine => {
    assertInMinorUnits(gross, 'gross');
    const grossParts = allocateByWeights(
      gross,
      segments.map((segment) => segment.days),
    );
    const parts = segments.map((segment, index) => ({
      ...segment,
      ...vatOfGross(grossParts[index]!, segment.rate, rounding),
    }));
    return { ...sumAmounts(parts), parts };
  });
  return { rateChangePolicy, lines: computed, totals: sumAmounts(computed) };
}

/** Runs of consecutive days of the period that fall under the same schedule entry. */
function rateSegments(
  jurisdiction: VatJurisdiction,
  period: ServicePeriod,
  schedule: VatSchedule,
): Omit<VatPart, keyof VatAmounts>[] {
  const segments: Omit<VatPart, keyof VatAmounts>[] = [];
  let day = period.firstDay;
  while (day <= period.lastDay) {
    const entry = ratePeriodOn(jurisdiction, day, schedule);
    const lastDay = entry.until !== null && entry.until < period.lastDay ? entry.until : period.lastDay;
    segments.push({ firstDay: day, lastDay, days: daysBetween(day, lastDay) + 1, rate: entry.rate });
    day = addCalendarDays(lastDay, 1);
  }
  return segments;
}

function parseVatPercent(percent: string): Big {
  const parsed = parseDecimal(percent, 'VAT percent', VAT_PERCENT_FRACTION_DIGITS);
  if (parsed.s < 0) throw new InvalidVatRateError(percent);
  return parsed;
}

function ratePeriodOn(jurisdiction: VatJurisdiction, date: LocalDate, schedule: VatSchedule): VatRatePeriod {
  if (!VAT_JURISDICTIONS.includes(jurisdiction)) throw new UnknownVatJurisdictionError(jurisdiction);
  epochDayOf(date, 'date'); // validates the format; 'YYYY-MM-DD' strings then compare chronologically
  const entry = schedule[jurisdiction].find(
    (candidate) =>
      (candidate.from === null || candidate.from <= date) &&
      (candidate.until === null || date <= candidate.until),
  );
  if (!entry) throw new VatRateUndefinedError(jurisdiction, date);
  return entry;
}

function sumAmounts(lines: readonly VatAmounts[]): VatAmounts {
  const currency = lines[0]!.gross.currency;
  return {
    gross: Money.sum(
      lines.map((line) => line.gross),
      currency,
    ),
    vat: Money.sum(
      lines.map((line) => line.vat),
      currency,
    ),
    net: Money.sum(
      lines.map((line) => line.net),
      currency,
    ),
  };
}
