import { ConfigError } from '../../platform/config/config.js';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { loadProjectionsConfig, ProjectionsRuntime } from './projections-runtime.js';

describe('READ_MODEL_WAIT_MS', () => {
  it('defaults to 2000 ms and takes any whole number of milliseconds from 0 to 60000', () => {
    expect(loadProjectionsConfig('/data', {}).readModelWaitMs).toBe(2000);
    expect(loadProjectionsConfig('/data', { READ_MODEL_WAIT_MS: '0' }).readModelWaitMs).toBe(0);
    expect(loadProjectionsConfig('/data', { READ_MODEL_WAIT_MS: ' 60000 ' }).readModelWaitMs).toBe(60000);
  });

  it.each(['-1', '1.5', 'soon', '1e3', '60001'])('refuses %p, naming the variable and the value', (value) => {
    let error: unknown;
    try {
      loadProjectionsConfig('/data', { READ_MODEL_WAIT_MS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `READ_MODEL_WAIT_MS must be a whole number of milliseconds from 0 to 60000 (got '${value}')`,
    ]);
  });

  it('is how long the reads of the runtime wait for their read models', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const config = loadProjectionsConfig('/data', {
      READ_MODEL_DB: ':memory:',
      PROJECTIONS: 'off',
      READ_MODEL_WAIT_MS: '250',
    });
    const runtime = ProjectionsRuntime.open(store, config, () => undefined);
    try {
      expect(runtime.readModels.waitMs).toBe(250);
    } finally {
      await runtime.close();
      await store.close();
    }
  });
});
