import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { allProjections } from '../../projections/all-projections.js';
import { processLeaseToken } from '../../projections/runner/projection-lease.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { openReadModelDb } from '../../src/ops/projections/projections-runtime.js';
import { dumpReadModels, type Dump } from './support/dump.js';
import { generateHistory } from './support/history.js';
import { caughtUp, startHost } from './support/hosts.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { startWorker } from './support/worker-process.js';

const projections = allProjections();
const HOLDER = 'instance-1';

/** Sum of checkpoints, to see a restarted worker make progress. */
async function progress(db: ReadModelDb): Promise<bigint> {
  const builds = await new ProjectionRegistry(db).builds();
  return builds.reduce((sum, b) => sum + BigInt(b.position ?? 0), 0n);
}

describe('a crash in the middle of a batch', () => {
  let dir: string;
  let storePath: string;
  let reference: Dump;
  let cluster: PgCluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projection-crash-'));
    storePath = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open({ path: storePath });
    await generateHistory(store, { accounts: 16, months: 3, stepsPerMonth: 5 });
    const db = new SqliteReadModelDb(':memory:');
    const host = await startHost(store, db, projections);
    await caughtUp(host, store, projections);
    reference = await dumpReadModels(db, projections);
    await host.stop();
    await db.close();
    await store.close();
    cluster = await startPgCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SQLite', () => join(dir, `read-models-${Date.now()}.sqlite`)],
    ['PostgreSQL', () => cluster.freshSchema()],
  ])(
    'on %s: killing the instance with SIGKILL mid-batch, again and again, ends with the same read models',
    async (_kind, target) => {
      const readModels = await target();
      const db = openReadModelDb(readModels);
      let kills = 0;
      // Each apply busy-waits, so a batch of 50 keeps its transaction open for tens of milliseconds.
      for (let round = 0; round < 3; round++) {
        const before = await progress(db).catch(() => 0n);
        const worker = startWorker(storePath, readModels, HOLDER, { SLOW_APPLY_MS: '0.5', BATCH_SIZE: '50' });
        await worker.waitForLine((line) => line === 'started');
        const deadline = Date.now() + 15_000;
        while ((await progress(db)) <= before && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 30 + round * 40));
        await worker.killHard();
        kills++;
      }
      expect(kills).toBe(3);
      const store = SqliteEventStore.open({ path: storePath });
      const mid = await progress(db);
      // The killed instance comes back (same instance id, so it takes its own lease at once) and finishes:
      // a process started after the killed ones, as a restart is.
      const host = await startHost(store, db, projections, {
        holder: HOLDER,
        leaseToken: processLeaseToken(),
      });
      await caughtUp(host, store, projections);
      // The kills left work undone (they landed during catch-up, not after it)…
      expect(mid).toBeGreaterThan(0n);
      expect(mid).toBeLessThan(await progress(db));
      // …and finishing it gives exactly what an uninterrupted run gives.
      expect(await dumpReadModels(db, projections)).toEqual(reference);
      await host.stop();
      await db.close();
      await store.close();
    },
    60_000,
  );
});
