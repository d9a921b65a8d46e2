/**
 * The cost query (issue 15): an account's charges over any range of local days, summed per the dimensions
 * asked for — project, resource, SKU, a label's value, day — at charge precision (decimal strings, exact
 * big.js sums). Every charge counts, whoever paid it (grants or the balance); the billing report and the
 * documents are where spending is split for accounting. The sums are taken over rows already ordered by the
 * group's values, so grouping streams: one group in memory at a time, never the range.
 */
import type Big from 'big.js';
import { Decimal, toPlainString } from '../shared/decimal.js';
import { LABEL_KEY, projectOf, type Labels } from '../ledger/usage-attribution.js';
import { consumptionDay, csvField, type ResourceConsumedData } from './billing-report.js';
import { usageInstant } from '../ledger/decisions/instants.js';
import type { ChargeCorrection } from '../ledger/ledger-events.js';

export type CostDimension = 'project' | 'resource' | 'sku' | 'day' | `label:${string}`;
export const PLAIN_DIMENSIONS = ['project', 'resource', 'sku', 'day'] as const;
/** More would only multiply rows; a label costs a join. */
export const MAX_COST_DIMENSIONS = 6;

/** The `groupBy` query parameter (comma-separated) as dimensions, or why it is refused. */
export function parseGroupBy(
  raw: unknown,
): { ok: true; dimensions: CostDimension[] } | { ok: false; message: string } {
  if (raw === undefined || raw === '') return { ok: true, dimensions: ['project'] };
  if (typeof raw !== 'string') return { ok: false, message: 'groupBy must be given once' };
  const dimensions = raw.split(',').map((part) => part.trim());
  if (dimensions.length > MAX_COST_DIMENSIONS)
    return { ok: false, message: `groupBy takes at most ${MAX_COST_DIMENSIONS} dimensions` };
  for (const dimension of dimensions) {
    const label = dimension.startsWith('label:') ? dimension.slice('label:'.length) : undefined;
    const known = (PLAIN_DIMENSIONS as readonly string[]).includes(dimension);
    if (!known && !(label !== undefined && LABEL_KEY.test(label)))
      return {
        ok: false,
        message: `groupBy "${dimension.slice(0, 80)}" must be one of project, resource, sku, day, label:<key>`,
      };
  }
  if (new Set(dimensions).size !== dimensions.length)
    return { ok: false, message: 'groupBy names a dimension twice' };
  return { ok: true, dimensions: dimensions as CostDimension[] };
}

export const labelOf = (dimension: CostDimension): string | undefined =>
  dimension.startsWith('label:') ? dimension.slice('label:'.length) : undefined;

/** What one charge, or one read-model row of charges, adds to a group. Amounts are decimal strings. */
export interface CostPart {
  /** The group's values, in the order of the dimensions; null: the charge has no resource or label. */
  readonly key: ReadonlyArray<string | null>;
  readonly amount: string;
  readonly fromGrants: string;
  readonly fromBalance: string;
  readonly records: number;
}

/** One line of the answer: the dimensions' values (by dimension name), then the sums. */
export type CostRow = Record<string, string | number | null>;

export interface CostTotals {
  amount: string;
  fromGrants: string;
  fromBalance: string;
  records: number;
}

/** A charge's values for the dimensions, from the event as the ledger stored it. */
export function costKeyOf(
  event: Pick<ResourceConsumedData, 'windowStart' | 'windowEnd' | 'sku' | 'project' | 'resourceId'> & {
    labels?: Labels;
  },
  timeZone: string,
  dimensions: readonly CostDimension[],
): Array<string | null> {
  return dimensions.map((dimension) => {
    if (dimension === 'project') return projectOf(event);
    if (dimension === 'resource') return event.resourceId ?? null;
    if (dimension === 'sku') return event.sku;
    if (dimension === 'day') return consumptionDay(event, timeZone);
    return event.labels?.[labelOf(dimension)!] ?? null;
  });
}

/** A charge as a part of its group (the charge's fromGrants summed). */
export function costPartOf(
  event: ResourceConsumedData,
  timeZone: string,
  dimensions: readonly CostDimension[],
): CostPart {
  return {
    key: costKeyOf(event, timeZone, dimensions),
    amount: event.amount,
    fromGrants: event.fromGrants.reduce((sum, part) => sum.plus(part.amount), new Decimal('0')).toFixed(),
    fromBalance: event.fromBalance,
    records: 1,
  };
}

