import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import type { OpenAccountCommand } from '../../domain/account/open-account.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import { ClosePeriod } from '../../ledger/close-period/close-period.command.js';
import { VirtualClock } from '../../platform/clock/clock.js';
import type { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import type { DocumentNumbersAssigned } from '../numbering-series.js';
import { RECENT_BLOCKS } from '../numbering-series.js';
import { IssueClosedPeriodsDocuments } from './issue-documents.command.js';

/**
 * Month end in batches (issue 18, item 3): the issuer takes the closes that follow one another together,
 * numbers their documents in one block per series and stores them side by side. Given legal entities that
 * used test.unit in March and were closed on 2 April, one after the other.
 */
const VEKTOR = { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
const ACCOUNTING = 'doc-numbers-ru-moscow-llc-2026';
const BILLS = 'doc-numbers-ru-moscow-llc-bill-2026';
const number = (sequence: number) => `RU-MOSCOW-LLC-2026-${String(sequence).padStart(6, '0')}`;

const legal = (engine: TestEngine, accountId: string, withDetails = true): OpenAccountCommand => ({
  accountId,
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  edm: false,
  profileId: 'vk-legal-postpaid',
  ...(withDetails ? { legalDetails: VEKTOR } : {}),
  at: engine.now(),
});

/** Opens the accounts on 2 March, each uses `units` on 10 March, all closed on 2 April in the order given. */
async function monthOf(engine: TestEngine, accounts: Array<{ id: string; details?: boolean }>) {
  engine.clock.set('2026-03-02T09:00:00.000Z');
  for (const { id, details } of accounts) await engine.open(legal(engine, id, details ?? true));
  engine.clock.set('2026-03-10T09:00:00.000Z');
  for (const { id } of accounts)
    await engine.send(id, {
      type: 'ConsumeResource',
      usageRecordId: `${id}-u1`,
      sku: 'test.unit',
      quantity: '122',
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  engine.clock.set('2026-04-02T09:00:00.000Z');
  for (const { id } of accounts) await engine.commands.execute(new ClosePeriod(id, '2026-03'));
}

const numberingEvents = async (store: EventStore, stream: string) =>
  (await store.readStream(stream)).map((e) => e.data as DocumentNumbersAssigned);

const issuedIn = async (store: EventStore, accountId: string) =>
  (await store.readStream(`documents-${accountId}`)).map(
    (e) => e.data as { documentId: string; number: string },
  );

const periodClosed = async (store: EventStore, accountId: string) =>
  (await store.readStream(`ledger-${accountId}@2026-03`)).find(
    (e) => e.type === 'PeriodClosed',
  ) as RecordedEvent<LedgerEventOf<'PeriodClosed'>['data']>;

describe('the document issuer at month end', () => {
  let engine: TestEngine;
  const dbs: SqliteReadModelDb[] = [];
  afterEach(async () => {
    await engine.close();
    for (const db of dbs.splice(0)) await db.close();
  });

  it('numbers the closes that follow one another in one block per series; a withheld one holds back nobody', async () => {
    engine = await buildEngine({ start: '2026-03-02T09:00:00.000Z' });
    const ids = ['b-1', 'b-2', 'b-3', 'b-nodetails', 'b-4', 'b-5'];
    await monthOf(
      engine,
      ids.map((id) => ({ id, details: id !== 'b-nodetails' })),
    );
    const [timelinesDb, documentsDb] = [new SqliteReadModelDb(':memory:'), new SqliteReadModelDb(':memory:')];
    dbs.push(timelinesDb, documentsDb);
    const timelines = engine.timelines({ timelines: timelinesDb, documents: documentsDb });

    await timelines.start();
    await timelines.settle();

    // One block: every UPD of the batch, numbered in the order the periods closed, gapless from 1.
    const accounting = await numberingEvents(engine.store, ACCOUNTING);
    expect(accounting).toHaveLength(1);
    const withDetails = ids.filter((id) => id !== 'b-nodetails');
    expect(accounting[0]!.assignments).toEqual(
      withDetails.map((id, index) => ({
        documentId: `${id}/2026-03/upd`,
        number: number(index + 1),
        sequence: index + 1,
      })),
    );
    expect(accounting[0]).toMatchObject({ lastNumber: withDetails.length, latestDate: '2026-03-31' });
    // The bills (the one without details too: a bill may go without the payer's requisites), one block.
    const bills = await numberingEvents(engine.store, BILLS);
    expect(bills).toHaveLength(1);
    expect(bills[0]!.assignments.map((a) => a.sequence)).toEqual(ids.map((_, index) => index + 1));
    // Every account's documents stored under the numbers of the blocks; the UPD without details withheld.
    for (const [index, id] of withDetails.entries())
      expect((await issuedIn(engine.store, id)).find((d) => d.documentId.endsWith('/upd'))?.number).toBe(
        number(index + 1),
      );
    expect((await issuedIn(engine.store, 'b-nodetails')).map((d) => d.documentId)).toEqual([
      'b-nodetails/2026-03/bill/b-nodetails-2026-03',
    ]);
    expect(await engine.documents.withheldOf('b-nodetails')).toEqual([
      expect.objectContaining({ withheldId: '2026-03/period', code: 'DOCUMENT_PAYER_DETAILS_REQUIRED' }),
    ]);
    const withheldRows = await documentsDb.all<{ account_id: string; code: string }>(
      `SELECT account_id, code FROM withheld_v1`,
    );
    expect(withheldRows).toEqual([{ account_id: 'b-nodetails', code: 'DOCUMENT_PAYER_DETAILS_REQUIRED' }]);
  });

  it('a crash between the block of numbers and the documents: the retry gets the same numbers, stores each document once, no gap', async () => {
    const clock = new VirtualClock('2026-03-02T09:00:00.000Z');
    const vault = new PersonalDataVault(':memory:');
    const durable = SqliteEventStore.open({ path: ':memory:' });
    let crashing = false;
    // The process dies after the numbering append, before any account's documents are appended.
    const crashingStore = new Proxy(durable, {
      get(target, property) {
        if (property === 'append')
          return (
            streamId: string,
            ...rest: Parameters<EventStore['append']> extends [string, ...infer R] ? R : never
          ) => {
            if (crashing && streamId.startsWith('documents-'))
              return Promise.reject(new Error('process killed'));
            return target.append(streamId, ...rest);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    engine = await buildEngine({ clock, vault, store: crashingStore });
    const ids = ['c-1', 'c-2', 'c-3', 'c-4'];
    await monthOf(
      engine,
      ids.map((id) => ({ id })),
    );
    const periods = async (store: EventStore) =>
      Promise.all(
        ids.map(async (id) => ({
          accountId: id,
          periodId: '2026-03',
          closed: await periodClosed(store, id),
        })),
      );

    crashing = true;
    await expect(
      engine.commands.execute(new IssueClosedPeriodsDocuments(await periods(durable))),
    ).rejects.toThrow('process killed');
    const reserved = await numberingEvents(durable, ACCOUNTING);
    expect(reserved).toHaveLength(1);
    for (const id of ids) expect(await durable.streamRevision(`documents-${id}`)).toBeUndefined();
    await engine.close();

    // Restarted a day later (a late document would now be drawn up on 3 April): a cold engine on the same log.
    clock.set('2026-04-03T09:00:00.000Z');
    const reads: Array<{ streamId: string; options: unknown }> = [];
    const watched = new Proxy(durable, {
      get(target, property) {
        if (property === 'readStream')
          return (streamId: string, options?: Parameters<EventStore['readStream']>[1]) => {
            reads.push({ streamId, options });
            return target.readStream(streamId, options);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    engine = await buildEngine({ clock, vault, store: watched });
    const head = await durable.headPosition();

    const answers = await engine.commands.execute(new IssueClosedPeriodsDocuments(await periods(durable)));

    expect(answers.map((a) => a.withheld)).toEqual(ids.map(() => undefined));
    // No second block: the numbers and dates of the block reserved before the crash.
    expect(await numberingEvents(durable, ACCOUNTING)).toEqual(reserved);
    for (const [index, id] of ids.entries()) {
      const issued = await issuedIn(durable, id);
      expect(issued.filter((d) => d.documentId.endsWith('/upd'))).toEqual([
        expect.objectContaining({ number: number(index + 1), date: '2026-03-31' }),
      ]);
    }
    // The cold series was read from its last events only, never replayed from the start.
    const seriesReads = reads.filter((r) => r.streamId.startsWith('doc-numbers-'));
    expect(seriesReads.length).toBeGreaterThan(0);
    for (const read of seriesReads)
      expect(read.options).toEqual({ direction: 'backwards', maxCount: RECENT_BLOCKS });
    // Sent once more: nothing at all is stored.
    const after = await durable.headPosition();
    await engine.commands.execute(new IssueClosedPeriodsDocuments(await periods(durable)));
    expect(await durable.headPosition()).toBe(after);
    expect(after! > head!).toBe(true);
    await durable.close();
    vault.close();
  });
});
