/**
 * Document numbers: sequential and gapless per issuer per year (rules §9), formatted
 * `<ISSUER-PREFIX>-<YEAR>-<000001>`; bills in a series of their own (`<ISSUER-PREFIX>-BILL-<YEAR>-…`). The allocator is pure: it takes the series' counter and a batch of
 * documents and returns the numbered documents with the new counter; the caller stores both in one
 * atomic append (the counter stream's expected revision guards against two allocators racing), so a
 * number is never handed out twice nor skipped.
 *
 * The year is the document date's year. Document dates are already local dates in the account's time
 * zone (closing documents: the period's last day), so no instant is converted here.
 *
 * Numbers rise with dates (rules §9; issue 13): an accounting document (act, VAT invoice, UPD, advance VAT
 * invoice) dated earlier than the latest date already numbered in its series — a close run late, a withheld
 * document released weeks later — is drawn up on the day it is numbered: its date becomes the later of that
 * day and the series' latest date, while its service period and shipment date stay (`shipmentDate`). A number,
 * once given, never changes, so this is the only way a late document can join a gapless series in date order.
 * Russian practice: a VAT invoice drawn up after the 5 days of Tax Code art. 168 p. 3 is dated the day it is
 * drawn up and names the shipment. Bills (a series of their own) keep their dates.
 */
import { epochDayOf, type LocalDate } from '../shared/calendar.js';
import { DomainError, describeValue } from '../shared/errors.js';
import type { Numbered } from './document-types.js';

/** The state of one series: the last number handed out by `issuer` in `year` (0 before the first). */
export interface DocumentNumberCounter {
  readonly issuer: string;
  readonly year: number;
  readonly lastNumber: number;
  /**
   * The latest document date numbered in the series (bounded state: only this, not every date). Absent
   * before the first accounting document, in a bills' series, and in a series numbered only before dates were
   * recorded.
   */
  readonly latestDate?: LocalDate;
}

/** What numbering needs of a document: its identity, kind, issuer and date. */
export interface NumberableDocument {
  readonly documentId: string;
  /** A bill is numbered in its own series (absent: an accounting document). */
  readonly kind?: string;
  readonly issuer: { readonly id: string };
  readonly date: LocalDate;
  /** Set when numbering re-dates a late document: the shipment (transfer) date it keeps. */
  readonly shipmentDate?: LocalDate;
}

export interface NumberingOptions {
  /**
   * The local day the numbering runs on (the account's time zone): a late document is drawn up on it.
   * Without it a late document takes the series' latest date.
   */
  readonly today?: LocalDate;
  /** The number prefix; default from the issuer id. */
  readonly prefix?: string;
}

/**
 * Bills are not accounting documents (seed 004): they get a series of their own per issuer and year, so
 * acts, VAT invoices and UPDs stay gapless among themselves. The series is named after the issuer with this
 * suffix: `RU-MOSCOW-LLC-BILL-2026-000001`.
 */
export const BILL_SERIES_SUFFIX = '-bill';

export interface NumberedBatch<D> {
  /**
   * In numbering order: first the documents that keep their dates (by date, then input order), then the
   * late ones, re-dated (by their original date, then input order) — so numbers and dates rise together.
   */
  readonly documents: Array<Numbered<D>>;
  readonly counter: DocumentNumberCounter;
  /**
   * Late documents re-dated into a later year (numbered after the year turned): they belong to that year's
   * series and are not numbered here. Each carries its new date and its shipment date.
   */
  readonly carriedOver: D[];
}

