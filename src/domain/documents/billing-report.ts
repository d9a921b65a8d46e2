/**
 * Billing report (детализация, rules §9): consumption by service, resource and local day for any range
 * of days, from the ledger's ResourceConsumed events. A usage window counts on the local day of the
 * instant the ledger rated it at (the window's last instant), so the report and the ledger agree on which
 * period — and which day — every charge belongs to. Amounts stay at charge precision (decimal strings,
 * exact sums): the report explains the documents, it does not round them again. A legal entity's report
 * leaves out, as its documents do, what was paid with money from channels its profile does not count
 * (`documentChannels`: the first provider's card top-ups, seed 000).
 */
import type Big from 'big.js';

import { usageInstant } from '../ledger/decisions/instants.js';
import { excludedFromDocuments, type FundingPart } from '../ledger/funding.js';
import type { ChargeCorrection, LedgerEventOf } from '../ledger/ledger-events.js';
import { epochDayOf, isCanonicalInstant, type LocalDate } from '../shared/calendar.js';
import { Decimal, parseDecimal, toPlainString } from '../shared/decimal.js';
import { DomainError } from '../shared/errors.js';
import { MAX_MONEY_FRACTION_DIGITS, type Currency } from '../shared/money.js';
import type { PaymentChannel } from '../policies/policy-profile.js';
import { localDate } from '../shared/reporting-period.js';
import { DEFAULT_PROJECT, projectOf } from '../ledger/usage-attribution.js';

export type ResourceConsumedData = LedgerEventOf<'ResourceConsumed'>['data'];

/** A row per SKU (default) or per usage record, per local day. */
export type BillingReportResource = 'sku' | 'usage-record';

export interface BillingReportRequest {
  readonly accountId: string;
  readonly currency: Currency;
  readonly timeZone: string;
  /** Both inclusive, local dates in `timeZone`; events outside are left out. */
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly consumption: readonly ResourceConsumedData[];
  readonly resource?: BillingReportResource;
  /**
   * A legal entity's document-eligible channels (`profile.documents.eligibleChannels`): spending paid
   * through other channels is left out of the report, as it is of the documents. Absent: everything.
   */
  readonly documentChannels?: readonly PaymentChannel[];
  /** Corrections (issue 14) the ledger booked: those booked on a day of the range are listed apart. */
  readonly corrections?: readonly ChargeCorrection[];
}

/**
 * A correction (issue 14) booked on a local day of the report's range (that of its booking time), marked
 * with the period it corrects. Listed apart from the consumption rows: it explains corrective documents.
 */
export interface BillingReportCorrection extends ChargeSplit {
  readonly day: LocalDate;
  readonly correctionId: string;
  readonly kind: ChargeCorrection['kind'];
  readonly correctsPeriod: string;
  readonly service: string;
  readonly category: string;
  readonly sku: string | null;
  readonly usageRecordId: string | null;
  readonly quantityChange: string;
  readonly reason: string;
  readonly reference: string | null;
  readonly by: string;
}

export interface ChargeSplit {
  readonly amount: string;
  readonly fromGrants: string;
  readonly fromBalance: string;
}

export interface BillingReportRow extends ChargeSplit {
  readonly day: LocalDate;
  readonly service: string;
  readonly category: string;
  readonly sku: string;
  /** Set when rows are per usage record. */
  readonly usageRecordId: string | null;
  readonly unit: string;
  readonly quantity: string;
  readonly records: number;
}

/** A row as events and the read model give it: with its spending from the balance by funding source. */
export interface ConsumptionRow extends BillingReportRow {
  readonly fromBalanceBy?: readonly FundingPart[];
  /** The project the charges are in (issue 15); absent: `default`. Rows of different projects add up. */
  readonly project?: string;
}

/** A project's charges in the report's range (issue 15). */
export interface BillingReportProjectTotal extends ChargeSplit {
  readonly project: string;
}

export interface BillingReportServiceTotal extends ChargeSplit {
  readonly service: string;
  readonly category: string;
}

export interface BillingReport {
  readonly accountId: string;
  readonly currency: Currency;
  readonly timeZone: string;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly resource: BillingReportResource;
  /** Ordered by day, service, SKU, usage record. */
  readonly rows: BillingReportRow[];
  readonly byService: BillingReportServiceTotal[];
  /** Per project, by id (issue 15); absent when every charge in range was in project `default`. */
  readonly byProject?: BillingReportProjectTotal[];
  /** Equal to the sums of the rows. */
  readonly totals: ChargeSplit;
  /** With `documentChannels`: the spending left out, paid through channels that do not count. */
  readonly excludedFromDocuments?: string;
  /** Corrections booked in the range (issue 14), by day and booking order; absent when none. */
  readonly corrections?: BillingReportCorrection[];
  /** Their sums (signed: < 0 gave back), apart from `totals`. */
  readonly correctionTotals?: ChargeSplit;
}

