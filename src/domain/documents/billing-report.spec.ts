import fc from 'fast-check';

import { Decimal } from '../shared/decimal.js';
import {
  BillingReportRangeError,
  billingReport,
  billingReportCsv,
  csvField,
  type BillingReportRequest,
  type ResourceConsumedData,
} from './billing-report.js';

function consumed(
  overrides: Partial<ResourceConsumedData> & { usageRecordId: string },
): ResourceConsumedData {
  return {
    sku: 'compute.vcpu',
    service: 'Compute',
    category: 'compute',
    unit: 'vcpu-hour',
    quantity: '1',
    windowStart: '2026-03-10T09:00:00.000Z',
    windowEnd: '2026-03-10T10:00:00.000Z',
    catalogVersion: 'v1',
    amount: '1.5',
    fromGrants: [],
    fromBalance: '1.5',
    balanceAfter: '0',
    ...overrides,
  };
}

const request = (consumption: ResourceConsumedData[], overrides: Partial<BillingReportRequest> = {}) =>
  billingReport({
    accountId: 'acc-ru',
    currency: 'RUB',
    timeZone: 'Europe/Moscow',
    from: '2026-03-01',
    to: '2026-03-31',
    consumption,
    ...overrides,
  });

const EVENTS = [
  consumed({
    usageRecordId: 'u1',
    quantity: '2',
    amount: '3.000001',
    fromGrants: [{ grantId: 'g', amount: '1' }],
    fromBalance: '2.000001',
  }),
  consumed({ usageRecordId: 'u2', quantity: '0.5', amount: '0.75', fromBalance: '0.75' }),
  consumed({
    usageRecordId: 'u3',
    sku: 'storage.disk',
    service: 'Block Storage',
    category: 'storage',
    unit: 'gb-hour',
    quantity: '100',
    amount: '0.2',
    fromBalance: '0.2',
    windowStart: '2026-03-11T00:00:00.000Z',
    windowEnd: '2026-03-11T01:00:00.000Z',
  }),
];

