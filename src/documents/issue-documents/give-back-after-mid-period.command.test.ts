/**
 * A give-back of the open period after its mid-period documents (credit limit exhausted), through the
 * engine's CommandBus: the month-end documents issue, confirming zero of the service, and a corrective act
 * and КСФ of the mid-period act take back what it over-confirmed — numbered in the series, dated the period's
 * last day (docs/documents.md "Corrective documents").
 *
 * March on a virtual clock: the account (credit limit 100.00) uses 150.00 of test.unit on 10 March — the
 * ledger issues a mid-period bill, the issuer its act; 30.00 more on 20 March; on 25 March ops void the
 * 150.00 record; on 2 April the period closes.
 */
import Big from 'big.js';
import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { ClosePeriod } from '../../ledger/close-period/close-period.command.js';
import { VoidUsageRecord } from '../../ledger/void-usage/void-usage.command.js';
import { IssueMidPeriodBill, IssuePeriodDocuments } from './issue-documents.command.js';

const ACCOUNT = 'gb-credit';
let engine: TestEngine;

beforeAll(async () => {
  engine = await buildEngine({ start: '2026-03-02T09:00:00.000Z' });
  await engine.open({
    accountId: ACCOUNT,
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'postpaid',
    edm: false,
    profileId: 'yc-legal-credit',
    legalDetails: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
    at: engine.now(),
  });
  const use = (usageRecordId: string, quantity: string) =>
    engine.send(ACCOUNT, {
      type: 'ConsumeResource',
      usageRecordId,
      sku: 'test.unit',
      quantity,
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  engine.clock.set('2026-03-10T09:00:00.000Z');
  await engine.send(ACCOUNT, { type: 'SetCreditLimit', creditLimit: '100', at: engine.now() });
  await use('gb-u1', '150');
  const events = await engine.store.readStream(`ledger-${ACCOUNT}@2026-03`);
  const bill = events.find((e) => e.type === 'BillIssued')!.data as { billId: string };
  await engine.commands.execute(new IssueMidPeriodBill(ACCOUNT, '2026-03', bill.billId));
  engine.clock.set('2026-03-20T09:00:00.000Z');
  await use('gb-u2', '30');
  engine.clock.set('2026-03-25T09:00:00.000Z');
  await engine.commands.execute(
    new VoidUsageRecord(ACCOUNT, 'gb-u1', { reason: 'duplicate metering' }, engine.now(), {
      commandId: 'void/gb-u1',
      actor: 'ops:test',
    }),
  );
  engine.clock.set('2026-04-02T09:00:00.000Z');
  await engine.commands.execute(new ClosePeriod(ACCOUNT, '2026-03'));
});
afterAll(() => engine.close());

it('the month-end documents issue: a corrective act and КСФ of the mid-period act take back 120.00', async () => {
  const head = await engine.store.headPosition();
  await engine.commands.execute(new IssuePeriodDocuments(ACCOUNT, '2026-03'));
  const issued = (await engine.store.readAll(head === undefined ? {} : { afterPosition: head }))
    .filter((e) => e.type === 'DocumentIssued')
    .map(
      (e) =>
        e.data as {
          kind: string;
          documentId: string;
          date: string;
          sequence: number;
          corrects?: { documentId: string };
          change?: { difference: { gross: string } };
          totals: { gross: string };
        },
    );
  const accounting = issued.filter((d) => d.kind !== 'bill');
  // Nothing is left to confirm at month end (30.00 used, 150.00 confirmed): no act, the corrective documents.
  expect(accounting.map((d) => [d.kind, d.documentId, d.date, d.corrects?.documentId])).toEqual([
    [
      'corrective-act',
      `${ACCOUNT}/2026-03/corrective-act/month-end-remainder`,
      '2026-03-31',
      expect.any(String),
    ],
    [
      'corrective-vat-invoice',
      `${ACCOUNT}/2026-03/corrective-vat-invoice/month-end-remainder`,
      '2026-03-31',
      expect.any(String),
    ],
  ]);
  const all = await engine.store.readStream(`documents-${ACCOUNT}`);
  const midAct = all
    .map((e) => e.data as { kind: string; documentId: string; totals: { gross: string }; sequence: number })
    .find((d) => d.kind === 'act' && d.documentId.includes('/act-mid/'))!;
  expect(accounting[0]!.corrects!.documentId).toBe(midAct.documentId);
  expect(accounting[0]!.change!.difference.gross).toBe('-120.00');
  // To the kopeck: the mid-period act + the corrective act = the period's consumption after the void.
  expect(new Big(midAct.totals.gross).plus(accounting[0]!.change!.difference.gross).toFixed(2)).toBe('30.00');
  // Numbered in the series after the mid-period documents.
  expect(accounting.map((d) => d.sequence)).toEqual([midAct.sequence + 2, midAct.sequence + 3]);
  const withheld = all.filter((e) => e.type === 'DocumentsWithheld');
  expect(withheld).toEqual([]);
});
