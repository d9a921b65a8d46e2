import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { allProjections } from '../../projections/all-projections.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ProjectionOperations } from '../../src/ops/projections/projection-operations.js';
import { dumpReadModels, rowCounts, type Dump } from './support/dump.js';
import { generateHistory } from './support/history.js';
import { caughtUp, startHost } from './support/hosts.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

const projections = allProjections();

describe('projections are deterministic: a rebuild from scratch equals live processing', () => {
  let cluster: PgCluster;
  let store: SqliteEventStore;
  const dbs: ReadModelDb[] = [];
  const hosts: ProjectionHost[] = [];
  let liveSqlite: SqliteReadModelDb;
  let livePg: PostgresReadModelDb;
  let liveSqliteHost: ProjectionHost;
  let reference: Dump;
  let eventCount = 0;

  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);
  const host = async (db: ReadModelDb, batchSize: number) => {
    const started = await startHost(store, db, projections, { batchSize, holder: `host-${hosts.length}` });
    hosts.push(started);
    return started;
  };

  beforeAll(async () => {
    cluster = await startPgCluster();
    store = SqliteEventStore.open({ path: ':memory:' });
    liveSqlite = track(new SqliteReadModelDb(':memory:'));
    livePg = track(new PostgresReadModelDb(await cluster.freshSchema()));
    // Live: small batches applied while the history is being written.
    liveSqliteHost = await host(liveSqlite, 20);
    const livePgHost = await host(livePg, 20);
    await generateHistory(store, { accounts: 36, months: 4, stepsPerMonth: 6 });
    await caughtUp(liveSqliteHost, store, projections);
    await caughtUp(livePgHost, store, projections);
    eventCount = Number(await store.headPosition());
    reference = await dumpReadModels(liveSqlite, projections);
  }, 180_000);

  afterAll(async () => {
    for (const h of hosts) await h.stop();
    for (const db of dbs) await db.close();
    await store?.close();
    await cluster?.stop();
  });

  it('generates a history of thousands of events that fills every read model', () => {
    expect(eventCount).toBeGreaterThan(2000);
    const counts = rowCounts(reference);
    for (const table of [
      'account-balances/balance_accounts',
      'account-balances/balance_history',
      'account-balances/balance_grants',
      'account-balances/balance_bills',
      'account-status/account_status_history',
      'account-status/account_list',
      'deadlines/account_deadlines',
      'documents/documents',
      'document-registers/document_register',
      'document-registers/document_register_totals',
      'billing-report/billing_report_daily',
      'account-status/refunds',
      'account-status/refund_parts',
    ]) {
      expect({ table, rows: counts[table]! > 0 }).toEqual({ table, rows: true });
    }
  });

  it('on SQLite: a from-scratch rebuild in large batches equals live processing', async () => {
    const fresh = track(new SqliteReadModelDb(':memory:'));
    const rebuilt = await host(fresh, 500);
    await caughtUp(rebuilt, store, projections);
    expect(await dumpReadModels(fresh, projections)).toEqual(reference);
  });

  it('on PostgreSQL: live processing and a from-scratch rebuild both equal the SQLite read models', async () => {
    expect(await dumpReadModels(livePg, projections)).toEqual(reference);
    const fresh = track(new PostgresReadModelDb(await cluster.freshSchema()));
    const rebuilt = await host(fresh, 500);
    await caughtUp(rebuilt, store, projections);
    expect(await dumpReadModels(fresh, projections)).toEqual(reference);
  });

  it('a blue/green replay of every projection finds the new builds identical and switches to them', async () => {
    const ops = new ProjectionOperations(store, liveSqlite, projections);
    const before = await ops.list();
    const requests = await ops.requestReplayAll('test');
    await liveSqliteHost.tick();
    await liveSqliteHost.settled();
    for (const request of requests) {
      const done = (await ops.request(request.id))!;
      expect(done).toMatchObject({ state: 'done', detail: { comparison: { identical: true } } });
    }
    const after = await ops.list();
    for (const [i, p] of after.entries()) expect(p.liveBuild).toBe(before[i]!.liveBuild! + 1);
    // Readers see the same content under the new builds; the old builds' tables are gone.
    expect(await dumpReadModels(liveSqlite, projections)).toEqual(reference);
    const leftovers = await liveSqlite.all<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1`,
      [`balance_accounts_v${before[0]!.liveBuild}`],
    );
    expect(leftovers).toEqual([]);
  });
});
