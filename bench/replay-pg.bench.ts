// Replay on PostgreSQL: rebuild account-balances from the month log on a throwaway PostgreSQL cluster and
// on SQLite, over the same prefix of the log, in the same run: is PostgreSQL within half of SQLite's rate?
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountBalancesProjection } from '../projections/account-balances.projection.js';
import { PostgresReadModelDb } from '../projections/runner/postgres-read-model-db.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import type { ReadModelDb } from '../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../projections/runner/sqlite-read-model-db.js';
// The throwaway cluster the PostgreSQL tests start (fsync off: a rebuild is replayed from the log anyway; the
// SQLite side runs synchronous=NORMAL). PG_URL, when set, is used instead.
import { startPgCluster } from '../test/projections/support/pg-cluster.js';
import { monthLog } from './shared-log.js';
import { now, perSecond, profiled, ratio, scaled, secondsSince, workDir } from './support.js';

/** Events of the log rebuilt on both: PostgreSQL would take minutes over the whole month at scale 1. */
const PREFIX_EVENTS = scaled(250_000, 5_000);

/** Builds account-balances from nothing up to `until`, in the runner's batches (one transaction each). */
async function rebuild(store: SqliteEventStore, db: ReadModelDb, until: bigint) {
  const started = now();
  const runner = new ProjectionRunner(store, db, accountBalancesProjection);
  await runner.prepare();
  await runner.applyUntil(until);
  const seconds = secondsSince(started);
  return { applied: runner.status.eventsApplied, seconds };
}

export async function measureReplayPg() {
  const { dir, cleanup } = workDir();
  const cluster = await startPgCluster();
  try {
    const url = await cluster.freshSchema();
    const { dir: logDir } = await monthLog(dir);
    const store = SqliteEventStore.open({ path: join(logDir, 'events.sqlite') });
    try {
      const head = (await store.headPosition())!;
      const until = BigInt(PREFIX_EVENTS) < head ? BigInt(PREFIX_EVENTS) : head;
      const sqlitePath = join(dir, 'replay-pg-sqlite.sqlite');
      const sqliteDb = new SqliteReadModelDb(sqlitePath);
      const sqlite = await profiled('replay-pg-sqlite', () => rebuild(store, sqliteDb, until));
      await sqliteDb.close();
      rmSync(sqlitePath, { force: true });
      const pgDb = new PostgresReadModelDb(url);
      const postgres = await profiled('replay-pg-postgres', () => rebuild(store, pgDb, until));
      await pgDb.close();
      if (postgres.applied !== sqlite.applied) {
        throw new Error(`PostgreSQL applied ${postgres.applied} events, SQLite ${sqlite.applied}`);
      }
      const pgPerSec = perSecond(postgres.applied, postgres.seconds);
      const sqlitePerSec = perSecond(sqlite.applied, sqlite.seconds);
      return {
        method:
          `account-balances rebuilt from nothing over the first ${until} events of the month log, by the ` +
          `projection runner in batches of 500 (one transaction each, checkpoint included), on a local ` +
          `PostgreSQL 15 (fsync off) and on a SQLite file (WAL, synchronous=NORMAL), one after the other`,
        events: postgres.applied,
        pgBalancesEventsPerSec: pgPerSec,
        sqliteBalancesEventsPerSec: sqlitePerSec,
        pgToSqliteRatio: ratio(pgPerSec, sqlitePerSec),
        pgSeconds: Math.round(postgres.seconds * 10) / 10,
        sqliteSeconds: Math.round(sqlite.seconds * 10) / 10,
      };
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
    cleanup();
  }
}
