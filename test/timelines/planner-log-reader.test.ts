import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { SharedLogReader } from '../../projections/runner/shared-log-reader.js';
import { wireTimelines } from '../../src/bootstrap.js';
import type { ProjectionsRuntime } from '../../src/ops/projections/projections-runtime.js';
import { buildEngine, individualPrepaid } from '../support/engine.js';

/**
 * Issue 18 (the command path): where no read model runs in the process (PROJECTOR=separate, the default, or
 * PROJECTIONS=off), the planner reads the log alone, filtered by the store, instead of through the process's
 * shared reader, which read and decoded every event — every charge — for it alone. With the read models in
 * the process it reads with them, as before. Either way it plans the same deadlines.
 */
describe('the timeline planner and the shared log reader', () => {
  const start = '2026-03-02T09:00:00.000Z';

  async function plannerOn(shares: 'default' | 'with-read-models-here' | 'told-to-share') {
    const built = await buildEngine({ start });
    const db = new SqliteReadModelDb(':memory:');
    const timelines =
      shares === 'with-read-models-here'
        ? wireTimelines(
            built.context,
            {
              eventStore: built.store,
              clock: built.clock,
              profiles: built.profiles,
              // The read models' host runs in this process (PROJECTOR=in-process).
              projections: { host: {} } as unknown as ProjectionsRuntime,
            },
            { timelines: db },
          )
        : built.timelines(
            { timelines: db },
            shares === 'told-to-share' ? { plannerSharesLogReader: true } : {},
          );
    await timelines.start();
    await built.open(individualPrepaid('acc-1', start));
    await timelines.settle();
    const planned = (await timelines.pending('acc-1')).map((deadline) => deadline.kind);
    const consumers = SharedLogReader.of(built.store).consumers;
    await timelines.stop();
    await built.close();
    await db.close();
    return { planned, consumers };
  }

  it('reads alone where no read model runs in the process, and plans the period close', async () => {
    const { planned, consumers } = await plannerOn('default');
    expect(consumers).toBe(0);
    expect(planned).toContain('period-close');
  });

  it('reads with the read models where their host runs in the process', async () => {
    const { planned, consumers } = await plannerOn('with-read-models-here');
    expect(consumers).toBe(1);
    expect(planned).toContain('period-close');
  });

  it('shares the reader when told to, and plans the same deadlines as alone', async () => {
    const shared = await plannerOn('told-to-share');
    const alone = await plannerOn('default');
    expect(shared.consumers).toBe(1);
    expect(shared.planned).toEqual(alone.planned);
  });
});
