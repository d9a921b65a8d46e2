/**
 * Document numbers: sequential and gapless per issuer per year (rules §9), formatted
 * `<ISSUER-PREFIX>-<YEAR>-<000001>`; bills in a series of their own (`<ISSUER-PREFIX>-BILL-<YEAR>-…`). The allocator is pure: it takes the series' counter and a batch of
 * documents and returns the numbered documents with the new counter; the caller stores both in one
 * atomic append (the counter stream's expected revision guards against two allocators racing), so a
 * number is never handed out twice nor skipped.
 *
 * The year is the document date's year. Document dates are already local dates in the account's time
 * zone (closing documents: the period's last day), so no instant is converted here.
 */
import { epochDayOf, type LocalDate } from '../shared/calendar.js';
import { DomainError, describeValue } from '../shared/errors.js';
import type { Numbered } from './document-types.js';

/** The state of one series: the last number handed out by `issuer` in `year` (0 before the first). */
export interface DocumentNumberCounter {
  readonly issuer: string;
  readonly year: number;
  readonly lastNumber: number;
}

/** What numbering needs of a document: its identity, kind, issuer and date. */
export interface NumberableDocument {
  readonly documentId: string;
  /** A bill is numbered in its own series (absent: an accounting document). */
  readonly kind?: string;
  readonly issuer: { readonly id: string };
  readonly date: LocalDate;
}

/**
 * Bills are not accounting documents (seed 004): they get a series of their own per issuer and year, so
 * acts, VAT invoices and UPDs stay gapless among themselves. The series is named after the issuer with this
 * suffix: `RU-MOSCOW-LLC-BILL-2026-000001`.
 */
export const BILL_SERIES_SUFFIX = '-bill';

export interface NumberedBatch<D> {
  /** In numbering order: by date, documents of the same date in input order. */
  readonly documents: Array<Numbered<D>>;
  readonly counter: DocumentNumberCounter;
}

export interface NumberedBatches<D> {
  readonly documents: Array<Numbered<D>>;
  /** Every series touched or passed in, with its new last number, sorted by issuer then year. */
  readonly counters: DocumentNumberCounter[];
}

const SEQUENCE_DIGITS = 6;

export class InvalidNumberCounterError extends DomainError {
  override readonly name = 'InvalidNumberCounterError';
  readonly code = 'NUMBERING_COUNTER_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`counter ${field}: ${describeValue(value)} ${reason}`);
  }
}

export class NumberingSeriesMismatchError extends DomainError {
  override readonly name = 'NumberingSeriesMismatchError';
  readonly code = 'NUMBERING_SERIES_MISMATCH';
  constructor(
    readonly documentId: string,
    readonly documentSeries: { issuer: string; year: number },
    readonly counter: { issuer: string; year: number },
  ) {
    super(
      `document ${documentId} belongs to the series of ${documentSeries.issuer} in ${documentSeries.year}, ` +
        `not to the counter of ${counter.issuer} in ${counter.year}`,
    );
  }
}

export class DocumentAlreadyNumberedError extends DomainError {
  override readonly name = 'DocumentAlreadyNumberedError';
  readonly code = 'NUMBERING_ALREADY_NUMBERED';
  constructor(
    readonly documentId: string,
    readonly number: unknown,
  ) {
    super(`document ${documentId} already has number ${describeValue(number)}`);
  }
}

export class DuplicateDocumentInBatchError extends DomainError {
  override readonly name = 'DuplicateDocumentInBatchError';
  readonly code = 'NUMBERING_DUPLICATE_DOCUMENT';
  constructor(readonly documentId: string) {
    super(`document ${documentId} appears twice in one batch: it would take two numbers`);
  }
}

/** The counter of a series nobody has numbered in yet. */
export function initialNumberCounter(issuer: string, year: number): DocumentNumberCounter {
  const counter = { issuer, year, lastNumber: 0 };
  assertNumberCounter(counter);
  return counter;
}

/** 'ru-moscow-llc' → 'RU-MOSCOW-LLC': the issuer id in capitals, runs of other characters as one '-'. */
export function issuerNumberPrefix(issuer: string): string {
  const prefix = issuer
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (prefix === '') throw new InvalidNumberCounterError('issuer', issuer, 'gives no number prefix');
  return prefix;
}