/** A correction as a report line of the local day it was booked on. */
export function correctionRow(correction: ChargeCorrection, timeZone: string): BillingReportCorrection {
  const fromGrants = correction.fromGrants.reduce((sum, part) => sum.plus(part.amount), new Decimal('0'));
  return {
    day: localDate(correction.at, timeZone),
    correctionId: correction.correctionId,
    kind: correction.kind,
    correctsPeriod: correction.correctsPeriod,
    service: correction.service,
    category: correction.category,
    sku: correction.sku ?? null,
    usageRecordId: correction.usageRecordId ?? null,
    quantityChange: correction.quantityChange ?? '0',
    amount: toPlainString(new Decimal(correction.amount)),
    fromGrants: toPlainString(fromGrants),
    fromBalance: toPlainString(new Decimal(correction.fromBalance)),
    reason: correction.reason,
    reference: correction.reference ?? null,
    by: correction.by,
  };
}

export class BillingReportRangeError extends DomainError {
  override readonly name = 'BillingReportRangeError';
  readonly code = 'BILLING_REPORT_RANGE_INVALID';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`range: from ${from} is after to ${to}`);
  }
}

interface Accumulator {
  key: Omit<BillingReportRow, keyof ChargeSplit | 'quantity' | 'records'>;
  quantity: Big;
  amount: Big;
  fromGrants: Big;
  fromBalance: Big;
  /** Paid through channels that do not count in documents: left out of the amounts above. */
  excluded: Big;
  records: number;
}

/** A row or service wholly paid through channels that do not count: not a write-off of the report. */
const whollyExcluded = (sums: { amount: Big; excluded: Big }) => sums.excluded.gt('0') && sums.amount.eq('0');

/** The local day (in `timeZone`) a usage record counts on: that of the instant the ledger rated it at. */
export function consumptionDay(
  event: Pick<ResourceConsumedData, 'windowStart' | 'windowEnd'>,
  timeZone: string,
): LocalDate {
  const { windowStart: start, windowEnd: end } = event;
  // Two canonical instants with start < end (as text, so as instants): rated at end − 1 ms, so the day
  // depends on the window's end alone and is looked up (issue 18: every charge asks, twice per replay).
  if (!(start < end && isCanonicalInstant(end) && isCanonicalInstant(start)))
    return localDate(usageInstant(start, end), timeZone);
  let days = dayOfWindowEnd.get(timeZone);
  if (!days) dayOfWindowEnd.set(timeZone, (days = new Map()));
  let day = days.get(end);
  if (day === undefined) {
    if (days.size >= WINDOW_END_CACHE_LIMIT) days.clear();
    days.set(end, (day = localDate(usageInstant(start, end), timeZone)));
  }
  return day;
}

/** Per time zone, the local day of a window ending at each canonical instant (hourly windows: ≈ 750 a month). */
const dayOfWindowEnd = new Map<string, Map<string, LocalDate>>();
const WINDOW_END_CACHE_LIMIT = 20_000;

/**
 * One usage record as a report row of its local day (`records` = 1), its amounts checked: the unit both
 * the report and the billing-report read model add up.
 */
export function consumptionRow(
  event: ResourceConsumedData,
  timeZone: string,
  resource: BillingReportResource = 'sku',
): ConsumptionRow {
  const field = (name: string) => `usage record ${event.usageRecordId} ${name}`;
  const amount = parseDecimal(event.amount, field('amount'), MAX_MONEY_FRACTION_DIGITS);
  const fromBalance = parseDecimal(event.fromBalance, field('fromBalance'), MAX_MONEY_FRACTION_DIGITS);
  const fromGrants = event.fromGrants.reduce(
    (sum, part) => sum.plus(parseDecimal(part.amount, field('fromGrants'), MAX_MONEY_FRACTION_DIGITS)),
    new Decimal('0'),
  );
  const quantity = parseDecimal(event.quantity, field('quantity'), MAX_MONEY_FRACTION_DIGITS);
  return {
    day: consumptionDay(event, timeZone),
    service: event.service,
    category: event.category,
    sku: event.sku,
    usageRecordId: resource === 'usage-record' ? event.usageRecordId : null,
    unit: event.unit,
    quantity: toPlainString(quantity),
    ...split({ amount, fromGrants, fromBalance }),
    records: 1,
    // Stored before sources were tracked: unattributed, counted as it always was.
    fromBalanceBy: event.fromBalanceBy ?? [{ source: 'unattributed', amount: toPlainString(fromBalance) }],
    ...(event.project !== undefined ? { project: event.project } : {}),
  };
}

