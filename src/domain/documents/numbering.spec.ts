import fc from 'fast-check';

import {
  DocumentAlreadyNumberedError,
  DuplicateDocumentInBatchError,
  InvalidNumberCounterError,
  NumberingSeriesMismatchError,
  assignNumbers,
  assignNumbersAcrossSeries,
  formatDocumentNumber,
  initialNumberCounter,
  issuerNumberPrefix,
  numberingSeriesOf,
  redate,
  type DocumentNumberCounter,
  type NumberableDocument,
} from './numbering.js';

const doc = (documentId: string, date: string, issuer = 'ru-moscow-llc'): NumberableDocument => ({
  documentId,
  date,
  issuer: { id: issuer },
});

const counter2026 = (lastNumber = 0): DocumentNumberCounter => ({
  issuer: 'ru-moscow-llc',
  year: 2026,
  lastNumber,
});

describe('assignNumbers', () => {
  it('formats <ISSUER-PREFIX>-<YEAR>-<000001> and starts a fresh series at 1', () => {
    const { documents, counter } = assignNumbers(initialNumberCounter('ru-moscow-llc', 2026), [
      doc('act', '2026-03-31'),
    ]);
    expect(documents).toEqual([
      { ...doc('act', '2026-03-31'), number: 'RU-MOSCOW-LLC-2026-000001', sequence: 1 },
    ]);
    expect(counter).toEqual({ issuer: 'ru-moscow-llc', year: 2026, lastNumber: 1, latestDate: '2026-03-31' });
  });

  it('continues the series without gaps', () => {
    const { documents, counter } = assignNumbers(counter2026(41), [
      doc('act', '2026-03-31'),
      doc('vat-invoice', '2026-03-31'),
      doc('advance', '2026-03-31'),
    ]);
    expect(documents.map((d) => d.number)).toEqual([
      'RU-MOSCOW-LLC-2026-000042',
      'RU-MOSCOW-LLC-2026-000043',
      'RU-MOSCOW-LLC-2026-000044',
    ]);
    expect(counter.lastNumber).toBe(44);
  });

  it('numbers in date order; documents of one date keep their input order', () => {
    const { documents } = assignNumbers(counter2026(), [
      doc('b', '2026-04-01'),
      doc('a1', '2026-03-31'),
      doc('a2', '2026-03-31'),
      doc('mid', '2026-03-10'),
    ]);
    expect(documents.map((d) => [d.documentId, d.sequence])).toEqual([
      ['mid', 1],
      ['a1', 2],
      ['a2', 3],
      ['b', 4],
    ]);
  });

  it('an empty batch leaves the counter as it was', () => {
    expect(assignNumbers(counter2026(7), [])).toEqual({
      documents: [],
      counter: counter2026(7),
      carriedOver: [],
    });
  });

  it('does not modify its inputs', () => {
    const input = [doc('act', '2026-03-31')];
    const counter = counter2026(3);
    assignNumbers(counter, input);
    expect(input).toEqual([doc('act', '2026-03-31')]);
    expect(counter.lastNumber).toBe(3);
  });

  it('the year is the document date’s year: 31 December and 1 January belong to different series', () => {
    expect(numberingSeriesOf(doc('x', '2026-12-31'))).toEqual({ issuer: 'ru-moscow-llc', year: 2026 });
    expect(numberingSeriesOf(doc('x', '2027-01-01'))).toEqual({ issuer: 'ru-moscow-llc', year: 2027 });
    expect(() => assignNumbers(counter2026(), [doc('x', '2027-01-01')])).toThrow(
      NumberingSeriesMismatchError,
    );
    expect(() => assignNumbers(counter2026(), [doc('x', '2025-12-31')])).toThrow(
      expect.objectContaining({ code: 'NUMBERING_SERIES_MISMATCH' }),
    );
  });

  it('bills are not accounting documents: a series of their own, so acts and invoices stay gapless (seed 004)', () => {
    const act = { ...doc('acc/2026-03/act', '2026-03-31'), kind: 'act' };
    const bill = { ...doc('acc/2026-03/bill', '2026-04-01'), kind: 'bill' };
    const invoice = { ...doc('acc/2026-04/vat-invoice', '2026-04-30'), kind: 'vat-invoice' };
    expect(numberingSeriesOf(bill)).toEqual({ issuer: 'ru-moscow-llc-bill', year: 2026 });
    expect(numberingSeriesOf(act)).toEqual({ issuer: 'ru-moscow-llc', year: 2026 });
    const { documents, counters } = assignNumbersAcrossSeries([], [act, bill, invoice]);
    expect(documents.map((d) => d.number)).toEqual([
      'RU-MOSCOW-LLC-2026-000001',
      'RU-MOSCOW-LLC-BILL-2026-000001',
      'RU-MOSCOW-LLC-2026-000002',
    ]);
    expect(counters).toEqual([
      { issuer: 'ru-moscow-llc', year: 2026, lastNumber: 2, latestDate: '2026-04-30' },
      // Bills keep their dates: their series does not order by date.
      { issuer: 'ru-moscow-llc-bill', year: 2026, lastNumber: 1 },
    ]);
  });

  it('each issuer has its own series', () => {
    expect(() => assignNumbers(counter2026(), [doc('x', '2026-03-31', 'kz-llp')])).toThrow(
      NumberingSeriesMismatchError,
    );
    const kz = assignNumbers(initialNumberCounter('kz-llp', 2026), [doc('x', '2026-03-31', 'kz-llp')]);
    expect(kz.documents[0]!.number).toBe('KZ-LLP-2026-000001');
  });

  it('refuses what would waste or reuse a number', () => {
    const numbered = { ...doc('act', '2026-03-31'), number: 'RU-MOSCOW-LLC-2026-000001' };
    expect(() => assignNumbers(counter2026(), [numbered])).toThrow(DocumentAlreadyNumberedError);
    expect(() => assignNumbers(counter2026(), [doc('act', '2026-03-31'), doc('act', '2026-03-31')])).toThrow(
      DuplicateDocumentInBatchError,
    );
  });

  it('refuses a corrupt counter', () => {
    const bad: DocumentNumberCounter[] = [
      { issuer: 'ru-moscow-llc', year: 2026, lastNumber: -1 },
      { issuer: 'ru-moscow-llc', year: 2026, lastNumber: 1.5 },
      { issuer: 'ru-moscow-llc', year: 0, lastNumber: 0 },
      { issuer: ' ', year: 2026, lastNumber: 0 },
    ];
    for (const counter of bad) expect(() => assignNumbers(counter, [])).toThrow(InvalidNumberCounterError);
    expect(() => assignNumbers(counter2026(0), [])).not.toThrow();
  });

  it('refuses a document whose date is not a calendar date', () => {
    expect(() => assignNumbers(counter2026(), [doc('x', '2026-02-30')])).toThrow(
      expect.objectContaining({ code: 'LOCAL_DATE_INVALID' }),
    );
  });

  it('uses a given prefix instead of the issuer id', () => {
    expect(
      assignNumbers(counter2026(), [doc('x', '2026-03-31')], { prefix: 'VK' }).documents[0]!.number,
    ).toBe('VK-2026-000001');
  });
});

