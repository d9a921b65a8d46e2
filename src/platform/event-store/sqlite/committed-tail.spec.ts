import { CommittedTail, type TailRow } from './committed-tail.js';

const row = (position: number, streamId = `s-${position % 3}`, type = `T${position % 2}`): TailRow => ({
  position,
  streamId,
  type,
});
const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));
const positions = (found: { rows: TailRow[] } | undefined) => found?.rows.map((r) => r.position);

describe('CommittedTail', () => {
  it('answers only for positions it reaches back to, and nothing new at its last', () => {
    const tail = new CommittedTail<TailRow>(100);
    expect(tail.after(0, 10, undefined)).toBeUndefined();
    tail.add(rows(5, 9));
    expect(tail.after(3, 10, undefined)).toBeUndefined(); // 4 is not in it: read the file
    expect(positions(tail.after(4, 10, undefined))).toEqual([5, 6, 7, 8, 9]);
    expect(tail.after(7, 10, undefined)).toEqual({ rows: [row(8), row(9)], scannedTo: 9 });
    expect(tail.after(9, 10, undefined)).toEqual({ rows: [], scannedTo: 9 });
    expect(tail.after(10, 10, undefined)).toBeUndefined(); // beyond what this connection wrote
  });

  it('stops at maxCount and says how far it looked', () => {
    const tail = new CommittedTail<TailRow>(100);
    tail.add(rows(1, 20));
    expect(tail.after(0, 3, undefined)).toEqual({ rows: [row(1), row(2), row(3)], scannedTo: 3 });
    expect(tail.after(0, 3, { eventTypes: ['T0'] })).toEqual({
      rows: [row(2), row(4), row(6)],
      scannedTo: 6,
    });
  });

  it('filters as the SQL filter does: any prefix, and any type, both when both are given', () => {
    const tail = new CommittedTail<TailRow>(100);
    tail.add([
      row(1, 'ledger-a-2026-03', 'UsageCharged'),
      row(2, 'account-a', 'AccountOpened'),
      row(3, 'ledger-b-2026-03', 'PeriodClosed'),
      row(4, 'pricing-a', 'DiscountGranted'),
      row(5, 'ledgers-x', 'UsageCharged'),
    ]);
    expect(positions(tail.after(0, 10, { streamPrefixes: ['ledger-'] }))).toEqual([1, 3]);
    expect(positions(tail.after(0, 10, { streamPrefixes: ['account-', 'pricing-'] }))).toEqual([2, 4]);
    expect(positions(tail.after(0, 10, { eventTypes: ['UsageCharged'] }))).toEqual([1, 5]);
    expect(
      positions(tail.after(0, 10, { streamPrefixes: ['ledger-'], eventTypes: ['PeriodClosed'] })),
    ).toEqual([3]);
    // Empty lists filter nothing, as filterClause leaves them out.
    expect(positions(tail.after(0, 10, { streamPrefixes: [], eventTypes: [] }))).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts afresh after a gap: positions another writer took are never skipped', () => {
    const tail = new CommittedTail<TailRow>(100);
    tail.add(rows(1, 4));
    tail.add(rows(8, 9)); // 5–7 were committed by another connection
    expect(tail.first).toBe(8);
    expect(tail.after(4, 10, undefined)).toBeUndefined();
    expect(positions(tail.after(7, 10, undefined))).toEqual([8, 9]);
  });

  it('keeps at most its limit of rows, the latest', () => {
    const tail = new CommittedTail<TailRow>(10);
    for (let from = 1; from <= 1_000; from += 7) tail.add(rows(from, from + 6));
    // The last add was 995–1001: the tail keeps 992–1001.
    expect(tail.last).toBe(1_001);
    expect(tail.first).toBe(992);
    expect(positions(tail.after(991, 100, undefined))).toEqual(rows(992, 1_001).map((r) => r.position));
    expect(tail.after(990, 100, undefined)).toBeUndefined();
  });
});