export function billingReport(request: BillingReportRequest): BillingReport {
  checkRange(request.from, request.to);
  const resource = request.resource ?? 'sku';
  const rows: ConsumptionRow[] = [];
  for (const event of request.consumption) {
    const day = consumptionDay(event, request.timeZone);
    if (day < request.from || day > request.to) continue;
    rows.push(consumptionRow(event, request.timeZone, resource));
  }
  return billingReportFromRows(
    { ...request, resource },
    rows,
    (request.corrections ?? []).map((c) => correctionRow(c, request.timeZone)),
  );
}

/**
 * The report from rows already summed per local day, service, SKU (or usage record) and unit — by a read
 * model, or one per usage record — given in the order their first usage record was stored: rows with the
 * same key add up, and a row's or a service's category is the one its first usage record had. Rows
 * outside `from`–`to` are left out.
 */
export function billingReportFromRows(
  request: Omit<BillingReportRequest, 'consumption' | 'corrections'>,
  consumption: readonly ConsumptionRow[],
  corrections: readonly BillingReportCorrection[] = [],
): BillingReport {
  const { from, to, timeZone, documentChannels } = request;
  checkRange(from, to);
  const resource = request.resource ?? 'sku';

  const rows = new Map<string, Accumulator>();
  const services = new Map<
    string,
    Omit<Accumulator, 'key' | 'quantity' | 'records'> & { category: string }
  >();
  const zero = () => new Decimal('0');
  let excludedSpending = zero();
  const projects = new Map<string, Omit<Accumulator, 'key' | 'quantity' | 'records'>>();
  for (const part of consumption) {
    if (part.day < from || part.day > to) continue;
    const excluded = documentChannels ? excludedFromDocuments(part.fromBalanceBy, documentChannels) : zero();
    excludedSpending = excludedSpending.plus(excluded);
    const amount = new Decimal(part.amount).minus(excluded);
    const fromGrants = new Decimal(part.fromGrants);
    const fromBalance = new Decimal(part.fromBalance).minus(excluded);
    const key = JSON.stringify([part.day, part.service, part.sku, part.usageRecordId, part.unit]);
    const row = rows.get(key) ?? {
      key: {
        day: part.day,
        service: part.service,
        category: part.category,
        sku: part.sku,
        usageRecordId: part.usageRecordId,
        unit: part.unit,
      },
      quantity: zero(),
      amount: zero(),
      fromGrants: zero(),
      fromBalance: zero(),
      excluded: zero(),
      records: 0,
    };
    row.quantity = row.quantity.plus(new Decimal(part.quantity));
    row.amount = row.amount.plus(amount);
    row.fromGrants = row.fromGrants.plus(fromGrants);
    row.fromBalance = row.fromBalance.plus(fromBalance);
    row.excluded = row.excluded.plus(excluded);
    row.records += part.records;
    rows.set(key, row);

    const service = services.get(part.service) ?? {
      category: part.category,
      amount: zero(),
      fromGrants: zero(),
      fromBalance: zero(),
      excluded: zero(),
    };
    service.amount = service.amount.plus(amount);
    service.excluded = service.excluded.plus(excluded);
    service.fromGrants = service.fromGrants.plus(fromGrants);
    service.fromBalance = service.fromBalance.plus(fromBalance);
    services.set(part.service, service);

    const projectId = projectOf(part);
    const project = projects.get(projectId) ?? {
      amount: zero(),
      fromGrants: zero(),
      fromBalance: zero(),
      excluded: zero(),
    };
    project.amount = project.amount.plus(amount);
    project.excluded = project.excluded.plus(excluded);
    project.fromGrants = project.fromGrants.plus(fromGrants);
    project.fromBalance = project.fromBalance.plus(fromBalance);
    projects.set(projectId, project);
  }

  // Rows are dropped once summed, never record by record: the read model's sums and the log's records
  // give the same report.
  const counted = [...rows.values()].filter((row) => !whollyExcluded(row));
  const sortedRows = counted
    .sort((a, b) =>
      compareTuples(
        [a.key.day, a.key.service, a.key.sku, a.key.usageRecordId ?? '', a.key.unit],
        [b.key.day, b.key.service, b.key.sku, b.key.usageRecordId ?? '', b.key.unit],
      ),
    )
    .map((row): BillingReportRow => ({
      ...row.key,
      quantity: toPlainString(row.quantity),
      ...split(row),
      records: row.records,
    }));
  const byService = [...services.entries()]
    .filter(([, totals]) => !whollyExcluded(totals))
    .sort(([a], [b]) => compareTuples([a], [b]))
    .map(([service, totals]): BillingReportServiceTotal => ({
      service,
      category: totals.category,
      ...split(totals),
    }));
  const totals = counted.reduce(
    (sum, row) => ({
      amount: sum.amount.plus(row.amount),
      fromGrants: sum.fromGrants.plus(row.fromGrants),
      fromBalance: sum.fromBalance.plus(row.fromBalance),
    }),
    { amount: zero(), fromGrants: zero(), fromBalance: zero() },
  );
  return {
    accountId: request.accountId,
    currency: request.currency,
    timeZone,
    from,
    to,
    resource,
    rows: sortedRows,
    byService,
    ...(projects.size > 0 && [...projects.keys()].some((id) => id !== DEFAULT_PROJECT)
      ? {
          byProject: [...projects.entries()]
            .filter(([, totals]) => !whollyExcluded(totals))
            .sort(([a], [b]) => compareTuples([a], [b]))
            .map(([project, totals]): BillingReportProjectTotal => ({ project, ...split(totals) })),
        }
      : {}),
    totals: split(totals),
    ...(documentChannels ? { excludedFromDocuments: toPlainString(excludedSpending) } : {}),
    ...correctionsIn(corrections, from, to),
  };
}