describe('number format', () => {
  it('issuer ids become capital prefixes', () => {
    expect(issuerNumberPrefix('ru-moscow-llc')).toBe('RU-MOSCOW-LLC');
    expect(issuerNumberPrefix('kz-llp')).toBe('KZ-LLP');
    expect(issuerNumberPrefix(' VK  LLC. ')).toBe('VK-LLC');
    expect(() => issuerNumberPrefix('--')).toThrow(InvalidNumberCounterError);
  });

  it('six digits, growing past 999 999 rather than wrapping', () => {
    expect(formatDocumentNumber('VK', 2026, 999_999)).toBe('VK-2026-999999');
    expect(formatDocumentNumber('VK', 2026, 1_000_000)).toBe('VK-2026-1000000');
  });
});

describe('assignNumbersAcrossSeries', () => {
  it('a December close numbers its documents in December’s series and the bill dated 1 January in the new year’s', () => {
    const { documents, counters } = assignNumbersAcrossSeries(
      [counter2026(120)],
      [doc('bill', '2027-01-01'), doc('act', '2026-12-31'), doc('vat-invoice', '2026-12-31')],
    );
    expect(documents.map((d) => [d.documentId, d.number])).toEqual([
      ['act', 'RU-MOSCOW-LLC-2026-000121'],
      ['vat-invoice', 'RU-MOSCOW-LLC-2026-000122'],
      ['bill', 'RU-MOSCOW-LLC-2027-000001'],
    ]);
    expect(counters).toEqual([
      { ...counter2026(122), latestDate: '2026-12-31' },
      { issuer: 'ru-moscow-llc', year: 2027, lastNumber: 1, latestDate: '2027-01-01' },
    ]);
  });

  it('keeps counters it was given but did not use, and refuses the same series twice', () => {
    const kz = { issuer: 'kz-llp', year: 2026, lastNumber: 5 };
    expect(assignNumbersAcrossSeries([kz, counter2026(1)], [doc('x', '2026-03-31')]).counters).toEqual([
      kz,
      { ...counter2026(2), latestDate: '2026-03-31' },
    ]);
    expect(() => assignNumbersAcrossSeries([counter2026(1), counter2026(2)], [])).toThrow(
      InvalidNumberCounterError,
    );
  });

  it('property: numbering batch after batch hands out 1…N per series, each once, in date order', () => {
    const dates = fc
      .tuple(fc.constantFrom(2026, 2027), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    const batch = fc.array(fc.tuple(dates, fc.constantFrom('ru-moscow-llc', 'kz-llp')), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 6 }), (batches) => {
        let counters: DocumentNumberCounter[] = [];
        const all: Array<{ series: string; sequence: number; date: string; number: string }> = [];
        batches.forEach((entries, batchIndex) => {
          const docs = entries.map(([date, issuer], i) => doc(`b${batchIndex}-${i}`, date, issuer));
          const result = assignNumbersAcrossSeries(counters, docs);
          counters = result.counters;
          const inBatch = result.documents.map((d) => d.date);
          expect(inBatch).toEqual([...inBatch].sort());
          for (const d of result.documents) {
            all.push({
              series: `${d.issuer.id}|${d.date.slice(0, 4)}`,
              sequence: d.sequence,
              date: d.date,
              number: d.number,
            });
          }
        });
        const bySeries = new Map<string, number[]>();
        for (const entry of all)
          bySeries.set(entry.series, [...(bySeries.get(entry.series) ?? []), entry.sequence]);
        for (const [series, sequences] of bySeries) {
          expect(sequences).toEqual(sequences.map((_, i) => i + 1));
          const last = counters.find((c) => `${c.issuer}|${c.year}` === series)!;
          expect(last.lastNumber).toBe(sequences.length);
        }
        expect(new Set(all.map((e) => e.number)).size).toBe(all.length);
      }),
    );
  });
});

