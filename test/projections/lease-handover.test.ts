import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import { ProjectionLease } from '../../projections/runner/projection-lease.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { openReadModelDb } from '../../src/ops/projections/projections-runtime.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { startWorker } from './support/worker-process.js';

const LEASE_TTL_MS = 1500;
const env = {
  WORKER_PROJECTIONS: 'applied-log',
  LEASE_TTL_MS: String(LEASE_TTL_MS),
  SLOW_APPLY_MS: '3',
  BATCH_SIZE: '20',
};

async function appendWork(store: SqliteEventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: 10 }, () => ({ id: randomUUID(), type: 'WorkDone', data: {} }));
    await store.append(`work-${i % 7}`, batch);
    await store.append('other-stream', [{ id: randomUUID(), type: 'Ignored', data: {} }]);
  }
}

async function appliedCount(db: ReadModelDb): Promise<number> {
  const row = await db
    .get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM applied_v1`)
    .catch(() => undefined);
  return Number(row?.n ?? 0);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the projection lease between two processes', () => {
  let dir: string;
  let cluster: PgCluster;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projection-lease-'));
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SQLite', () => join(dir, `read-models-${Date.now()}.sqlite`)],
    ['PostgreSQL', () => cluster.freshSchema()],
  ])(
    'on %s: one runs the projection, the other takes over from the checkpoint after a kill -9, nothing applied twice',
    async (_kind, target) => {
      const storePath = join(dir, `events-${Date.now()}.sqlite`);
      const store = SqliteEventStore.open({ path: storePath });
      const readModels = await target();
      const db = openReadModelDb(readModels);
      await appendWork(store, 300);

      const a = startWorker(storePath, readModels, 'instance-a', env);
      await a.waitForLine((line) => line === 'held applied-log');
      const b = startWorker(storePath, readModels, 'instance-b', env);
      await b.waitForLine((line) => line === 'started');
      await until(async () => (await appliedCount(db)) >= 60, 15_000, 'instance a to apply some events');
      expect(b.lines).not.toContain('held applied-log');
      expect(await ProjectionLease.holderOf(db, 'applied-log')).toMatchObject({ holder: 'instance-a' });

      await a.killHard();
      const killedAt = Date.now();
      const appliedByA = await appliedCount(db);
      await appendWork(store, 200);
      await b.waitForLine((line) => line === 'held applied-log', 15_000);
      const tookOverAfterMs = Date.now() - killedAt;
      const head = (await store.headPosition())!;
      const lastWork = (
        await store.readAll({ direction: 'backwards', maxCount: 1, filter: { streamPrefixes: ['work-'] } })
      )[0]!;
      // At the last work event or past it: the checkpoint also moves over the events the filter skips.
      await until(
        async () =>
          BigInt((await new ProjectionRegistry(db).build('applied-log', 1))?.position ?? -1) >=
          lastWork.position,
        20_000,
        'instance b to catch up',
      );

      // Every work event exactly once (the primary key refuses a second time), in log order, split between a then b.
      const rows = await db.all<{ position: string; holder: string }>(
        `SELECT position, holder FROM applied_v1 ORDER BY position`,
      );
      const expected = (await store.readAll({ filter: { streamPrefixes: ['work-'] } })).map((e) =>
        e.position.toString().padStart(20, '0'),
      );
      expect(rows.map((r) => r.position)).toEqual(expected);
      const firstOfB = rows.findIndex((r) => r.holder === 'instance-b');
      expect(firstOfB).toBe(appliedByA);
      expect(rows.slice(0, firstOfB).every((r) => r.holder === 'instance-a')).toBe(true);
      expect(rows.slice(firstOfB).every((r) => r.holder === 'instance-b')).toBe(true);
      // b took over once a's last renewal expired: not before, and not much later.
      expect(tookOverAfterMs).toBeGreaterThanOrEqual(LEASE_TTL_MS / 2);
      expect(tookOverAfterMs).toBeLessThan(LEASE_TTL_MS + 5_000);
      expect((await new ProjectionRegistry(db).build('applied-log', 1))!.state).toBe('live');
      expect(head).toBeGreaterThan(lastWork.position);

      await b.stop();
      // A graceful stop hands the lease back at once.
      expect(await ProjectionLease.holderOf(db, 'applied-log')).toBeUndefined();
      await db.close();
      await store.close();
    },
    60_000,
  );
});
