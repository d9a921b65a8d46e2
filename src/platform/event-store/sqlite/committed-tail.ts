import type { AllFilter } from '../event-store.port.js';

/** What the tail needs of a stored row: its position, stream and type (for subscriptions' filters). */
export interface TailRow {
  readonly position: number;
  readonly streamId: string;
  readonly type: string;
}

/** Rows the tail keeps: 8 group commits of 64. Rows kept longer live into the old generation (GC). */
export const COMMITTED_TAIL_ROWS = 512;

/**
 * The rows this connection committed last, exactly as written, in position order without a gap: the
 * store's in-process subscriptions read what was just appended from here instead of querying the file
 * again (issue 18: a read transaction and a scan of every new row per subscription per commit). Rows other
 * processes commit are not here: the store empties the tail when it finds another connection has written
 * (SQLite's data_version), and a subscription looks in the file when its poll interval passes, as it
 * always did for other processes' appends.
 */
export class CommittedTail<Row extends TailRow> {
  private rows: Row[] = [];
  /** Index of the first live row in `rows` (rows before it were trimmed; compacted now and then). */
  private start = 0;

  constructor(private readonly limit: number = COMMITTED_TAIL_ROWS) {}

  get first(): number | undefined {
    return this.start < this.rows.length ? this.rows[this.start]!.position : undefined;
  }

  get last(): number | undefined {
    return this.start < this.rows.length ? this.rows[this.rows.length - 1]!.position : undefined;
  }

  /** Rows just committed, in position order. A gap before them (another writer) starts the tail afresh. */
  add(committed: readonly Row[]): void {
    if (committed.length === 0) return;
    const last = this.last;
    if (last !== undefined && committed[0]!.position !== last + 1) this.clear();
    for (let i = 0; i < committed.length; i++) {
      const row = committed[i]!;
      if (i > 0 && row.position !== committed[i - 1]!.position + 1) {
        // Not contiguous (cannot happen in one transaction): keep only what follows the gap.
        this.clear();
      }
      this.rows.push(row);
    }
    const live = this.rows.length - this.start;
    if (live > this.limit) this.start += live - this.limit;
    if (this.start > this.limit) {
      this.rows = this.rows.slice(this.start);
      this.start = 0;
    }
  }

  clear(): void {
    this.rows = [];
    this.start = 0;
  }

  /**
   * The rows after `position` that `filter` keeps, at most `maxCount`, and how far they cover: `scannedTo` is
   * the last position looked at (the tail's last when fewer than `maxCount` were found). Undefined when the
   * tail does not hold the position right after `position` (and is not just at it): read the file then.
   */
  after(
    position: number,
    maxCount: number,
    filter: AllFilter | undefined,
  ): { rows: Row[]; scannedTo: number } | undefined {
    const first = this.first;
    const last = this.last;
    if (first === undefined || last === undefined) return undefined;
    if (position + 1 < first || position > last) return undefined;
    const found: Row[] = [];
    let index = this.start + (position + 1 - first);
    const keep = matcher(filter);
    for (; index < this.rows.length; index++) {
      const row = this.rows[index]!;
      if (keep(row)) {
        found.push(row);
        if (found.length === maxCount) return { rows: found, scannedTo: row.position };
      }
    }
    return { rows: found, scannedTo: last };
  }
}

/** The filter as the SQL one reads it: a stream prefix (if any are given) and a type (if any are given). */
function matcher(filter: AllFilter | undefined): (row: TailRow) => boolean {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : undefined;
  if (!prefixes && !types) return () => true;
  return (row) =>
    (!types || types.has(row.type)) &&
    (!prefixes || prefixes.some((prefix) => row.streamId.startsWith(prefix)));
}