/**
 * Numbers in the order of dates (issue 13): a document dated earlier than the latest date already numbered
 * in its series (a late close, a late release of withheld documents) is drawn up on the day it is numbered.
 */
describe('numbering in the order of dates', () => {
  const MARCH = { firstDay: '2026-03-01', lastDay: '2026-03-31' };
  /** An account's closing documents for March, as a close composes them (dated the period's last day). */
  const closing = (account: string, kind: string, date = '2026-03-31') => ({
    ...doc(`${account}/2026-03/${kind}`, date),
    kind,
    servicePeriod: MARCH,
  });
  /** Account B's April documents were numbered first: the series' latest date is 30 April. */
  const afterApril = { ...counter2026(41), latestDate: '2026-04-30' };

  it('in order: documents not earlier than the series’ latest date keep their dates', () => {
    const { documents, counter, carriedOver } = assignNumbers(
      { ...counter2026(41), latestDate: '2026-03-31' },
      [
        closing('acc-a', 'act'),
        closing('acc-a', 'vat-invoice'),
        { ...doc('acc-b/2026-04/act', '2026-04-30') },
      ],
      { today: '2026-05-02' },
    );
    expect(documents.map((d) => [d.documentId, d.sequence, d.date, d.shipmentDate])).toEqual([
      ['acc-a/2026-03/act', 42, '2026-03-31', undefined],
      ['acc-a/2026-03/vat-invoice', 43, '2026-03-31', undefined],
      ['acc-b/2026-04/act', 44, '2026-04-30', undefined],
    ]);
    expect(counter).toEqual({ ...counter2026(44), latestDate: '2026-04-30' });
    expect(carriedOver).toEqual([]);
  });

  it('a late one is drawn up on the day it is numbered: the number follows, period and shipment date stay', () => {
    // Account A's March close runs on 6 May, after B's April documents were numbered.
    const { documents, counter } = assignNumbers(
      afterApril,
      [closing('acc-a', 'act'), closing('acc-a', 'vat-invoice')],
      { today: '2026-05-06' },
    );
    expect(documents).toEqual([
      {
        ...closing('acc-a', 'act'),
        date: '2026-05-06',
        shipmentDate: '2026-03-31',
        number: 'RU-MOSCOW-LLC-2026-000042',
        sequence: 42,
      },
      {
        ...closing('acc-a', 'vat-invoice'),
        date: '2026-05-06',
        shipmentDate: '2026-03-31',
        number: 'RU-MOSCOW-LLC-2026-000043',
        sequence: 43,
      },
    ]);
    expect(documents.every((d) => d.servicePeriod === MARCH)).toBe(true);
    // Gapless, and the series now runs to the day A's documents were drawn up.
    expect(counter).toEqual({ ...counter2026(43), latestDate: '2026-05-06' });
  });

  it('never dated before the series’ latest date, even when that is later than the local day', () => {
    // Another account, a time zone ahead, numbered a document dated 7 May while it is 6 May here.
    const { documents, counter } = assignNumbers(
      { ...counter2026(41), latestDate: '2026-05-07' },
      [closing('acc-a', 'act')],
      { today: '2026-05-06' },
    );
    expect(documents[0]).toMatchObject({ date: '2026-05-07', shipmentDate: '2026-03-31', sequence: 42 });
    expect(counter.latestDate).toBe('2026-05-07');
  });

  it('in one batch, the documents that keep their dates are numbered first, then the late ones', () => {
    const { documents } = assignNumbers(
      afterApril,
      [
        closing('acc-a', 'act'),
        doc('acc-c/2026-05/act', '2026-05-05'),
        closing('acc-d', 'act', '2026-04-30'),
      ],
      { today: '2026-05-06' },
    );
    expect(documents.map((d) => [d.documentId, d.sequence, d.date, d.shipmentDate])).toEqual([
      ['acc-d/2026-03/act', 42, '2026-04-30', undefined],
      ['acc-c/2026-05/act', 43, '2026-05-05', undefined],
      ['acc-a/2026-03/act', 44, '2026-05-06', '2026-03-31'],
    ]);
  });

  it('an advance VAT invoice is re-dated too, without a shipment date (an advance is no shipment)', () => {
    const advance = closing('acc-a', 'advance-vat-invoice');
    const [numbered] = assignNumbers(afterApril, [advance], { today: '2026-05-06' }).documents;
    expect(numbered).toEqual({
      ...advance,
      date: '2026-05-06',
      number: 'RU-MOSCOW-LLC-2026-000042',
      sequence: 42,
    });
  });

  it('without the day it runs on, a late document takes the series’ latest date', () => {
    const [numbered] = assignNumbers(afterApril, [closing('acc-a', 'act')]).documents;
    expect(numbered).toMatchObject({ date: '2026-04-30', shipmentDate: '2026-03-31' });
  });

  it('bills keep their dates in their own series, whatever was numbered before', () => {
    const billSeries = { issuer: 'ru-moscow-llc-bill', year: 2026, lastNumber: 9 };
    const bill = { ...doc('acc-a/2026-03/bill', '2026-03-01'), kind: 'bill' };
    const later = { ...doc('acc-b/2026-05/bill', '2026-05-01'), kind: 'bill' };
    const first = assignNumbers(billSeries, [later], { today: '2026-05-06' });
    const { documents } = assignNumbers(first.counter, [bill], { today: '2026-05-06' });
    expect(documents).toEqual([{ ...bill, number: 'RU-MOSCOW-LLC-BILL-2026-000011', sequence: 11 }]);
  });

  it('a late document re-dated into the next year is numbered in that year’s series', () => {
    const december = { ...counter2026(300), latestDate: '2026-12-31' };
    const november = { ...doc('acc-a/2026-11/act', '2026-11-30'), kind: 'act' };
    const one = assignNumbers(december, [november], { today: '2027-01-12' });
    expect(one.documents).toEqual([]);
    expect(one.counter).toEqual(december);
    expect(one.carriedOver).toEqual([{ ...november, date: '2027-01-12', shipmentDate: '2026-11-30' }]);

    const across = assignNumbersAcrossSeries([december], [november], { today: '2027-01-12' });
    expect(across.documents).toEqual([
      {
        ...november,
        date: '2027-01-12',
        shipmentDate: '2026-11-30',
        number: 'RU-MOSCOW-LLC-2027-000001',
        sequence: 1,
      },
    ]);
    expect(across.counters).toEqual([
      december,
      { issuer: 'ru-moscow-llc', year: 2027, lastNumber: 1, latestDate: '2027-01-12' },
    ]);
  });

  it('re-dating keeps the first shipment date and leaves a document already on that day as it is', () => {
    const act = { ...doc('a', '2026-03-31'), kind: 'act' };
    expect(redate(redate(act, '2026-05-06'), '2026-05-07')).toEqual({
      ...act,
      date: '2026-05-07',
      shipmentDate: '2026-03-31',
    });
    expect(redate(act, '2026-03-31')).toBe(act);
  });

  it('refuses a counter whose latest date is not in its year', () => {
    expect(() => assignNumbers({ ...counter2026(), latestDate: '2025-12-31' }, [])).toThrow(
      InvalidNumberCounterError,
    );
    expect(() => assignNumbers({ ...counter2026(), latestDate: '2026-02-30' }, [])).toThrow(
      expect.objectContaining({ code: 'LOCAL_DATE_INVALID' }),
    );
  });

  it('property: batch after batch, days going on, each series is gapless and its dates rise with its numbers', () => {
    const day = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
      .map(([m, d]) => `2026-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    const entry = fc.tuple(day, fc.constantFrom('act', 'vat-invoice', 'upd', 'bill'));
    const run = fc.array(fc.tuple(fc.array(entry, { maxLength: 6 }), fc.integer({ min: 0, max: 40 })), {
      maxLength: 8,
    });
    fc.assert(
      fc.property(run, (batches) => {
        let counters: DocumentNumberCounter[] = [];
        let today = '2026-01-01';
        const all: Array<{ series: string; sequence: number; date: string; kept: boolean }> = [];
        batches.forEach(([entries, daysLater], batchIndex) => {
          // The day numbering runs on only goes forward; a document is never dated after it.
          const next = new Date(Date.parse(`${today}T00:00:00Z`) + daysLater * 86_400_000)
            .toISOString()
            .slice(0, 10);
          today = next > '2026-12-31' ? '2026-12-31' : next;
          const docs = entries.map(([date, kind], i) => ({
            ...doc(`b${batchIndex}-${i}`, date < today ? date : today),
            kind,
          }));
          const result = assignNumbersAcrossSeries(counters, docs, { today });
          counters = result.counters;
          for (const d of result.documents) {
            const original = docs.find((o) => o.documentId === d.documentId)!;
            all.push({ series: d.kind!, sequence: d.sequence, date: d.date, kept: d.date === original.date });
            // A re-dated document keeps its original day as the shipment date; a bill is never re-dated.
            if (d.date !== original.date) {
              expect(d.kind).not.toBe('bill');
              expect(d.shipmentDate).toBe(original.date);
              expect(d.date > original.date).toBe(true);
            }
          }
        });
        const accounting = all.filter((e) => e.series !== 'bill').sort((a, b) => a.sequence - b.sequence);
        expect(accounting.map((e) => e.sequence)).toEqual(accounting.map((_, i) => i + 1));
        const dates = accounting.map((e) => e.date);
        expect(dates).toEqual([...dates].sort());
        const bills = all.filter((e) => e.series === 'bill');
        expect(bills.every((e) => e.kept)).toBe(true);
        expect(bills.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(bills.map((_, i) => i + 1));
      }),
    );
  });
});