/** `RU-MOSCOW-LLC-2026-000001`; past 999 999 the sequence simply grows a digit. */
export function formatDocumentNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${String(year).padStart(4, '0')}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** The series a document is numbered in: its issuer and its date's year. */
export function numberingSeriesOf(document: NumberableDocument): { issuer: string; year: number } {
  epochDayOf(document.date, `date of document ${document.documentId}`);
  const series = document.kind === 'bill' ? `${document.issuer.id}${BILL_SERIES_SUFFIX}` : document.issuer.id;
  return { issuer: series, year: Number(document.date.slice(0, 4)) };
}

/**
 * Numbers a batch of one series. Every document must belong to the counter's issuer and year; the
 * batch is numbered in date order (stable), continuing from `counter.lastNumber` without gaps.
 */
export function assignNumbers<D extends NumberableDocument>(
  counter: DocumentNumberCounter,
  documents: readonly D[],
  prefix: string = issuerNumberPrefix(counter.issuer),
): NumberedBatch<D> {
  assertNumberCounter(counter);
  assertNumberable(documents);
  for (const document of documents) {
    const series = numberingSeriesOf(document);
    if (series.issuer !== counter.issuer || series.year !== counter.year) {
      throw new NumberingSeriesMismatchError(document.documentId, series, counter);
    }
  }
  let lastNumber = counter.lastNumber;
  const numbered = inDateOrder(documents).map((document): Numbered<D> => {
    lastNumber += 1;
    return {
      ...document,
      number: formatDocumentNumber(prefix, counter.year, lastNumber),
      sequence: lastNumber,
    };
  });
  return { documents: numbered, counter: { ...counter, lastNumber } };
}

/**
 * Numbers documents of any issuers and years (a December period's bill is dated in January): each
 * goes to its series' counter, a series without a counter starts at 1. Documents come back in date
 * order, then input order.
 */
export function assignNumbersAcrossSeries<D extends NumberableDocument>(
  counters: readonly DocumentNumberCounter[],
  documents: readonly D[],
  prefixFor: (issuer: string) => string = issuerNumberPrefix,
): NumberedBatches<D> {
  const bySeries = new Map<string, DocumentNumberCounter>();
  for (const counter of counters) {
    assertNumberCounter(counter);
    const key = seriesKey(counter);
    if (bySeries.has(key)) throw new InvalidNumberCounterError('issuer/year', key, 'is given twice');
    bySeries.set(key, counter);
  }
  assertNumberable(documents);
  const numbered = inDateOrder(documents).map((document): Numbered<D> => {
    const series = numberingSeriesOf(document);
    const key = seriesKey(series);
    const counter = bySeries.get(key) ?? initialNumberCounter(series.issuer, series.year);
    const lastNumber = counter.lastNumber + 1;
    bySeries.set(key, { ...counter, lastNumber });
    return {
      ...document,
      number: formatDocumentNumber(prefixFor(series.issuer), series.year, lastNumber),
      sequence: lastNumber,
    };
  });
  const updated = [...bySeries.values()].sort((a, b) =>
    a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : a.year - b.year,
  );
  return { documents: numbered, counters: updated };
}

function seriesKey(series: { issuer: string; year: number }): string {
  return `${series.issuer}|${series.year}`;
}

/** Stable: equal dates keep their input order. */
function inDateOrder<D extends NumberableDocument>(documents: readonly D[]): D[] {
  return documents
    .map((document, index) => ({ document, index }))
    .sort((a, b) =>
      a.document.date < b.document.date ? -1 : a.document.date > b.document.date ? 1 : a.index - b.index,
    )
    .map(({ document }) => document);
}

function assertNumberable(documents: readonly NumberableDocument[]): void {
  const seen = new Set<string>();
  for (const document of documents) {
    const number = (document as { number?: unknown }).number;
    if (number !== undefined) throw new DocumentAlreadyNumberedError(document.documentId, number);
    if (seen.has(document.documentId)) throw new DuplicateDocumentInBatchError(document.documentId);
    seen.add(document.documentId);
  }
}

function assertNumberCounter(counter: DocumentNumberCounter): void {
  if (typeof counter.issuer !== 'string' || counter.issuer.trim() === '') {
    throw new InvalidNumberCounterError('issuer', counter.issuer, 'must be a non-empty issuer id');
  }
  if (!Number.isSafeInteger(counter.year) || counter.year < 1 || counter.year > 9999) {
    throw new InvalidNumberCounterError('year', counter.year, 'must be a whole year 1–9999');
  }
  if (!Number.isSafeInteger(counter.lastNumber) || counter.lastNumber < 0) {
    throw new InvalidNumberCounterError('lastNumber', counter.lastNumber, 'must be a whole number ≥ 0');
  }
}
