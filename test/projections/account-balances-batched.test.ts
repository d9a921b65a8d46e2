import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountBalancesProjection } from '../../projections/account-balances.projection.js';
import { foldLog } from '../../projections/queries/from-log.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { CountingBatchDb } from './support/counting-batch-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { accountBalancesReference } from './support/account-balances-reference.js';
import { BALANCE_EVENT_TYPES, writeBalanceLog } from './support/balance-events.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { dumpTables } from './support/table-dump.js';

const TABLES = ['balance_accounts', 'balance_history', 'balance_grants', 'balance_bills'];

const dump = (db: ReadModelDb, table: (name: string) => string) => dumpTables(db, table, TABLES);

/** Builds `projection` from scratch up to `until` with the runner (its batch = one transaction). */
async function rebuild(
  store: SqliteEventStore,
  db: ReadModelDb,
  projection: Projection,
  batchSize: number,
  until?: bigint,
) {
  const runner = new ProjectionRunner(store, db, projection, { batchSize });
  await runner.prepare();
  await runner.applyUntil(until ?? (await store.headPosition())!);
  return runner;
}

describe('account-balances batches its writes: the same rows as one statement per change', () => {
  let store: SqliteEventStore;
  let cluster: PgCluster;
  let reference: Record<string, string[]>;
  let counts: Record<string, number>;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    counts = await writeBalanceLog(store, { accounts: 40, eventsPerAccount: 60 });
    const db = track(new SqliteReadModelDb(':memory:'));
    const runner = await rebuild(store, db, accountBalancesReference, 500);
    expect(runner.status.state).not.toBe('failed');
    reference = await dump(db, runner.table);
    cluster = await startPgCluster();
  }, 120_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it('the log exercises every event type the projection handles, and fills every table', () => {
    for (const type of BALANCE_EVENT_TYPES)
      expect({ type, seen: (counts[type] ?? 0) >= 5 }).toEqual({ type, seen: true });
    for (const name of TABLES)
      expect({ name, rows: reference[name]!.length > 20 }).toEqual({ name, rows: true });
  });

  it.each([1, 7, 500, 5000])(
    'on SQLite, in batches of %i events, the tables equal the reference',
    async (batchSize) => {
      const db = track(new SqliteReadModelDb(':memory:'));
      const runner = await rebuild(store, db, accountBalancesProjection, batchSize);
      expect(runner.status.lastError).toBeUndefined();
      expect(await dump(db, runner.table)).toEqual(reference);
    },
  );

  it('outside any transaction (the fallback that folds the log), each event writes at once and the tables are the same', async () => {
    const db = await foldLog(store, accountBalancesProjection);
    try {
      expect(await dump(db, (name) => name)).toEqual(reference);
    } finally {
      await db.close();
    }
  });

  it.each([13, 500])(
    'on PostgreSQL, in batches of %i events (multi-row statements), the tables equal the reference',
    async (batchSize) => {
      const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
      const runner = await rebuild(store, db, accountBalancesProjection, batchSize);
      expect(runner.status.lastError).toBeUndefined();
      expect(await dump(db, runner.table)).toEqual(reference);
    },
    60_000,
  );

  it.each(['sqlite', 'postgres'] as const)(
    'on %s, a batch refused at a poison event keeps nothing of it: the events before it are committed, exactly',
    async (dialect) => {
      // A payment for a bill never issued, in the middle of the log.
      const cut = (await store.headPosition())!;
      const poisoned = SqliteEventStore.open({ path: ':memory:' });
      try {
        for (const event of await store.readAll({ maxCount: Number(cut) })) {
          if (event.position === cut / 2n) {
            const ledger = event.streamId.startsWith('ledger-') ? event.streamId : 'ledger-bal-001@2026-01';
            await poisoned.append(ledger, [
              {
                id: '00000000-0000-4000-9000-000000000001',
                type: 'BillPaymentApplied',
                data: { billId: 'never', amount: '1', fullyPaid: true },
              },
            ]);
          }
          await poisoned.append(event.streamId, [
            { id: event.id, type: event.type, data: event.data, metadata: event.metadata },
          ]);
        }
        const db =
          dialect === 'sqlite'
            ? track(new SqliteReadModelDb(':memory:'))
            : track(new PostgresReadModelDb(await cluster.freshSchema()));
        const runner = new ProjectionRunner(poisoned, db, accountBalancesProjection, { batchSize: 500 });
        await runner.prepare();
        await runner.flush();
        const head = (await poisoned.headPosition())!;
        await expect(runner.applyUntil(head)).rejects.toThrow(/bill never, which was never issued/);
        expect(runner.status.lastError).toMatchObject({ eventType: 'BillPaymentApplied' });
        const stoppedAt = BigInt(runner.status.position!);
        expect(stoppedAt + 1n).toBe(BigInt(runner.status.lastError!.position!));

        // The reference, up to the same event, one statement per change.
        const expected = track(new SqliteReadModelDb(':memory:'));
        const ref = await rebuild(poisoned, expected, accountBalancesReference, 500, stoppedAt);
        expect(await dump(db, runner.table)).toEqual(await dump(expected, ref.table));
      } finally {
        await poisoned.close();
      }
    },
    60_000,
  );

  it('a whole batch (applyBatch) reads its rows in at most 3 statements, one per table, whatever the number of accounts', async () => {
    // The log's first half applied first; then the second half, in one counted batch.
    const all = await store.readAll({ maxCount: 100_000 });
    const half = Math.floor(all.length / 2);
    const [before, batch] = [all.slice(0, half), all.slice(half)];
    const accounts = new Set(batch.map((e) => e.streamId.slice(e.streamId.indexOf('-') + 1).split('@')[0]));
    expect(accounts.size).toBeGreaterThan(20);
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const db =
        dialect === 'sqlite'
          ? track(new SqliteReadModelDb(':memory:'))
          : track(new PostgresReadModelDb(await cluster.freshSchema()));
      const table = (name: string) => name;
      await accountBalancesProjection.setup(db, table);
      await db.transaction((tx) => accountBalancesProjection.applyBatch!(tx, before, table));
      const { reads, writes } = await db.transaction(async (tx) => {
        const counting = new CountingBatchDb(tx);
        await accountBalancesProjection.applyBatch!(counting, batch, table);
        const reads = counting.statements;
        await counting.flushBatches();
        return { reads, writes: counting.statements - reads };
      });
      expect(reads).toBeLessThanOrEqual(3);
      // PostgreSQL: one multi-row statement per table written.
      if (dialect === 'postgres') expect(writes).toBeLessThanOrEqual(4);
    }
    // And the tables equal the reference built event by event.
    const db = track(new SqliteReadModelDb(':memory:'));
    const table = (name: string) => name;
    await accountBalancesProjection.setup(db, table);
    await db.transaction((tx) => accountBalancesProjection.applyBatch!(tx, before, table));
    await db.transaction((tx) => accountBalancesProjection.applyBatch!(tx, batch, table));
    expect(await dump(db, table)).toEqual(reference);
  }, 60_000);

  it('a usage event costs at most 3 statements on SQLite, and a batch on PostgreSQL one read per account plus one write per table', async () => {
    // Everything but the usage events of the log's tail applied first; then those, in one counted batch.
    const all = await store.readAll({ maxCount: 100_000 });
    const tail = all.slice(-800);
    const usage = tail.filter((e) => e.type === 'ResourceConsumed');
    const before = [...all.slice(0, -800), ...tail.filter((e) => e.type !== 'ResourceConsumed')];
    const accounts = new Set(usage.map((e) => e.streamId.slice(0, e.streamId.indexOf('@'))));
    expect(usage.length).toBeGreaterThan(200);
    expect(usage.some((e) => (e.data as { fromGrants: unknown[] }).fromGrants.length > 0)).toBe(true);
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const db =
        dialect === 'sqlite'
          ? track(new SqliteReadModelDb(':memory:'))
          : track(new PostgresReadModelDb(await cluster.freshSchema()));
      const table = (name: string) => name;
      await accountBalancesProjection.setup(db, table);
      await db.transaction(async (tx) => {
        for (const event of before) await accountBalancesProjection.apply(tx, event, table);
      });
      const history = async () =>
        Number((await db.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM balance_history'))[0]!.n);
      const historyBefore = await history();
      const statements = await db.transaction(async (tx) => {
        const counting = new CountingBatchDb(tx);
        for (const event of usage) await accountBalancesProjection.apply(counting, event, table);
        await counting.flushBatches();
        return counting.statements;
      });
      if (dialect === 'sqlite') {
        expect(statements).toBeLessThanOrEqual(3 * usage.length);
      } else {
        // Reads: an account row and its grants, once per account; writes: accounts, history, grants.
        expect(statements).toBeLessThanOrEqual(2 * accounts.size + 3);
      }
      expect((await history()) - historyBefore).toBe(usage.length);
    }
  }, 60_000);
});
