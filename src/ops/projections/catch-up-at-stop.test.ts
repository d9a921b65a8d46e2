import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHistory } from '../../../test/projections/support/history.js';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { ProjectionOperations } from './projection-operations.js';
import { loadProjectionsConfig, ProjectionsRuntime } from './projections-runtime.js';

/**
 * The projector child reads what the service appends through the log file, not as the service's own
 * appends: at a graceful stop (the service's last append done) it takes the log in up to the head before
 * it commits and hands its leases back — else the next instance starts behind (graceful-shutdown.e2e).
 */
describe('a projector stopping gracefully catches up to the head first', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'catch-up-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every read model it runs stops at the head of what another process appended just before', async () => {
    const path = join(dir, 'events.sqlite');
    const projectorStore = SqliteEventStore.open({ path });
    const serviceStore = SqliteEventStore.open({ path });
    const runtime = ProjectionsRuntime.open(
      projectorStore,
      loadProjectionsConfig(dir, { PROJECTOR: 'in-process', INSTANCE_ID: 'projector' }),
    );
    await runtime.start();
    // The service's last appends, seen by the projector only through the shared file.
    await generateHistory(serviceStore, { accounts: 6, months: 2, stepsPerMonth: 4, seed: 5 });
    const head = (await serviceStore.headPosition())!;
    await runtime.catchUpToHead(30_000);
    await runtime.close();
    await projectorStore.close();

    const readModels = new SqliteReadModelDb(join(dir, 'read-models.sqlite'));
    const status = await new ProjectionOperations(serviceStore, readModels, runtime.projections).status();
    await readModels.close();
    await serviceStore.close();
    const projections = status.filter((r) => r.kind === 'projection');
    expect(projections.length).toBeGreaterThan(0);
    for (const report of projections)
      expect({ name: report.name, state: report.state, lag: report.lagPositions }).toEqual({
        name: report.name,
        state: 'stopped',
        lag: 0,
      });
    expect(projections.find((r) => r.name === 'account-balances')!.position).toBe(head.toString());
  }, 60_000);
});
