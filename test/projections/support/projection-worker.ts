/**
 * A separate app instance for the crash and lease tests: runs a projection host until killed.
 * argv: <event store path> <read-model db: path or postgres URL> <holder>
 * env: WORKER_PROJECTIONS=all|applied-log, WORKER_ONLY=<names>, LEASE_TTL_MS, BATCH_SIZE, SLOW_APPLY_MS (busy time per event,
 * so a SIGKILL lands inside a batch's transaction).
 * Prints `held <projection>` when it takes a lease and `position <n>` as checkpoints move.
 */
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { allProjections } from '../../../projections/all-projections.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { ProjectionHost } from '../../../projections/runner/projection-host.js';
import { openReadModelDb } from '../../../src/ops/projections/projections-runtime.js';
import { appliedLogProjection } from './applied-log.projection.js';

const [storePath, target, holder] = process.argv.slice(2) as [string, string, string];
const slowMs = Number(process.env.SLOW_APPLY_MS ?? 0);

/** Burns CPU inside apply: the transaction stays open while it does, unlike a timer. */
const slow = (projection: Projection): Projection => ({
  ...projection,
  apply(db, event, table) {
    const until = performance.now() + slowMs;
    while (performance.now() < until);
    return projection.apply(db, event, table);
  },
});

const projections =
  process.env.WORKER_PROJECTIONS === 'applied-log'
    ? [appliedLogProjection(holder, slowMs)]
    : allProjections()
        .filter((p) => !process.env.WORKER_ONLY || process.env.WORKER_ONLY.split(',').includes(p.name))
        .map((p) => (slowMs > 0 ? slow(p) : p));

const store = SqliteEventStore.open({ path: storePath, pollIntervalMs: 20 });
const db = openReadModelDb(target);
const host = new ProjectionHost(store, db, projections, {
  holder,
  leaseTtlMs: Number(process.env.LEASE_TTL_MS ?? 15_000),
  tickMs: Number(process.env.TICK_MS ?? 100),
  batchSize: Number(process.env.BATCH_SIZE ?? 100),
  log: (message) => {
    const taken = /^projection (\S+): lease taken/.exec(message);
    if (taken) process.stdout.write(`held ${taken[1]}\n`);
  },
});

await host.start();
process.stdout.write('started\n');
let last = '';
setInterval(() => {
  const positions = projections.map((p) => host.runner(p.name)?.status.position ?? '-').join(',');
  if (positions !== last) process.stdout.write(`position ${positions}\n`);
  last = positions;
}, 10);
process.on('SIGTERM', () => {
  void host.stop().then(async () => {
    await db.close();
    await store.close();
    process.exit(0);
  });
});
