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
    expect(counter).toEqual({ issuer: 'ru-moscow-llc', year: 2026, lastNumber: 1 });
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
    expect(assignNumbers(counter2026(7), [])).toEqual({ documents: [], counter: counter2026(7) });
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
      { issuer: 'ru-moscow-llc', year: 2026, lastNumber: 2 },
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
    expect(assignNumbers(counter2026(), [doc('x', '2026-03-31')], 'VK').documents[0]!.number).toBe(
      'VK-2026-000001',
    );
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
    expect(counters).toEqual([counter2026(122), { issuer: 'ru-moscow-llc', year: 2027, lastNumber: 1 }]);
  });

  it('keeps counters it was given but did not use, and refuses the same series twice', () => {
    const kz = { issuer: 'kz-llp', year: 2026, lastNumber: 5 };
    expect(assignNumbersAcrossSeries([kz, counter2026(1)], [doc('x', '2026-03-31')]).counters).toEqual([
      kz,
      counter2026(2),
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
