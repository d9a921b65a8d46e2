// Replay on PostgreSQL: rebuild account-balances from the month log on a throwaway PostgreSQL cluster and
// on SQLite, over the same prefix of the log, in the same run: is PostgreSQL within half of SQLite's rate?
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountBalancesProjection } from '../projections/account-balances.projection.js';
import { PostgresReadModelDb } from '../projections/runner/postgres-read-model-db.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import type { ReadModelDb } from '../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../projections/runner/sqlite-read-model-db.js';
import { monthLog } from './shared-log.js';
import { now, perSecond, profiled, ratio, scaled, secondsSince, workDir } from './support.js';

/** Events of the log rebuilt on both: PostgreSQL would take minutes over the whole month at scale 1. */
const PREFIX_EVENTS = scaled(250_000, 5_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: its tools run as `postgres` (or `nobody`) then. */
function asServerUser(): string[] {
  if (process.getuid?.() !== 0) return [];
  for (const user of ['postgres', 'nobody']) {
    if (spawnSync('id', ['-u', user]).status === 0) return ['runuser', '-u', user, '--'];
  }
  throw new Error('Running as root and no postgres or nobody user to run PostgreSQL as');
}

const run = (command: string[]) => execFileSync(command[0]!, command.slice(1), { stdio: 'pipe' });

/**
 * A throwaway local cluster (as the PostgreSQL tests start one), with fsync off: a rebuild is replayed
 * from the log anyway, and the SQLite side runs synchronous=NORMAL. PG_URL, when set, is used instead.
 */
async function startCluster(): Promise<{ url: string; stop: () => void }> {
  if (process.env.PG_URL) {
    const url = process.env.PG_URL;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const schema = `bench_${process.pid}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const scoped = new URL(url);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    return {
      url: scoped.toString(),
      stop: () => undefined,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  chmodSync(dir, 0o777);
  const as = asServerUser();
  const data = join(dir, 'data');
  const port = await freePort();
  run([...as, 'initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  run([
    ...as,
    'pg_ctl',
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run([...as, 'pg_ctl', '-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

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
  const cluster = await startCluster();
  try {
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
      const pgDb = new PostgresReadModelDb(cluster.url);
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
    cluster.stop();
    cleanup();
  }
}
