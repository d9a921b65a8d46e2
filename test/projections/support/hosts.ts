import type { EventStore } from '../../../src/platform/event-store/event-store.port.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { ProjectionHost, type HostOptions } from '../../../projections/runner/projection-host.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';

/** Starts a host and waits until it holds and runs every projection. */
export async function startHost(
  store: EventStore,
  db: ReadModelDb,
  projections: Projection[],
  options: Partial<HostOptions> = {},
): Promise<ProjectionHost> {
  const host = new ProjectionHost(store, db, projections, { holder: 'test', retireGraceMs: 0, ...options });
  await host.start();
  for (const p of projections) if (!host.runner(p.name)) throw new Error(`${p.name} did not start`);
  return host;
}

/** Waits until every projection of the host has applied everything stored so far. */
export async function caughtUp(host: ProjectionHost, store: EventStore, projections: Projection[]) {
  const head = await store.headPosition();
  if (head === undefined) return;
  for (const p of projections) await host.runner(p.name)!.waitFor(head, 60_000);
}
