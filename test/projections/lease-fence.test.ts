import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../projections/runner/projection.js';
import { LeasedRunner } from '../../projections/runner/leased-runner.js';
import { ProjectionHost } from '../../projections/runner/projection-host.js';
import { ProjectionLease } from '../../projections/runner/projection-lease.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

/** Like the applied log, but instance A stalls inside its first batch until released (a long GC pause, say). */
function stallingLog(holder: string, stall?: Promise<void>, stalled?: () => void): Projection {
  let first = true;
  return {
    name: 'applied-log',
    version: 1,
    filter: { streamPrefixes: ['work-'] },
    async setup(db, table) {
      await db.run(
        `CREATE TABLE IF NOT EXISTS ${table('applied')} (position TEXT PRIMARY KEY, holder TEXT NOT NULL)`,
      );
    },
    async apply(db, event, table) {
      await db.run(`INSERT INTO ${table('applied')} (position, holder) VALUES ($1, $2)`, [
        event.position.toString().padStart(20, '0'),
        holder,
      ]);
      if (stall && first) {
        first = false;
        stalled?.();
        await stall;
      }
    },
  };
}

/** A pause a holder enters (`stalled`, awaited by `isStalled`) and stays in until `release`. */
function stallPoint() {
  let release!: () => void;
  let stalled!: () => void;
  const isStalled = new Promise<void>((resolve) => (stalled = resolve));
  const stall = new Promise<void>((resolve) => (release = resolve));
  return { stall, release, stalled, isStalled };
}

describe('the lease fence', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());

  it('on PostgreSQL: a holder stalled past its lease loses the batch it was applying; the new holder applies it once', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    for (let i = 0; i < 5; i++) {
      await store.append(
        `work-${i}`,
        [1, 2, 3, 4].map(() => ({ id: randomUUID(), type: 'WorkDone', data: {} })),
      );
    }
    const url = await cluster.freshSchema();
    const dbA = new PostgresReadModelDb(url);
    const dbB = new PostgresReadModelDb(url);
    const { stall, release, stalled, isStalled } = stallPoint();
    const options = { leaseTtlMs: 300, tickMs: 50, batchSize: 100, retireGraceMs: 0 };
    // a renews only by committing batches (its periodic renewal is far off): stalled, it renews nothing.
    const a = new ProjectionHost(store, dbA, [stallingLog('a', stall, stalled)], {
      ...options,
      tickMs: 60_000,
      holder: 'a',
    });
    await a.start();
    await isStalled;
    const b = new ProjectionHost(store, dbB, [stallingLog('b')], { ...options, holder: 'b' });
    const deadline = Date.now() + 10_000;
    await b.start();
    while (!b.runner('applied-log') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.holds('applied-log')).toBe(true);
    release();
    await b.runner('applied-log')!.waitFor((await store.headPosition())!);
    const rows = await dbB.all<{ holder: string }>(`SELECT holder FROM applied_v1 ORDER BY position`);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.holder === 'b')).toBe(true);
    expect(a.holds('applied-log')).toBe(false);
    expect(await ProjectionLease.holderOf(dbB, 'applied-log')).toMatchObject({ holder: 'b' });
    await a.stop();
    await b.stop();
    await dbA.close();
    await dbB.close();
    await store.close();
  }, 30_000);

  it('on PostgreSQL: a restarted instance takes its leases at once; the process it replaced, stalled in a batch, commits nothing', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    for (let i = 0; i < 5; i++) {
      await store.append(
        `work-${i}`,
        [1, 2, 3, 4].map(() => ({ id: randomUUID(), type: 'WorkDone', data: {} })),
      );
    }
    const url = await cluster.freshSchema();
    const dbA = new PostgresReadModelDb(url);
    const dbB = new PostgresReadModelDb(url);
    const { stall, release, stalled, isStalled } = stallPoint();
    // One instance name, two processes: the earlier one (a projector child its parent's death has not yet
    // reached) is in the middle of a batch with its lease far from expiry.
    const options = { leaseTtlMs: 60_000, tickMs: 50, batchSize: 100, retireGraceMs: 0, holder: 'svc-1' };
    const a = new ProjectionHost(store, dbA, [stallingLog('a', stall, stalled)], {
      ...options,
      tickMs: 60_000,
      leaseToken: '000001764720000000-a',
    });
    await a.start();
    await isStalled;
    const b = new ProjectionHost(store, dbB, [stallingLog('b')], {
      ...options,
      leaseToken: '000001764720000500-b',
    });
    await b.start();
    expect(b.holds('applied-log')).toBe(true); // at once: no waiting for the 60 s lease to expire
    release();
    await b.runner('applied-log')!.waitFor((await store.headPosition())!);
    // a's batch fails its fence and rolls back: every event applied once, by b.
    const rows = await dbB.all<{ holder: string }>(`SELECT holder FROM applied_v1 ORDER BY position`);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.holder === 'b')).toBe(true);
    const deadline = Date.now() + 10_000;
    while (a.holds('applied-log') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(a.holds('applied-log')).toBe(false);
    await a.stop();
    await b.stop();
    await dbA.close();
    await dbB.close();
    await store.close();
  }, 30_000);

  it('on PostgreSQL: a worker (LeasedRunner) stalled past its lease commits nothing; the new holder applies it once', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    await store.append(
      'work-1',
      [1, 2, 3, 4, 5, 6].map(() => ({ id: randomUUID(), type: 'WorkDone', data: {} })),
    );
    const url = await cluster.freshSchema();
    const dbA = new PostgresReadModelDb(url);
    const dbB = new PostgresReadModelDb(url);
    const { stall, release, stalled, isStalled } = stallPoint();
    // a tends its lease once and then stalls inside its first batch: nothing renews its lease.
    const a = new LeasedRunner(store, dbA, stallingLog('a', stall, stalled), {
      lease: { holder: 'a', ttlMs: 300 },
    });
    expect(await a.tend()).toBe(true);
    await isStalled;
    const b = new LeasedRunner(store, dbB, stallingLog('b'), { lease: { holder: 'b', ttlMs: 300 } });
    const deadline = Date.now() + 10_000;
    while (!(await b.tend()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(b.held).toBe(true);
    release();
    await b.runner.waitFor((await store.headPosition())!);
    const rows = await dbB.all<{ holder: string }>(`SELECT holder FROM applied_v1 ORDER BY position`);
    expect(rows.map((r) => r.holder)).toEqual(['b', 'b', 'b', 'b', 'b', 'b']);
    while (a.held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(a.held).toBe(false);
    await a.stop();
    await b.stop();
    await dbA.close();
    await dbB.close();
    await store.close();
  }, 30_000);
});
