import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { documentRegistersProjection } from '../../projections/document-registers.projection.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { documentRegistersReference } from './support/document-registers-reference.js';
import { generateHistory } from './support/history.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { buildToHead, dumpTables } from './support/table-dump.js';

const TABLES = ['document_register', 'document_register_totals', 'document_register_anomalies'];

const dump = (db: ReadModelDb, table: (name: string) => string) => dumpTables(db, table, TABLES);

const build = async (...args: Parameters<typeof buildToHead>) => {
  const runner = await buildToHead(...args);
  return dump(args[1], runner.table);
};

describe('document-registers batches its totals: the same rows as one read and write per document', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  let expected: Record<string, string[]>;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    await generateHistory(store, { accounts: 16, months: 3, stepsPerMonth: 5, seed: 11 });
    // A document issued again (the same id: nothing changes) and one reusing another's number (an anomaly,
    // yet registered and counted in the totals).
    const issued = await store.readAll({ maxCount: 1_000_000, filter: documentRegistersProjection.filter });
    const first = issued[0]!;
    const again = (data: unknown) => ({
      id: randomUUID(),
      type: 'DocumentIssued',
      data,
      metadata: first.metadata,
    });
    await store.append(first.streamId, [
      again(first.data),
      again({ ...(first.data as object), documentId: 'doc-same-number' }),
    ]);
    expected = await build(store, track(new SqliteReadModelDb(':memory:')), documentRegistersReference, 500);
    cluster = await startPgCluster();
  }, 240_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it('the history fills every table, with several documents per totals row', () => {
    for (const name of TABLES)
      expect({ name, rows: expected[name]!.length > 0 }).toEqual({ name, rows: true });
    expect(expected.document_register!.length).toBeGreaterThan(2 * expected.document_register_totals!.length);
  });

  it.each([1, 9, 500, 5000])(
    'on SQLite, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new SqliteReadModelDb(':memory:'));
      expect(await build(store, db, documentRegistersProjection, batchSize)).toEqual(expected);
    },
    120_000,
  );

  it.each([13, 5000])(
    'on PostgreSQL, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
      expect(await build(store, db, documentRegistersProjection, batchSize)).toEqual(expected);
    },
    120_000,
  );

  it('outside a transaction (each event written at once) the tables equal the reference', async () => {
    const db = track(new SqliteReadModelDb(':memory:'));
    const table = (name: string) => `${name}_fold`;
    await documentRegistersProjection.setup(db, table);
    for (const recorded of await store.readAll({
      maxCount: 1_000_000,
      filter: documentRegistersProjection.filter,
    }))
      await documentRegistersProjection.apply(db, recorded, table);
    expect(await dump(db, table)).toEqual(expected);
  });
});
