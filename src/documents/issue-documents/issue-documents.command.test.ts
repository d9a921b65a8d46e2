import { randomUUID } from 'node:crypto';
import type { Command } from '@nestjs/cqrs';
import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { AddLegalDetails } from '../../accounts/add-legal-details/add-legal-details.command.js';
import type { OpenAccountCommand } from '../../domain/account/open-account.js';
import { PayerDetailsRequiredError } from '../../domain/documents/index.js';
import { DomainError } from '../../domain/shared/errors.js';
import { ClosePeriod } from '../../ledger/close-period/close-period.command.js';
import type { RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { chainEvents } from '../../platform/event-store/hash-chain.js';
import { IssueMidPeriodBill, IssuePeriodDocuments } from './issue-documents.command.js';

/**
 * The document issuer's commands through the engine's CommandBus (no HTTP, no timelines: the tests send what
 * the issuer would send once a period closes or a mid-period bill is issued). Given the history below, when a
 * command, then its outcome (or error) and exactly the events it stored.
 *
 * March on a virtual clock: each account opens on 2 March and uses test.unit (1.00 RUB a unit, VAT
 * included) on 10 March; on 2 April every period but id-credit's is closed (ClosePeriod, as the month end
 * would). Numbers come from one series per issuer and year that every account of this file shares.
 */
const VEKTOR = { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
let engine: TestEngine;

beforeAll(async () => {
  engine = await buildEngine({ start: '2026-03-02T09:00:00.000Z' });
  const legal = (accountId: string, profileId: string, legalDetails?: typeof VEKTOR): OpenAccountCommand => ({
    accountId,
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'postpaid',
    edm: false,
    profileId,
    ...(legalDetails ? { legalDetails } : {}),
    at: engine.now(),
  });
  for (const id of ['id-vektor', 'id-again', 'id-open', 'id-retry'])
    await engine.open(legal(id, 'vk-legal-postpaid', VEKTOR));
  await engine.open(legal('id-nodetails', 'vk-legal-postpaid'));
  await engine.open(legal('id-idle', 'vk-legal-postpaid', VEKTOR));
  await engine.open(legal('id-credit', 'yc-legal-credit', VEKTOR));
  await engine.open({
    ...legal('id-anna', 'vk-individual-prepaid'),
    payerType: 'individual',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
  });
  await engine.send('id-anna', {
    type: 'TopUp',
    paymentId: 'id-p1',
    amount: '500',
    channel: 'card',
    at: engine.now(),
  });

  engine.clock.set('2026-03-10T09:00:00.000Z');
  const use = (accountId: string, quantity: string) =>
    engine.send(accountId, {
      type: 'ConsumeResource',
      usageRecordId: `${accountId}-u1`,
      sku: 'test.unit',
      quantity,
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  for (const id of ['id-vektor', 'id-again', 'id-open', 'id-retry']) await use(id, '1220');
  await use('id-nodetails', '122');
  await use('id-anna', '100');
  // A credit limit of 100.00 runs out at 150.00 used: the ledger issues a mid-period bill for the debt.
  await engine.send('id-credit', { type: 'SetCreditLimit', creditLimit: '100', at: engine.now() });
  await use('id-credit', '150');
  // 30.00 more after the bill, on 20 March: the month-end documents confirm only that.
  engine.clock.set('2026-03-20T09:00:00.000Z');
  await engine.send('id-credit', {
    type: 'ConsumeResource',
    usageRecordId: 'id-credit-u2',
    sku: 'test.unit',
    quantity: '30',
    windowStart: engine.now(),
    windowEnd: engine.now(),
  });

  engine.clock.set('2026-04-02T09:00:00.000Z');
  for (const id of ['id-vektor', 'id-again', 'id-open', 'id-nodetails', 'id-idle', 'id-anna', 'id-retry'])
    await engine.commands.execute(new ClosePeriod(id, '2026-03'));
});
afterAll(() => engine.close());

interface Sent {
  outcome?: unknown;
  error?: unknown;
  /** What the command stored, in log order. */
  newEvents: RecordedEvent[];
}

/** When a command is sent through the bus: its outcome or its error, and the events it stored. */
async function whenSent(command: Command<unknown>): Promise<Sent> {
  const head = await engine.store.headPosition();
  const sent: Sent = { newEvents: [] };
  try {
    sent.outcome = await engine.commands.execute(command);
  } catch (error) {
    sent.error = error;
  }
  sent.newEvents = await engine.store.readAll(head === undefined ? {} : { afterPosition: head });
  return sent;
}

const stored = (events: RecordedEvent[]) =>
  events.map((e) => ({ streamId: e.streamId, type: e.type, data: e.data }));

/** The last number given in the issuer's 2026 series (0 before the first); `bill`: its bills' own series. */
async function lastNumber(series: 'accounting' | 'bill' = 'accounting'): Promise<number> {
  try {
    const stream =
      series === 'bill' ? 'doc-numbers-ru-moscow-llc-bill-2026' : 'doc-numbers-ru-moscow-llc-2026';
    const [last] = await engine.store.readStream(stream, {
      direction: 'backwards',
      maxCount: 1,
    });
    return (last?.data as { lastNumber: number } | undefined)?.lastNumber ?? 0;
  } catch {
    return 0;
  }
}

const number = (sequence: number) => `RU-MOSCOW-LLC-2026-${String(sequence).padStart(6, '0')}`;
/** Bills are numbered in a series of their own (seed 004: not accounting documents). */
const billNumber = (sequence: number) => `RU-MOSCOW-LLC-BILL-2026-${String(sequence).padStart(6, '0')}`;

async function periodClosedOf(accountId: string): Promise<RecordedEvent> {
  const events = await engine.store.readStream(`ledger-${accountId}@2026-03`);
  return events.find((e) => e.type === 'PeriodClosed')!;
}

describe('IssuePeriodDocuments', () => {
  it('numbers the closing UPD and the period bill gaplessly, each in its series, then issues both', async () => {
    const before = await lastNumber();
    const billsBefore = await lastNumber('bill');
    const closed = await periodClosedOf('id-vektor');

    const { outcome, error, newEvents } = await whenSent(new IssuePeriodDocuments('id-vektor', '2026-03'));

    expect(error).toBeUndefined();
    expect(outcome).toMatchObject({
      status: 'accepted',
      streamId: 'documents-id-vektor',
      eventTypes: ['DocumentIssued', 'DocumentIssued'],
    });
    expect(stored(newEvents)).toEqual([
      {
        streamId: 'doc-numbers-ru-moscow-llc-2026',
        type: 'DocumentNumbersAssigned',
        data: {
          issuer: 'ru-moscow-llc',
          year: 2026,
          lastNumber: before + 1,
          // The series keeps its latest date: a later document dated earlier is drawn up late (numbering.ts).
          latestDate: '2026-03-31',
          assignments: [
            { documentId: 'id-vektor/2026-03/upd', number: number(before + 1), sequence: before + 1 },
          ],
        },
      },
      {
        streamId: 'doc-numbers-ru-moscow-llc-bill-2026',
        type: 'DocumentNumbersAssigned',
        data: {
          issuer: 'ru-moscow-llc-bill',
          year: 2026,
          lastNumber: billsBefore + 1,
          assignments: [
            {
              documentId: 'id-vektor/2026-03/bill/id-vektor-2026-03',
              number: billNumber(billsBefore + 1),
              sequence: billsBefore + 1,
            },
          ],
        },
      },
      {
        streamId: 'documents-id-vektor',
        type: 'DocumentIssued',
        data: expect.objectContaining({
          kind: 'upd',
          status: 1,
          documentId: 'id-vektor/2026-03/upd',
          number: number(before + 1),
          date: '2026-03-31',
          payer: VEKTOR,
          totals: { net: '1000.00', vat: '220.00', gross: '1220.00' },
        }),
      },
      {
        streamId: 'documents-id-vektor',
        type: 'DocumentIssued',
        data: expect.objectContaining({
          kind: 'bill',
          billKind: 'period',
          documentId: 'id-vektor/2026-03/bill/id-vektor-2026-03',
          number: billNumber(billsBefore + 1),
          date: '2026-04-01',
          dueDate: '2026-04-14',
          toPay: '1220.00',
        }),
      },
    ]);
    // Every event names the close it follows from and who issued it.
    for (const event of newEvents) {
      expect(event.metadata).toMatchObject({ actor: 'document-issuer', causationId: closed.id });
    }
  });

  it('a second command for the same closed period stores nothing', async () => {
    await engine.commands.execute(new IssuePeriodDocuments('id-again', '2026-03'));

    const { outcome, error, newEvents } = await whenSent(new IssuePeriodDocuments('id-again', '2026-03'));

    expect(error).toBeUndefined();
    expect(outcome).toMatchObject({ status: 'duplicate', streamId: 'documents-id-again', eventTypes: [] });
    expect(stored(newEvents)).toEqual([]);
    const issued = await engine.store.readStream('documents-id-again');
    expect(issued.map((e) => (e.data as { kind: string }).kind)).toEqual(['upd', 'bill']);
  });

  it('a legal entity without legal details: the bill goes out without a payer, the UPD is withheld with a DomainError', async () => {
    const before = await lastNumber();
    const billsBefore = await lastNumber('bill');

    const { outcome, error, newEvents } = await whenSent(new IssuePeriodDocuments('id-nodetails', '2026-03'));

    expect(outcome).toBeUndefined();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(PayerDetailsRequiredError);
    expect(error).toMatchObject({
      code: 'DOCUMENT_PAYER_DETAILS_REQUIRED',
      accountId: 'id-nodetails',
      kind: 'upd',
    });
    expect(stored(newEvents)).toEqual([
      {
        streamId: 'doc-numbers-ru-moscow-llc-bill-2026',
        type: 'DocumentNumbersAssigned',
        data: expect.objectContaining({
          lastNumber: billsBefore + 1,
          assignments: [
            {
              documentId: 'id-nodetails/2026-03/bill/id-nodetails-2026-03',
              number: billNumber(billsBefore + 1),
              sequence: billsBefore + 1,
            },
          ],
        }),
      },
      {
        streamId: 'documents-id-nodetails',
        type: 'DocumentIssued',
        data: expect.objectContaining({ kind: 'bill', payer: null, toPay: '122.00' }),
      },
      // The log says what is withheld and why (the account's withheld documents read it).
      {
        streamId: 'documents-id-nodetails',
        type: 'DocumentsWithheld',
        data: expect.objectContaining({
          withheldId: '2026-03/period',
          periodId: '2026-03',
          source: 'period',
          code: 'DOCUMENT_PAYER_DETAILS_REQUIRED',
        }),
      },
    ]);

    // Sent again (the issuer retries): still withheld, recorded once, and the bill is not issued twice.
    const retried = await whenSent(new IssuePeriodDocuments('id-nodetails', '2026-03'));
    expect(retried.error).toBeInstanceOf(PayerDetailsRequiredError);
    expect(stored(retried.newEvents)).toEqual([]);

    // Once the requisites are added, the withheld UPD is issued — and only it.
    await engine.commands.execute(
      new AddLegalDetails('id-nodetails', VEKTOR, engine.now(), { commandId: 'id-details', actor: 'test' }),
    );
    const released = await whenSent(new IssuePeriodDocuments('id-nodetails', '2026-03'));
    expect(released.error).toBeUndefined();
    expect(stored(released.newEvents)).toEqual([
      expect.objectContaining({
        streamId: 'doc-numbers-ru-moscow-llc-2026',
        type: 'DocumentNumbersAssigned',
      }),
      {
        streamId: 'documents-id-nodetails',
        type: 'DocumentIssued',
        // The withheld UPD takes the next number of the accounting series: the bill took none of it.
        data: expect.objectContaining({ kind: 'upd', number: number(before + 1), payer: VEKTOR }),
      },
      {
        streamId: 'documents-id-nodetails',
        type: 'WithheldDocumentsReleased',
        data: expect.objectContaining({ withheldId: '2026-03/period' }),
      },
    ]);
  });

  it('a retry after a stop between numbering and issuing gives the number and the date recorded, nothing new', async () => {
    const before = await lastNumber();
    // The issuer numbered id-retry's UPD on 1 April, late (drawn up that day), and stopped before issuing it.
    const series = 'doc-numbers-ru-moscow-llc-2026';
    const [last] = await engine.store.readStream(series, { direction: 'backwards', maxCount: 1 });
    const recorded = {
      issuer: 'ru-moscow-llc',
      year: 2026,
      lastNumber: before + 1,
      latestDate: '2026-04-01',
      assignments: [
        {
          documentId: 'id-retry/2026-03/upd',
          number: number(before + 1),
          sequence: before + 1,
          date: '2026-04-01',
        },
      ],
    };
    await engine.store.append(
      series,
      chainEvents(series, last!.revision + 1, last!.metadata.hash as string, [
        {
          id: randomUUID(),
          type: 'DocumentNumbersAssigned',
          data: recorded,
          metadata: {
            commandId: 'number/id-retry/before-the-stop',
            actor: 'document-issuer',
            schemaVersion: 1,
          },
        },
      ]),
      last!.revision,
    );

    // Retried on 2 April: the number and the date of 1 April, not a new number nor the day of the retry.
    const { error, newEvents } = await whenSent(new IssuePeriodDocuments('id-retry', '2026-03'));

    expect(error).toBeUndefined();
    expect(stored(newEvents).filter((e) => e.streamId === series)).toEqual([]);
    expect(stored(newEvents).find((e) => e.streamId === 'documents-id-retry')?.data).toMatchObject({
      kind: 'upd',
      number: number(before + 1),
      date: '2026-04-01',
      shipmentDate: '2026-03-31',
      servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
    });
  });

  it('a period with nothing to confirm and nothing to pay issues nothing', async () => {
    const { outcome, error, newEvents } = await whenSent(new IssuePeriodDocuments('id-idle', '2026-03'));

    expect(error).toBeUndefined();
    // Nothing to store is answered as a duplicate.
    expect(outcome).toMatchObject({ status: 'duplicate', streamId: 'documents-id-idle', eventTypes: [] });
    expect(stored(newEvents)).toEqual([]);
  });

  it('an individual gets no documents', async () => {
    const { outcome, error, newEvents } = await whenSent(new IssuePeriodDocuments('id-anna', '2026-03'));

    expect(error).toBeUndefined();
    // Nothing to store is answered as a duplicate.
    expect(outcome).toMatchObject({ status: 'duplicate', streamId: 'documents-id-anna', eventTypes: [] });
    expect(stored(newEvents)).toEqual([]);
  });

  it('refuses a period that is not closed, storing nothing', async () => {
    const { error, newEvents } = await whenSent(new IssuePeriodDocuments('id-open', '2026-04'));

    expect(error).toEqual(new Error('Period 2026-04 of id-open is not closed'));
    expect(stored(newEvents)).toEqual([]);
  });

  it('fails for an unknown account (no ledger stream), storing nothing', async () => {
    const { error, newEvents } = await whenSent(new IssuePeriodDocuments('id-nobody', '2026-03'));

    expect(error).toMatchObject({ name: 'StreamNotFoundError' });
    expect(stored(newEvents)).toEqual([]);
  });
});

describe('IssueMidPeriodBill', () => {
  const billIdOf = async (accountId: string) => {
    const events = await engine.store.readStream(`ledger-${accountId}@2026-03`);
    const issued = events.find((e) => e.type === 'BillIssued')!;
    return { billId: (issued.data as { billId: string }).billId, eventId: issued.id };
  };

  it('credit limit exhausted: issues the act and the VAT invoice with the bill (seed 003, 4.2), once', async () => {
    const { billId, eventId } = await billIdOf('id-credit');
    expect(billId).toBe('id-credit-2026-03-mid-1-2026-03-10');
    const before = await lastNumber();
    const billsBefore = await lastNumber('bill');

    const first = await whenSent(new IssueMidPeriodBill('id-credit', '2026-03', billId));

    expect(first.error).toBeUndefined();
    expect(first.outcome).toMatchObject({
      status: 'accepted',
      streamId: 'documents-id-credit',
      eventTypes: ['DocumentIssued', 'DocumentIssued', 'DocumentIssued'],
    });
    const upToTheBill = { firstDay: '2026-03-01', lastDay: '2026-03-10' };
    // The document issuer runs on 2 April, after the other accounts' March documents (dated 31 March) took
    // numbers of the series: the act and the VAT invoice are drawn up that day and keep the shipment date,
    // 10 March, and their service period. The bill, in a series of its own, keeps its date.
    expect(stored(first.newEvents)).toEqual([
      {
        streamId: 'doc-numbers-ru-moscow-llc-2026',
        type: 'DocumentNumbersAssigned',
        data: {
          issuer: 'ru-moscow-llc',
          year: 2026,
          lastNumber: before + 2,
          latestDate: '2026-04-02',
          assignments: [
            {
              documentId: `id-credit/2026-03/act-mid/${billId}`,
              number: number(before + 1),
              sequence: before + 1,
              date: '2026-04-02',
            },
            {
              documentId: `id-credit/2026-03/vat-invoice-mid/${billId}`,
              number: number(before + 2),
              sequence: before + 2,
              date: '2026-04-02',
            },
          ],
        },
      },
      {
        streamId: 'doc-numbers-ru-moscow-llc-bill-2026',
        type: 'DocumentNumbersAssigned',
        data: {
          issuer: 'ru-moscow-llc-bill',
          year: 2026,
          lastNumber: billsBefore + 1,
          assignments: [
            {
              documentId: `id-credit/2026-03/bill/${billId}`,
              number: billNumber(billsBefore + 1),
              sequence: billsBefore + 1,
            },
          ],
        },
      },
      {
        streamId: 'documents-id-credit',
        type: 'DocumentIssued',
        data: expect.objectContaining({
          kind: 'act',
          documentId: `id-credit/2026-03/act-mid/${billId}`,
          number: number(before + 1),
          date: '2026-04-02',
          shipmentDate: '2026-03-10',
          servicePeriod: upToTheBill,
          totals: { net: '122.95', vat: '27.05', gross: '150.00' },
          payer: VEKTOR,
        }),
      },
      {
        streamId: 'documents-id-credit',
        type: 'DocumentIssued',
        data: expect.objectContaining({
          kind: 'vat-invoice',
          documentId: `id-credit/2026-03/vat-invoice-mid/${billId}`,
          basisDocumentId: `id-credit/2026-03/act-mid/${billId}`,
          number: number(before + 2),
          date: '2026-04-02',
          shipmentDate: '2026-03-10',
          servicePeriod: upToTheBill,
          totals: { net: '122.95', vat: '27.05', gross: '150.00' },
        }),
      },
      {
        streamId: 'documents-id-credit',
        type: 'DocumentIssued',
        data: expect.objectContaining({
          kind: 'bill',
          billKind: 'mid-period',
          documentId: `id-credit/2026-03/bill/${billId}`,
          number: billNumber(billsBefore + 1),
          date: '2026-03-10',
          dueDate: '2026-03-12',
          servicePeriod: upToTheBill,
          totals: { net: '122.95', vat: '27.05', gross: '150.00' },
          toPay: '150.00',
          payer: VEKTOR,
        }),
      },
    ]);
    for (const event of first.newEvents) expect(event.metadata.causationId).toBe(eventId);

    const second = await whenSent(new IssueMidPeriodBill('id-credit', '2026-03', billId));
    expect(second.outcome).toMatchObject({ status: 'duplicate', eventTypes: [] });
    expect(stored(second.newEvents)).toEqual([]);
  });

  it('the month-end documents do not confirm again what the mid-period act confirmed', async () => {
    const { billId } = await billIdOf('id-credit');
    await whenSent(new IssueMidPeriodBill('id-credit', '2026-03', billId));
    // 30.00 more was used after the bill, on 20 March (see beforeAll); then the month ended.
    await engine.commands.execute(new ClosePeriod('id-credit', '2026-03'));

    const monthEnd = await whenSent(new IssuePeriodDocuments('id-credit', '2026-03'));

    expect(monthEnd.error).toBeUndefined();
    const issued = stored(monthEnd.newEvents).filter((e) => e.type === 'DocumentIssued');
    expect(issued.map((e) => e.data)).toEqual([
      expect.objectContaining({
        kind: 'act',
        documentId: 'id-credit/2026-03/act',
        totals: { net: '24.59', vat: '5.41', gross: '30.00' },
      }),
      expect.objectContaining({
        kind: 'vat-invoice',
        totals: { net: '24.59', vat: '5.41', gross: '30.00' },
      }),
      expect.objectContaining({ kind: 'bill', billKind: 'period', toPay: '30.00' }),
    ]);
  });

  it('refuses a bill the ledger never issued, storing nothing', async () => {
    const { error, newEvents } = await whenSent(
      new IssueMidPeriodBill('id-credit', '2026-03', 'no-such-bill'),
    );

    expect(error).toEqual(new Error('No bill no-such-bill in 2026-03 of id-credit'));
    expect(stored(newEvents)).toEqual([]);
  });
});
