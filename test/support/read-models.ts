import { ProjectionsRuntime } from '../../src/ops/projections/projections-runtime.js';
import type { TestApi } from './api.js';

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