/** The corrections booked from `from` to `to`, in the order given (booking order), and their sums. */
function correctionsIn(
  corrections: readonly BillingReportCorrection[],
  from: LocalDate,
  to: LocalDate,
): Pick<BillingReport, 'corrections' | 'correctionTotals'> {
  const listed = corrections
    .filter((c) => c.day >= from && c.day <= to)
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  if (listed.length === 0) return {};
  const sum = (field: keyof ChargeSplit) =>
    toPlainString(listed.reduce((total, c) => total.plus(c[field]), new Decimal('0')));
  return {
    corrections: listed,
    correctionTotals: {
      amount: sum('amount'),
      fromGrants: sum('fromGrants'),
      fromBalance: sum('fromBalance'),
    },
  };
}

function checkRange(from: LocalDate, to: LocalDate): void {
  epochDayOf(from, 'from');
  epochDayOf(to, 'to');
  if (from > to) throw new BillingReportRangeError(from, to);
}

export interface BillingReportCsvOptions {
  /** Append a final 'TOTAL' record with the report's totals. Off by default: every record is a row. */
  readonly totalsRow?: boolean;
}

/**
 * The report as CSV (RFC 4180): a header record, CRLF line breaks, fields quoted only when they hold a
 * comma, a double quote, CR or LF, quotes doubled. Amounts and quantities are plain decimal strings.
 */
export function billingReportCsv(report: BillingReport, options: BillingReportCsvOptions = {}): string {
  const perRecord = report.resource === 'usage-record';
  const header = [
    'day',
    'service',
    'category',
    'sku',
    ...(perRecord ? ['usage_record_id'] : []),
    'unit',
    'quantity',
    'amount',
    'from_grants',
    'from_balance',
    'currency',
  ];
  const records = report.rows.map((row) => [
    row.day,
    row.service,
    row.category,
    row.sku,
    ...(perRecord ? [row.usageRecordId ?? ''] : []),
    row.unit,
    row.quantity,
    row.amount,
    row.fromGrants,
    row.fromBalance,
    report.currency,
  ]);
  if (options.totalsRow) {
    const blanks = perRecord ? 6 : 5;
    records.push([
      'TOTAL',
      ...Array<string>(blanks).fill(''),
      report.totals.amount,
      report.totals.fromGrants,
      report.totals.fromBalance,
      report.currency,
    ]);
  }
  return [header, ...records].map((record) => record.map(csvField).join(',') + '\r\n').join('');
}

/** One RFC 4180 field. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function split(values: { amount: Big; fromGrants: Big; fromBalance: Big }): ChargeSplit {
  return {
    amount: toPlainString(values.amount),
    fromGrants: toPlainString(values.fromGrants),
    fromBalance: toPlainString(values.fromBalance),
  };
}

/** Code-point order, independent of the runtime's locale data. */
function compareTuples(left: readonly string[], right: readonly string[]): number {
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index]!;
    const b = right[index]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}
