import type { ReadName } from '../../projections/queries/read-models.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import type { TestApi } from './api.js';
import { ProjectionsRuntime } from '../../src/ops/projections/projections-runtime.js';

/** The in-process projections of a test API (started with the app; their host holds every lease). */
export function projectionsOf(api: TestApi): ProjectionsRuntime {
  return api.app.get(ProjectionsRuntime);
}

/**
 * Resolves once every in-process projection has applied the log up to its current head (read-your-writes,
 * through each runner's own `waitFor`); rejects with the projection's error if one stops at an event.
 */
export async function projectionsCaughtUp(api: TestApi): Promise<void> {
  const runtime = projectionsOf(api);
  const head = await api.store.headPosition();
  if (head === undefined) return;
  for (const projection of runtime.projections) {
    const runner = runtime.host?.runner(projection.name);
    if (!runner) throw new Error(`projection ${projection.name} is not running in this process`);
    await runner.waitFor(head);
  }
}

/** `billing_read_model_fallbacks_total{read}` as GET /metrics reports it. */
export async function fallbacks(api: TestApi, read: ReadName): Promise<number> {
  const metrics = await api.call('GET', '/metrics', undefined, { role: 'ops' });
  const line = String(metrics.body)
    .split('\n')
    .find((l) => l.startsWith(`billing_read_model_fallbacks_total{read="${read}"} `));
  if (!line) throw new Error(`no fallback metric for ${read} in /metrics`);
  return Number(line.split(' ')[1]);
}

/**
 * Keeps the read models from committing anything until `release()` (a transaction on their one SQLite
 * connection): the projections fall behind the log meanwhile, as a busy read-model database makes them.
 */
export function holdReadModels(api: TestApi): { release(): Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = api.projections.db.transaction(() => released);
  return {
    release: async () => {
      release();
      await held;
    },
  };
}

/**
 * Read-your-writes with the read models behind: `write` runs while they are held (they cannot apply what it
 * stores), then `read` starts; the hold ends `ms` later while the read is waiting. Resolves with the read.
 */
export async function writeThenRead<T>(
  api: TestApi,
  write: () => Promise<unknown>,
  read: () => Promise<T>,
  ms = 100,
): Promise<T> {
  const hold = holdReadModels(api);
  try {
    await write();
    const reading = read();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await hold.release();
    return await reading;
  } finally {
    await hold.release();
  }
}

/** The live table of a projection (`documents` → `documents_v2`). */
export async function liveTable(api: TestApi, projection: string, table: string): Promise<string> {
  const live = await new ProjectionRegistry(api.projections.db).liveBuild(projection);
  if (!live) throw new Error(`${projection} has no live build`);
  return ProjectionRegistry.tableName(table, live.build);
}

/** Waits until the projection's live build reports `state` (e.g. failed, after a poison event). */
export async function projectionReaches(api: TestApi, projection: string, state: string): Promise<void> {
  const registry = new ProjectionRegistry(api.projections.db);
  const deadline = Date.now() + 5000;
  while ((await registry.liveBuild(projection))?.state !== state) {
    if (Date.now() > deadline) throw new Error(`${projection} did not become ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until every read model has applied the whole log (nothing left to wait for). */
export async function readModelsCaughtUp(api: TestApi): Promise<void> {
  const head = await api.store.headPosition();
  if (head === undefined || !api.projections.host) return;
  for (const projection of api.projections.projections)
    await api.projections.host.runner(projection.name)?.waitFor(head, 10_000);
}
