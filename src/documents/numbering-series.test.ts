import { VirtualClock } from '../platform/clock/clock.js';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../platform/event-store/sqlite/sqlite-event-store.js';
import { verifyChain } from '../platform/event-store/hash-chain.js';
import { NumberingSeries, RECENT_BLOCKS, type DocumentNumbersAssigned } from './numbering-series.js';

/**
 * The numbering series' state is bounded (issue 18, item 3): the counter and the last few blocks, however
 * many documents a year numbers; a cold start reads the series' last events, never the whole series.
 */
const doc = (documentId: string, date = '2026-03-31') => ({
  documentId,
  date,
  issuer: { id: 'ru-moscow-llc' },
});
const meta = { actor: 'document-issuer', causationId: 'test' };
const STREAM = 'doc-numbers-ru-moscow-llc-2026';

describe('NumberingSeries', () => {
  let store: SqliteEventStore;
  const clock = new VirtualClock('2026-04-02T09:00:00.000Z');
  beforeEach(() => {
    store = SqliteEventStore.open({ path: ':memory:' });
  });
  afterEach(() => store.close());

  /** `blocks` blocks of 5 accounts × 2 documents each. */
  async function numberBlocks(series: NumberingSeries, blocks: number, from = 0) {
    for (let b = from; b < from + blocks; b++)
      await series.reserve(
        'ru-moscow-llc',
        2026,
        Array.from({ length: 5 }, (_, a) => ({
          documents: [doc(`acc-${b}-${a}/2026-03/act`), doc(`acc-${b}-${a}/2026-03/vat-invoice`)],
          today: '2026-04-02',
        })),
        meta,
      );
  }

  it('keeps the counter and the last blocks only, whatever the series has numbered', async () => {
    const series = new NumberingSeries(store, clock);

    await numberBlocks(series, RECENT_BLOCKS * 3);

    const head = await series.head('ru-moscow-llc', 2026);
    expect(head.counter).toEqual({
      issuer: 'ru-moscow-llc',
      year: 2026,
      lastNumber: RECENT_BLOCKS * 30,
      latestDate: '2026-03-31',
    });
    expect(head.recent).toHaveLength(RECENT_BLOCKS);
    expect(head.recent.flat()).toHaveLength(RECENT_BLOCKS * 10);
    // One event per block, each carrying the counter after it; the hash chain holds.
    const events = await store.readStream(STREAM);
    expect(events).toHaveLength(RECENT_BLOCKS * 3);
    expect((events.at(-1)!.data as DocumentNumbersAssigned).lastNumber).toBe(RECENT_BLOCKS * 30);
    expect(verifyChain(events)).toBeUndefined();
  });

  it('a cold start reads the last events backwards, continues gapless and recognises a retry of a recent block', async () => {
    await numberBlocks(new NumberingSeries(store, clock), RECENT_BLOCKS * 3);
    const reads: unknown[] = [];
    const watched = new Proxy(store, {
      get(target, property) {
        if (property === 'readStream')
          return (streamId: string, options?: Parameters<EventStore['readStream']>[1]) => {
            reads.push(options);
            return target.readStream(streamId, options);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const cold = new NumberingSeries(watched, clock);

    // The last block again (a retry after a crash before its documents were stored): same numbers, nothing stored.
    const last = RECENT_BLOCKS * 3 - 1;
    const retried = await cold.reserve(
      'ru-moscow-llc',
      2026,
      [
        {
          documents: [doc(`acc-${last}-4/2026-03/vat-invoice`), doc('fresh/2026-03/act')],
          today: '2026-04-02',
        },
      ],
      meta,
    );

    expect(reads).toEqual([{ direction: 'backwards', maxCount: RECENT_BLOCKS }]);
    const total = RECENT_BLOCKS * 30;
    expect(retried[0]!.documents.map((d) => [d.documentId, d.sequence])).toEqual([
      [`acc-${last}-4/2026-03/vat-invoice`, total],
      ['fresh/2026-03/act', total + 1],
    ]);
    const events = await store.readStream(STREAM);
    expect(events).toHaveLength(RECENT_BLOCKS * 3 + 1);
    expect((events.at(-1)!.data as DocumentNumbersAssigned).assignments).toEqual([
      {
        documentId: 'fresh/2026-03/act',
        number: 'RU-MOSCOW-LLC-2026-' + String(total + 1).padStart(6, '0'),
        sequence: total + 1,
      },
    ]);
  });

  it('a stale view (another instance numbered meanwhile) is refused by the revision and numbered after it', async () => {
    const one = new NumberingSeries(store, clock);
    const other = new NumberingSeries(store, clock);
    await numberBlocks(one, 1);
    await other.head('ru-moscow-llc', 2026);
    await numberBlocks(one, 1, 1);

    const [part] = await other.reserve(
      'ru-moscow-llc',
      2026,
      [{ documents: [doc('late/2026-03/act')] }],
      meta,
    );

    expect(part!.documents[0]!.sequence).toBe(21);
    const sequences = (await store.readStream(STREAM)).flatMap((e) =>
      (e.data as DocumentNumbersAssigned).assignments.map((a) => a.sequence),
    );
    expect(sequences).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });
});
