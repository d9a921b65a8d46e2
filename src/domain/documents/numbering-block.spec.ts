import fc from 'fast-check';

import {
  DuplicateDocumentInBatchError,
  assignNumbers,
  assignNumbersInBlock,
  type DocumentNumberCounter,
  type NumberableDocument,
} from './numbering.js';

/**
 * A block (issue 18): the issuer numbers many accounts' documents of one series in one append. The block must
 * hand out exactly what numbering the accounts one at a time would: gapless, numbers and dates rising together,
 * a late document drawn up on its own account's day.
 */
const doc = (documentId: string, date: string, kind?: string): NumberableDocument => ({
  documentId,
  date,
  issuer: { id: 'ru-moscow-llc' },
  ...(kind ? { kind } : {}),
});
const counter = (lastNumber = 0, latestDate?: string): DocumentNumberCounter => ({
  issuer: 'ru-moscow-llc',
  year: 2026,
  lastNumber,
  ...(latestDate ? { latestDate } : {}),
});

describe('assignNumbersInBlock', () => {
  it('numbers account after account, continuing the series: the same as one batch after the other', () => {
    const parts = [
      {
        documents: [doc('a/2026-03/act', '2026-03-31'), doc('a/2026-03/vat-invoice', '2026-03-31')],
        today: '2026-04-02',
      },
      { documents: [doc('b/2026-04/act', '2026-04-30')], today: '2026-05-02' },
      // Account C's March close runs after B's April act: late, drawn up on C's day (another time zone).
      { documents: [doc('c/2026-03/act', '2026-03-31')], today: '2026-05-03' },
    ];

    const block = assignNumbersInBlock(counter(41), parts);

    expect(block.parts.map((p) => p.documents.map((d) => [d.documentId, d.sequence, d.date]))).toEqual([
      [
        ['a/2026-03/act', 42, '2026-03-31'],
        ['a/2026-03/vat-invoice', 43, '2026-03-31'],
      ],
      [['b/2026-04/act', 44, '2026-04-30']],
      [['c/2026-03/act', 45, '2026-05-03']],
    ]);
    expect(block.parts[2]!.documents[0]!.shipmentDate).toBe('2026-03-31');
    expect(block.counter).toEqual(counter(45, '2026-05-03'));
  });

  it('an account with nothing in the series takes no number; a late one re-dated into next year is carried over', () => {
    const block = assignNumbersInBlock(counter(7, '2026-12-31'), [
      { documents: [], today: '2026-12-31' },
      // A December document numbered on 2 January is drawn up in 2027: that series numbers it.
      { documents: [doc('d/2026-11/act', '2026-11-30')], today: '2027-01-02' },
    ]);
    expect(block.parts[0]).toEqual({ documents: [], carriedOver: [] });
    expect(block.parts[1]!.documents).toEqual([]);
    expect(block.parts[1]!.carriedOver.map((d) => [d.documentId, d.date])).toEqual([
      ['d/2026-11/act', '2027-01-02'],
    ]);
    expect(block.counter).toEqual(counter(7, '2026-12-31'));
  });

  it('refuses a document given twice in a block: it would take two numbers', () => {
    expect(() =>
      assignNumbersInBlock(counter(), [
        { documents: [doc('a/2026-03/act', '2026-03-31')] },
        { documents: [doc('a/2026-03/act', '2026-03-31')] },
      ]),
    ).toThrow(DuplicateDocumentInBatchError);
  });

  it('property: a block equals numbering its parts one at a time; 1…N, each once, dates rising with numbers', () => {
    const day = fc
      .integer({ min: 1, max: 28 })
      .map((d) => `2026-0${3 + (d % 3)}-${String(d).padStart(2, '0')}`);
    const part = fc.record({
      dates: fc.array(fc.tuple(day, fc.boolean()), { maxLength: 4 }),
      today: fc.integer({ min: 0, max: 20 }).map((d) => `2026-06-${String(d + 1).padStart(2, '0')}`),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (generated) => {
        const parts = generated.map((p, account) => ({
          today: p.today,
          documents: p.dates.map(([date, bill], i) =>
            doc(`acc${account}/${i}`, date, bill ? 'bill' : undefined),
          ),
        }));
        // Bills in a series of their own: a block is one series, so keep the accounting documents.
        const accounting = parts.map((p) => ({
          ...p,
          documents: p.documents.filter((d) => d.kind !== 'bill'),
        }));
        const block = assignNumbersInBlock(counter(), accounting);
        let one = counter();
        accounting.forEach((p, index) => {
          if (p.documents.length === 0) return;
          const batch = assignNumbers(one, p.documents, { today: p.today });
          expect(block.parts[index]!.documents).toEqual(batch.documents);
          one = batch.counter;
        });
        expect(block.counter).toEqual(one);
        const all = block.parts.flatMap((p) => p.documents);
        expect(all.map((d) => d.sequence)).toEqual(all.map((_, i) => i + 1));
        for (let i = 1; i < all.length; i++) expect(all[i]!.date >= all[i - 1]!.date).toBe(true);
      }),
      { seed: 18, numRuns: 200 },
    );
  });
});
