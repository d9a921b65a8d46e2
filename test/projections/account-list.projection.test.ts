import { accountStatusProjection } from '../../projections/account-status.projection.js';
import {
  accountListPage,
  type AccountListFilters,
  type AccountListRow,
} from '../../projections/queries/account-list.query.js';
import { queryFromLog } from '../../projections/queries/from-log.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { generateHistory } from './support/history.js';
import { caughtUp, startHost } from './support/hosts.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

const projections = [accountStatusProjection];

/**
 * The account list (account-status's `account_list`) on SQLite and PostgreSQL, processed live, equals the
 * log folded from scratch by the same code; and its SQL filters and keyset pages agree with filtering and
 * paging the whole list in TypeScript, on both databases.
 */
describe('the account list read model', () => {
  let cluster: PgCluster;
  let store: SqliteEventStore;
  let sqlite: SqliteReadModelDb;
  let pg: PostgresReadModelDb;
  const hosts: ProjectionHost[] = [];
  let whole: AccountListRow[];

  const page = async (
    db: ReadModelDb,
    filters: AccountListFilters,
    after: string | undefined,
    limit: number,
  ) => {
    const live = await new ProjectionRegistry(db).liveBuild('account-status');
    return accountListPage(
      filters,
      after,
      limit,
    )(db, (name) => ProjectionRegistry.tableName(name, live!.build));
  };
  const walk = async (db: ReadModelDb, filters: AccountListFilters, limit: number) => {
    const rows: AccountListRow[] = [];
    let after: string | undefined;
    for (;;) {
      const next = await page(db, filters, after, limit);
      rows.push(...next.rows);
      if (!next.more) return rows;
      after = next.rows.at(-1)!.accountId;
    }
  };

  beforeAll(async () => {
    cluster = await startPgCluster();
    store = SqliteEventStore.open({ path: ':memory:' });
    sqlite = new SqliteReadModelDb(':memory:');
    pg = new PostgresReadModelDb(await cluster.freshSchema());
    hosts.push(await startHost(store, sqlite, projections, { batchSize: 20, holder: 'sqlite' }));
    hosts.push(await startHost(store, pg, projections, { batchSize: 20, holder: 'pg' }));
    await generateHistory(store, { accounts: 18, months: 3, stepsPerMonth: 5 });
    for (const host of hosts) await caughtUp(host, store, projections);
    whole = (await page(sqlite, {}, undefined, 500)).rows;
  }, 180_000);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
    await sqlite?.close();
    await pg?.close();
    await store?.close();
    await cluster?.stop();
  });

  it('live on SQLite, live on PostgreSQL and rebuilt from the log: the same rows', async () => {
    expect(whole).toHaveLength(18);
    expect(new Set(whole.map((r) => r.status)).size).toBeGreaterThan(1);
    expect(whole.some((r) => r.debt !== '0')).toBe(true);
    expect((await page(pg, {}, undefined, 500)).rows).toEqual(whole);
    expect(
      (await queryFromLog(store, accountStatusProjection, accountListPage({}, undefined, 500))).rows,
    ).toEqual(whole);
  });

  it('each row agrees with the account-status table and the summary’s balance', async () => {
    const live = await new ProjectionRegistry(sqlite).liveBuild('account-status');
    const table = (name: string) => ProjectionRegistry.tableName(name, live!.build);
    for (const row of whole) {
      const status = await sqlite.get<{ status: string; since: string }>(
        `SELECT status, since FROM ${table('account_status')} WHERE account_id = $1`,
        [row.accountId],
      );
      expect([row.accountId, row.status, row.statusSince]).toEqual([
        row.accountId,
        status!.status,
        new Date(status!.since).toISOString(),
      ]);
      const summary = await sqlite.get<{ ledger: string }>(
        `SELECT ledger FROM ${table('account_summary')} WHERE account_id = $1`,
        [row.accountId],
      );
      const balance = JSON.parse(summary!.ledger).carried.balance as string;
      expect([row.accountId, row.balance]).toEqual([row.accountId, balance]);
      expect([row.accountId, row.debt]).toEqual([
        row.accountId,
        balance.startsWith('-') ? balance.slice(1) : '0',
      ]);
    }
  });

  it('every filter, alone and combined, selects in SQL what filtering the whole list selects — on both databases, in pages of 4', async () => {
    const sinces = whole.map((r) => r.statusSince).sort();
    const middle = sinces[Math.floor(sinces.length / 2)]!;
    const cases: Array<[AccountListFilters, (r: AccountListRow) => boolean]> = [
      [{}, () => true],
      ...[...new Set(whole.map((r) => r.status))].map(
        (s): [AccountListFilters, (r: AccountListRow) => boolean] => [
          { statuses: [s] },
          (r) => r.status === s,
        ],
      ),
      [{ statuses: ['frozen', 'suspended'] }, (r) => r.status === 'frozen' || r.status === 'suspended'],
      [{ hasDebt: true }, (r) => r.debt !== '0'],
      [{ hasDebt: false }, (r) => r.debt === '0'],
      [{ region: 'kz' }, (r) => r.region === 'kz'],
      [{ payerType: 'individual' }, (r) => r.payerType === 'individual'],
      [{ profileId: 'yc-legal-credit' }, (r) => r.profileId === 'yc-legal-credit'],
      [{ statusSince: middle }, (r) => r.statusSince >= middle],
      [{ statusBefore: middle }, (r) => r.statusSince < middle],
      [{ idPrefix: 'acc-01' }, (r) => r.accountId.startsWith('acc-01')],
      [
        { region: 'ru-moscow', hasDebt: false, statusBefore: middle },
        (r) => r.region === 'ru-moscow' && r.debt === '0' && r.statusSince < middle,
      ],
    ];
    for (const [filters, keep] of cases) {
      const expected = whole.filter(keep).map((r) => r.accountId);
      for (const [name, db] of [
        ['sqlite', sqlite],
        ['postgres', pg],
      ] as const)
        expect({ name, filters, ids: (await walk(db, filters, 4)).map((r) => r.accountId) }).toEqual({
          name,
          filters,
          ids: expected,
        });
    }
  });

  it('account ids order byte-wise on both databases (COLLATE "C" on PostgreSQL, whatever the cluster’s locale)', async () => {
    // Ids chosen so that a linguistic collation (which skips punctuation, folds case) would order them otherwise.
    const ids = ['A-z', 'a-b', 'a.c', 'ab', 'a_b', 'Z1'];
    for (const db of [sqlite, pg]) {
      const live = await new ProjectionRegistry(db).liveBuild('account-status');
      const table = ProjectionRegistry.tableName('account_list', live!.build);
      for (const id of ids)
        await db.run(
          `INSERT INTO ${table} (account_id, status, status_since, profile_id, region, payer_type, currency,
             balance, debt, has_debt, opened_at)
           VALUES ($1, 'active', '2026-01-01T00:00:00.000Z', 'p', 'zz', 'individual', 'RUB', '0', '0', 0, '2026-01-01T00:00:00.000Z')`,
          [id],
        );
      if (db.dialect === 'postgres') {
        // This cluster's own locale may well be C already: the column must say so itself.
        const column = await db.get<{ collation_name: string | null }>(
          `SELECT collation_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'account_id'`,
          [table],
        );
        expect(column?.collation_name).toBe('C');
      }
      const listed = (await walk(db, { region: 'zz' }, 2)).map((r) => r.accountId);
      expect({ dialect: db.dialect, listed }).toEqual({ dialect: db.dialect, listed: [...ids].sort() });
      await db.run(`DELETE FROM ${table} WHERE region = 'zz'`);
    }
  });
});
