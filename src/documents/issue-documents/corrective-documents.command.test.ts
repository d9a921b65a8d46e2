/**
 * IssueCorrectiveDocuments through the engine's CommandBus (issue 14; no HTTP, no timelines: the test sends
 * what the document issuer sends for a ChargeCorrected). March of a legal entity on the first provider's
 * profile (UPD status 1): 1 220 test units, closed on 2 April and its documents issued; then a correction of
 * March is stored in April's ledger stream as the correction commands will store it.
 */
import { randomUUID } from 'node:crypto';
import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { correction } from '../../domain/documents/corrective-documents.fixtures.js';
import type { ChargeCorrection } from '../../domain/ledger/ledger-events.js';
import { ClosePeriod } from '../../ledger/close-period/close-period.command.js';
import type { RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { chainEvents } from '../../platform/event-store/hash-chain.js';
import { IssueCorrectiveDocuments, IssuePeriodDocuments } from './issue-documents.command.js';

const SERIES = 'doc-numbers-ru-moscow-llc-2026';
let engine: TestEngine;

beforeAll(async () => {
  engine = await buildEngine({ start: '2026-03-02T09:00:00.000Z' });
  for (const accountId of ['kc-retry', 'kc-person']) {
    const person = accountId === 'kc-person';
    await engine.open({
      accountId,
      payerType: person ? 'individual' : 'legal-entity',
      region: 'ru-moscow',
      residency: 'resident',
      contract: person ? 'public-offer' : 'individual-contract',
      paymentScheme: person ? 'prepaid' : 'postpaid',
      edm: false,
      profileId: person ? 'vk-individual-prepaid' : 'vk-legal-postpaid',
      ...(person
        ? {}
        : {
            legalDetails: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
          }),
      at: engine.now(),
    });
  }
  await engine.send('kc-person', {
    type: 'TopUp',
    paymentId: 'kc-p1',
    amount: '500',
    channel: 'card',
    at: engine.now(),
  });
  engine.clock.set('2026-03-10T09:00:00.000Z');
  for (const accountId of ['kc-retry', 'kc-person'])
    await engine.send(accountId, {
      type: 'ConsumeResource',
      usageRecordId: `${accountId}-u1`,
      sku: 'test.unit',
      quantity: '122',
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  engine.clock.set('2026-04-02T09:00:00.000Z');
  for (const accountId of ['kc-retry', 'kc-person']) {
    await engine.commands.execute(new ClosePeriod(accountId, '2026-03'));
    await engine.commands.execute(new IssuePeriodDocuments(accountId, '2026-03'));
  }
});
afterAll(() => engine.close());

/** Appends to a stream as the engine would: hash-chained after its last event. */
async function appendChained(streamId: string, type: string, data: unknown, commandId: string) {
  const [last] = await engine.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  await engine.store.append(
    streamId,
    chainEvents(streamId, last!.revision + 1, last!.metadata.hash as string, [
      { id: randomUUID(), type, data, metadata: { commandId, actor: 'test', schemaVersion: 1 } },
    ]),
    last!.revision,
  );
}

const book = (accountId: string, data: ChargeCorrection) =>
  appendChained(`ledger-${accountId}@2026-04`, 'ChargeCorrected', data, `correct/${data.correctionId}`);

async function newEventsOf(run: () => Promise<unknown>): Promise<RecordedEvent[]> {
  const head = await engine.store.headPosition();
  await run();
  return engine.store.readAll(head === undefined ? {} : { afterPosition: head });
}

const lastNumber = async () => {
  const [last] = await engine.store.readStream(SERIES, { direction: 'backwards', maxCount: 1 });
  return (last!.data as { lastNumber: number }).lastNumber;
};

const late = (correctionId: string, amount: string) =>
  correction(correctionId, amount, {
    service: 'Test Service',
    sku: 'test.unit',
    at: '2026-04-02T09:30:00.000Z',
  });

it('a stop between numbering and issuing: the retry issues the УКД once, with the number recorded', async () => {
  await book('kc-retry', late('kc-late', '12.20'));
  // The issuer numbered the УКД, then stopped before storing it.
  const before = await lastNumber();
  const number = `RU-MOSCOW-LLC-2026-${String(before + 1).padStart(6, '0')}`;
  await appendChained(
    SERIES,
    'DocumentNumbersAssigned',
    {
      issuer: 'ru-moscow-llc',
      year: 2026,
      lastNumber: before + 1,
      latestDate: '2026-04-02',
      assignments: [{ documentId: 'kc-retry/2026-03/ukd/kc-late', number, sequence: before + 1 }],
    },
    'number/before-the-stop',
  );

  const retried = await newEventsOf(() =>
    engine.commands.execute(new IssueCorrectiveDocuments('kc-retry', '2026-04', 'kc-late')),
  );
  expect(retried.map((e) => [e.streamId, e.type])).toEqual([['documents-kc-retry', 'DocumentIssued']]);
  expect(retried[0]!.data).toMatchObject({
    kind: 'ukd',
    number,
    date: '2026-04-02',
    correctionIds: ['kc-late'],
    change: { difference: { gross: '12.20' } },
  });

  // Sent once more (the subscription redelivers): nothing.
  const again = await newEventsOf(() =>
    engine.commands.execute(new IssueCorrectiveDocuments('kc-retry', '2026-04', 'kc-late')),
  );
  expect(again).toEqual([]);
  expect(await lastNumber()).toBe(before + 1);
});

it('the next correction continues from that УКД and takes the next number', async () => {
  await book('kc-retry', late('kc-late-2', '24.40'));
  const before = await lastNumber();
  const stored = await newEventsOf(() =>
    engine.commands.execute(new IssueCorrectiveDocuments('kc-retry', '2026-04', 'kc-late-2')),
  );
  const issued = stored.find((e) => e.type === 'DocumentIssued')!.data as {
    number: string;
    previous: { documentId: string };
    correctiveLines: Array<{ before: { gross: string }; after: { gross: string } }>;
  };
  expect(issued.number).toBe(`RU-MOSCOW-LLC-2026-${String(before + 1).padStart(6, '0')}`);
  expect(issued.previous.documentId).toBe('kc-retry/2026-03/ukd/kc-late');
  expect(issued.correctiveLines[0]).toMatchObject({
    before: { gross: '134.20' },
    after: { gross: '158.60' },
  });
});

it('an individual’s correction issues nothing (no closing documents to correct)', async () => {
  await book('kc-person', late('kc-person-late', '12.20'));
  const stored = await newEventsOf(() =>
    engine.commands.execute(new IssueCorrectiveDocuments('kc-person', '2026-04', 'kc-person-late')),
  );
  expect(stored).toEqual([]);
});