/**
 * A correction (ChargeCorrected, issue 14) as a signed part of its group: a usage correction (late usage,
 * void, re-rate) on the local day of its record's usage window's last instant, where the record itself
 * counts; an adjustment (or a void stored before it carried its window) on the local day it was booked.
 * A late usage record counts as one record; voids, re-rates and adjustments change amounts, not records.
 */
export function correctionCostPartOf(
  correction: ChargeCorrection,
  timeZone: string,
  dimensions: readonly CostDimension[],
): CostPart {
  const window = correction.usage ?? correction.usageWindow;
  const at = window ? usageInstant(window.windowStart, window.windowEnd) : correction.at;
  return {
    key: costKeyOf(
      {
        ...correction,
        windowStart: at,
        windowEnd: at,
        // An adjustment naming no SKU: '' reads as null, as a missing resource does.
        sku: correction.sku ?? '',
      },
      timeZone,
      dimensions,
    ),
    amount: correction.amount,
    fromGrants: correction.fromGrants
      .reduce((sum, part) => sum.plus(part.amount), new Decimal('0'))
      .toFixed(),
    fromBalance: correction.fromBalance,
    records: correction.kind === 'late-usage' ? 1 : 0,
  };
}

/**
 * Sums consecutive parts with the same key into one row each: `parts` must come ordered so that equal keys
 * are adjacent (the read model's ORDER BY). `totals` is filled in as rows go by, complete at the end.
 */
export async function* groupedCosts(
  parts: AsyncIterable<CostPart>,
  dimensions: readonly CostDimension[],
  totals: CostTotals,
): AsyncGenerator<CostRow> {
  let current: { key: ReadonlyArray<string | null>; sums: Sums } | undefined;
  const all = emptySums();
  for await (const part of parts) {
    addTo(all, part);
    if (current && sameKey(current.key, part.key)) {
      addTo(current.sums, part);
      continue;
    }
    if (current) yield rowOf(current.key, current.sums, dimensions);
    current = { key: part.key, sums: emptySums() };
    addTo(current.sums, part);
  }
  if (current) yield rowOf(current.key, current.sums, dimensions);
  Object.assign(totals, printed(all));
}

export const emptyCostTotals = (): CostTotals => ({
  amount: '0',
  fromGrants: '0',
  fromBalance: '0',
  records: 0,
});

/** The CSV header: the dimensions as asked, then the sums and the currency. */
export const costCsvHeader = (dimensions: readonly CostDimension[]): string =>
  csvLine([...dimensions, 'amount', 'from_grants', 'from_balance', 'records', 'currency']);

export const costCsvLine = (row: CostRow, dimensions: readonly CostDimension[], currency: string): string =>
  csvLine([
    ...dimensions.map((dimension) => String(row[dimension] ?? '')),
    String(row.amount),
    String(row.fromGrants),
    String(row.fromBalance),
    String(row.records),
    currency,
  ]);

const csvLine = (fields: readonly string[]) => fields.map(csvField).join(',') + '\r\n';

interface Sums {
  amount: Big;
  fromGrants: Big;
  fromBalance: Big;
  records: number;
}

const emptySums = (): Sums => ({
  amount: new Decimal('0'),
  fromGrants: new Decimal('0'),
  fromBalance: new Decimal('0'),
  records: 0,
});

function addTo(sums: Sums, part: CostPart): void {
  sums.amount = sums.amount.plus(part.amount);
  sums.fromGrants = sums.fromGrants.plus(part.fromGrants);
  sums.fromBalance = sums.fromBalance.plus(part.fromBalance);
  sums.records += part.records;
}

const printed = (sums: Sums): CostTotals => ({
  amount: toPlainString(sums.amount),
  fromGrants: toPlainString(sums.fromGrants),
  fromBalance: toPlainString(sums.fromBalance),
  records: sums.records,
});

function rowOf(key: ReadonlyArray<string | null>, sums: Sums, dimensions: readonly CostDimension[]): CostRow {
  const row: CostRow = {};
  dimensions.forEach((dimension, index) => (row[dimension] = key[index] ?? null));
  return { ...row, ...printed(sums) };
}

const sameKey = (a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>) =>
  a.length === b.length && a.every((value, index) => value === b[index]);