export interface NumberedBatches<D> {
  /** By date; of one date, series by series (in order of appearance) and by number within a series. */
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
 * Numbers a batch of one series. Every document must belong to the counter's issuer and year; the batch
 * continues from `counter.lastNumber` without gaps. A document dated earlier than the series' latest date is
 * late: it is drawn up on `options.today` (or the series' latest date, if later) and numbered after the
 * documents that keep their dates; re-dated into a later year, it is carried over to that year's series.
 */
export function assignNumbers<D extends NumberableDocument>(
  counter: DocumentNumberCounter,
  documents: readonly D[],
  options: NumberingOptions = {},
): NumberedBatch<D> {
  assertNumberCounter(counter);
  assertNumberable(documents);
  if (options.today !== undefined) epochDayOf(options.today, 'today');
  for (const document of documents) {
    const series = numberingSeriesOf(document);
    if (series.issuer !== counter.issuer || series.year !== counter.year) {
      throw new NumberingSeriesMismatchError(document.documentId, series, counter);
    }
  }
  const prefix = options.prefix ?? issuerNumberPrefix(counter.issuer);
  const since = counter.latestDate;
  const isLate = (document: D) => document.kind !== 'bill' && since !== undefined && document.date < since;
  let lastNumber = counter.lastNumber;
  let latestDate = counter.latestDate;
  const numbered: Array<Numbered<D>> = [];
  const number = (document: D) => {
    lastNumber += 1;
    // Bills keep their dates in a series of their own: the order of dates is the accounting documents'.
    if (document.kind !== 'bill' && (latestDate === undefined || document.date > latestDate))
      latestDate = document.date;
    numbered.push({
      ...document,
      number: formatDocumentNumber(prefix, counter.year, lastNumber),
      sequence: lastNumber,
    });
  };
  inDateOrder(documents.filter((document) => !isLate(document))).forEach(number);
  const carriedOver: D[] = [];
  const late = inDateOrder(documents.filter(isLate));
  if (late.length > 0) {
    const drawnUpOn = laterOf(options.today ?? latestDate!, latestDate!);
    for (const document of late) {
      const redated = redate(document, drawnUpOn);
      if (Number(drawnUpOn.slice(0, 4)) !== counter.year) carriedOver.push(redated);
      else number(redated);
    }
  }
  const next: DocumentNumberCounter = { ...counter, lastNumber };
  return {
    documents: numbered,
    counter: latestDate === undefined ? next : { ...next, latestDate },
    carriedOver,
  };
}

/** The kinds that record a shipment (transfer): a late one keeps its day as `shipmentDate`. */
const SHIPPING_KINDS: ReadonlySet<string> = new Set(['act', 'vat-invoice', 'upd']);

/**
 * A late document drawn up on `date`: the document date moves, the service period stays, and an act, VAT
 * invoice or UPD keeps the day of the shipment (transfer) as `shipmentDate` — its original date — to print
 * it. An advance VAT invoice or a corrective document has no shipment: only its date moves.
 */
export function redate<D extends NumberableDocument>(document: D, date: LocalDate): D {
  if (date === document.date) return document;
  // A corrective document (issue 14) is dated the day of its correction: it has no shipment of its own.
  const withShipment = document.kind === undefined || SHIPPING_KINDS.has(document.kind);
  return {
    ...document,
    date,
    ...(withShipment ? { shipmentDate: document.shipmentDate ?? document.date } : {}),
  };
}

/**
 * Numbers documents of any issuers and years (a December period's bill is dated in January): each
 * goes to its series' counter, a series without a counter starts at 1; a late document re-dated into a later
 * year is numbered in that year's series.
 */
export function assignNumbersAcrossSeries<D extends NumberableDocument>(
  counters: readonly DocumentNumberCounter[],
  documents: readonly D[],
  options: { today?: LocalDate; prefixFor?: (issuer: string) => string } = {},
): NumberedBatches<D> {
  const prefixFor = options.prefixFor ?? issuerNumberPrefix;
  const bySeries = new Map<string, DocumentNumberCounter>();
  for (const counter of counters) {
    assertNumberCounter(counter);
    const key = seriesKey(counter);
    if (bySeries.has(key)) throw new InvalidNumberCounterError('issuer/year', key, 'is given twice');
    bySeries.set(key, counter);
  }
  assertNumberable(documents);
  // Series in order of appearance; a year's carried-over documents join a later year, so years go ascending.
  const pending = new Map<string, D[]>();
  for (const document of documents) {
    const key = seriesKey(numberingSeriesOf(document));
    pending.set(key, [...(pending.get(key) ?? []), document]);
  }
  const rank = new Map<string, number>();
  const numbered: Array<{ document: Numbered<D>; rank: number }> = [];
  while (pending.size > 0) {
    const key = [...pending.keys()].reduce((a, b) => (compareSeries(b, a) < 0 ? b : a));
    const batch = pending.get(key)!;
    pending.delete(key);
    if (!rank.has(key)) rank.set(key, rank.size);
    const series = numberingSeriesOf(batch[0]!);
    const counter = bySeries.get(key) ?? initialNumberCounter(series.issuer, series.year);
    const result = assignNumbers(counter, batch, {
      prefix: prefixFor(series.issuer),
      ...(options.today !== undefined ? { today: options.today } : {}),
    });
    bySeries.set(key, result.counter);
    for (const document of result.documents) numbered.push({ document, rank: rank.get(key)! });
    for (const document of result.carriedOver) {
      const next = seriesKey(numberingSeriesOf(document));
      pending.set(next, [...(pending.get(next) ?? []), document]);
    }
  }
  numbered.sort(
    (a, b) =>
      compareText(a.document.date, b.document.date) ||
      a.rank - b.rank ||
      a.document.sequence - b.document.sequence,
  );
  const updated = [...bySeries.values()].sort((a, b) =>
    a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : a.year - b.year,
  );
  return { documents: numbered.map(({ document }) => document), counters: updated };
}

function seriesKey(series: { issuer: string; year: number }): string {
  return `${series.issuer}|${series.year}`;
}

/** Issuer, then year (ascending): a year's carried-over documents are numbered after it. */
function compareSeries(a: string, b: string): number {
  const [issuerA, yearA] = a.split('|') as [string, string];
  const [issuerB, yearB] = b.split('|') as [string, string];
  return compareText(issuerA, issuerB) || Number(yearA) - Number(yearB);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function laterOf(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
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
  if (counter.latestDate !== undefined) {
    epochDayOf(counter.latestDate, 'counter latestDate');
    if (Number(counter.latestDate.slice(0, 4)) !== counter.year) {
      throw new InvalidNumberCounterError(
        'latestDate',
        counter.latestDate,
        `must be a date in ${counter.year}`,
      );
    }
  }
}

/** One account's documents of a block, with the local day numbering runs on for that account. */
export interface BlockPart<D> {
  readonly documents: readonly D[];
  readonly today?: LocalDate;
}

export interface NumberedBlock<D> {
  /** Per part, in the order given: its numbered documents (in numbering order) and its carried-over ones. */
  readonly parts: ReadonlyArray<Pick<NumberedBatch<D>, 'documents' | 'carriedOver'>>;
  /** The series after the whole block. */
  readonly counter: DocumentNumberCounter;
}

/**
 * Numbers the documents of many accounts in one series as one block (the issuer reserves it in one append per
 * batch of closes): part after part, each exactly as a batch of its own numbered right after the one before —
 * so a block hands out the same numbers and dates as issuing the accounts one at a time: gapless, numbers and
 * dates rising together, a late document drawn up on its account's day.
 */
export function assignNumbersInBlock<D extends NumberableDocument>(
  counter: DocumentNumberCounter,
  parts: ReadonlyArray<BlockPart<D>>,
  options: { prefix?: string } = {},
): NumberedBlock<D> {
  assertNumberable(parts.flatMap((part) => part.documents));
  let current = counter;
  const numbered = parts.map((part) => {
    if (part.documents.length === 0) return { documents: [], carriedOver: [] };
    const batch = assignNumbers(current, part.documents, {
      ...options,
      ...(part.today !== undefined ? { today: part.today } : {}),
    });
    current = batch.counter;
    return { documents: batch.documents, carriedOver: batch.carriedOver };
  });
  return { parts: numbered, counter: current };
}