describe('billingReport', () => {
  const report = request(EVENTS);

  it('one row per local day, service and SKU, with quantities and amounts summed exactly', () => {
    expect(report.rows).toEqual([
      {
        day: '2026-03-10',
        service: 'Compute',
        category: 'compute',
        sku: 'compute.vcpu',
        usageRecordId: null,
        unit: 'vcpu-hour',
        quantity: '2.5',
        amount: '3.750001',
        fromGrants: '1',
        fromBalance: '2.750001',
        records: 2,
      },
      {
        day: '2026-03-11',
        service: 'Block Storage',
        category: 'storage',
        sku: 'storage.disk',
        usageRecordId: null,
        unit: 'gb-hour',
        quantity: '100',
        amount: '0.2',
        fromGrants: '0',
        fromBalance: '0.2',
        records: 1,
      },
    ]);
  });

  it('totals and per-service totals equal the sums of the rows', () => {
    expect(report.totals).toEqual({ amount: '3.950001', fromGrants: '1', fromBalance: '2.950001' });
    expect(report.byService).toEqual([
      { service: 'Block Storage', category: 'storage', amount: '0.2', fromGrants: '0', fromBalance: '0.2' },
      {
        service: 'Compute',
        category: 'compute',
        amount: '3.750001',
        fromGrants: '1',
        fromBalance: '2.750001',
      },
    ]);
  });

  it('per usage record on request', () => {
    const perRecord = request(EVENTS, { resource: 'usage-record' });
    expect(perRecord.rows.map((r) => [r.day, r.usageRecordId, r.amount])).toEqual([
      ['2026-03-10', 'u1', '3.000001'],
      ['2026-03-10', 'u2', '0.75'],
      ['2026-03-11', 'u3', '0.2'],
    ]);
    expect(perRecord.totals).toEqual(report.totals);
  });

  it('a window counts on the local day of its last instant (as the ledger rates it), in the account’s zone', () => {
    // Moscow midnight is 21:00 UTC: a window ending exactly then ends on the 10th, one ms later on the 11th.
    const day = (windowEnd: string, timeZone = 'Europe/Moscow') =>
      request([consumed({ usageRecordId: 'u', windowStart: '2026-03-10T20:00:00.000Z', windowEnd })], {
        timeZone,
      }).rows[0]!.day;
    expect(day('2026-03-10T21:00:00.000Z')).toBe('2026-03-10');
    expect(day('2026-03-10T21:00:00.001Z')).toBe('2026-03-11');
    expect(day('2026-03-10T21:00:00.001Z', 'UTC')).toBe('2026-03-10');
    // Almaty is UTC+5: 19:00 UTC is already the next day there
    expect(day('2026-03-10T19:00:00.001Z', 'Asia/Almaty')).toBe('2026-03-11');
  });

  it('the range is inclusive; consumption outside it is left out', () => {
    const firstDayOnly = request(EVENTS, { from: '2026-03-10', to: '2026-03-10' });
    expect(firstDayOnly.rows.map((r) => r.day)).toEqual(['2026-03-10']);
    expect(firstDayOnly.totals.amount).toBe('3.750001');
    expect(request(EVENTS, { from: '2026-03-12', to: '2026-03-31' })).toMatchObject({
      rows: [],
      byService: [],
      totals: { amount: '0', fromGrants: '0', fromBalance: '0' },
    });
    expect(() => request(EVENTS, { from: '2026-03-12', to: '2026-03-11' })).toThrow(BillingReportRangeError);
  });

  it('refuses amounts that are not plain decimals', () => {
    expect(() => request([consumed({ usageRecordId: 'bad', amount: '1e3' })])).toThrow(
      expect.objectContaining({ code: 'DECIMAL_FORMAT' }),
    );
  });

  it('property: the totals are the sums of the rows, whatever the events', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([units, micros]) => `${units}.${String(micros).padStart(6, '0')}`);
    const event = fc.record({
      id: fc.uuid(),
      service: fc.constantFrom('Compute', 'Storage', 'Network, "fast"'),
      sku: fc.constantFrom('a', 'b'),
      hour: fc.integer({ min: 0, max: 24 * 31 - 1 }),
      grants: decimal,
      balance: decimal,
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const data = events.map((e, i) => {
          const start = new Date(Date.UTC(2026, 2, 1) - 3 * 3_600_000 + e.hour * 3_600_000).toISOString();
          return consumed({
            usageRecordId: `${e.id}-${i}`,
            service: e.service,
            sku: e.sku,
            windowStart: start,
            windowEnd: start,
            amount: new Decimal(e.grants).plus(e.balance).toFixed(),
            fromGrants: [{ grantId: 'g', amount: e.grants }],
            fromBalance: e.balance,
          });
        });
        const result = request(data);
        for (const field of ['amount', 'fromGrants', 'fromBalance'] as const) {
          const overRows = result.rows.reduce((total, row) => total.plus(row[field]), new Decimal('0'));
          const overServices = result.byService.reduce(
            (total, row) => total.plus(row[field]),
            new Decimal('0'),
          );
          expect(overRows.toFixed()).toBe(new Decimal(result.totals[field]).toFixed());
          expect(overServices.toFixed()).toBe(new Decimal(result.totals[field]).toFixed());
        }
        expect(result.rows.reduce((n, r) => n + r.records, 0)).toBe(data.length);
      }),
    );
  });
});

describe('billingReportCsv (RFC 4180)', () => {
  it('a header, CRLF after every record, decimal strings as they are', () => {
    expect(billingReportCsv(request(EVENTS))).toBe(
      'day,service,category,sku,unit,quantity,amount,from_grants,from_balance,currency\r\n' +
        '2026-03-10,Compute,compute,compute.vcpu,vcpu-hour,2.5,3.750001,1,2.750001,RUB\r\n' +
        '2026-03-11,Block Storage,storage,storage.disk,gb-hour,100,0.2,0,0.2,RUB\r\n',
    );
  });

  it('per usage record adds the column; an optional TOTAL record closes the file', () => {
    const csv = billingReportCsv(request(EVENTS.slice(2), { resource: 'usage-record' }), { totalsRow: true });
    expect(csv.split('\r\n')).toEqual([
      'day,service,category,sku,usage_record_id,unit,quantity,amount,from_grants,from_balance,currency',
      '2026-03-11,Block Storage,storage,storage.disk,u3,gb-hour,100,0.2,0,0.2,RUB',
      'TOTAL,,,,,,,0.2,0,0.2,RUB',
      '',
    ]);
  });

  it('quotes fields holding a comma, a double quote, CR or LF, and doubles the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    const csv = billingReportCsv(request([consumed({ usageRecordId: 'q', service: 'Network, "fast"' })]));
    expect(csv.split('\r\n')[1]).toBe(
      '2026-03-10,"Network, ""fast""",compute,compute.vcpu,vcpu-hour,1,1.5,0,1.5,RUB',
    );
  });
});
