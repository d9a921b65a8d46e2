import { ConfigError } from '../../platform/config/config.js';
import { loadProjectionsConfig, runsProjectorChild } from './projections-runtime.js';
import { loadWorkersConfig } from './workers-config.js';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('READ_MODEL_DB and WORKERS_DB: databases by scheme (the configuration schema)', () => {
  it.each(['mysql://x/y', 'http://db/read', 'postgres://', 'sqlite://file'])(
    'READ_MODEL_DB refuses %p rather than creating a file of that name',
    (target) => {
      expect(problemsOf(() => loadProjectionsConfig('/data', { READ_MODEL_DB: target }))).toEqual([
        `READ_MODEL_DB must be a SQLite file path or a postgres:// (postgresql://) URL (got '${target}')`,
      ]);
    },
  );

  it.each(['postgres://billing@db:5432/billing', 'postgresql://db/billing', './data/rm.sqlite', ':memory:'])(
    'READ_MODEL_DB takes %p',
    (target) => {
      expect(loadProjectionsConfig('/data', { READ_MODEL_DB: target }).readModelDb).toBe(target);
    },
  );

  it('WORKERS_DB takes only PostgreSQL (each worker a connection of its own)', () => {
    const lease = { holder: 'a', ttlMs: 15_000 };
    expect(
      problemsOf(() => loadWorkersConfig('/d', '/d/rm.sqlite', lease, { WORKERS_DB: 'mysql://x/y' })),
    ).toEqual(["WORKERS_DB must be a postgres:// (postgresql://) URL (got 'mysql://x/y')"]);
    expect(
      loadWorkersConfig('/d', '/d/rm.sqlite', lease, { WORKERS_DB: 'postgresql://db/w' }).databases.timelines,
    ).toBe('postgresql://db/w');
  });

  it('forks a projector child by default on an instance running everything, and only there', () => {
    const child = (env: NodeJS.ProcessEnv) => runsProjectorChild(loadProjectionsConfig('/data', env));
    expect(child({})).toBe(true);
    expect(child({ PROJECTOR: 'in-process' })).toBe(false);
    // No command path to take them off: a projections instance keeps them; a commands one runs none.
    expect(child({ SERVICE_ROLE: 'projections' })).toBe(false);
    expect(child({ SERVICE_ROLE: 'commands' })).toBe(false);
    expect(child({ PROJECTIONS: 'off' })).toBe(false);
  });

  it('reads the projections variables through the schema, defaults included', () => {
    expect(loadProjectionsConfig('/data', { INSTANCE_ID: 'a-1' })).toEqual({
      readModelDb: '/data/read-models.sqlite',
      role: 'all',
      run: true,
      projector: 'separate',
      holder: 'a-1',
      leaseTtlMs: 15_000,
      readyMaxLagSeconds: 60,
      readModelWaitMs: 2000,
    });
    expect(
      problemsOf(() =>
        loadProjectionsConfig('/data', {
          PROJECTIONS: 'sometimes',
          PROJECTION_LEASE_TTL_MS: '999',
          INSTANCE_ID: 'a b',
        }),
      ),
    ).toEqual([
      "PROJECTIONS must be one of run, off (got 'sometimes')",
      "INSTANCE_ID must be 1 to 200 visible characters (got 'a b')",
      "PROJECTION_LEASE_TTL_MS must be a whole number of milliseconds from 1000 to 3600000 (got '999')",
    ]);
  });
});

describe('SERVICE_ROLE: what an instance is for', () => {
  it('commands instances run no projection; projections and all instances do unless PROJECTIONS=off', () => {
    const runs = (env: NodeJS.ProcessEnv) => {
      const { role, run } = loadProjectionsConfig('/data', env);
      return { role, run };
    };
    expect(runs({ SERVICE_ROLE: 'commands' })).toEqual({ role: 'commands', run: false });
    expect(runs({ SERVICE_ROLE: 'commands', PROJECTIONS: 'off' })).toEqual({ role: 'commands', run: false });
    expect(runs({ SERVICE_ROLE: 'projections' })).toEqual({ role: 'projections', run: true });
    expect(runs({})).toEqual({ role: 'all', run: true });
    expect(runs({ PROJECTIONS: 'off' })).toEqual({ role: 'all', run: false });
  });

  it('refuses an unknown role, and PROJECTIONS=run on a commands instance', () => {
    expect(problemsOf(() => loadProjectionsConfig('/data', { SERVICE_ROLE: 'reads' }))).toEqual([
      "SERVICE_ROLE must be one of all, commands, projections (got 'reads')",
    ]);
    expect(
      problemsOf(() => loadProjectionsConfig('/data', { SERVICE_ROLE: 'commands', PROJECTIONS: 'run' })),
    ).toEqual([
      'PROJECTIONS=run contradicts SERVICE_ROLE=commands: a commands instance runs no projection (unset PROJECTIONS)',
    ]);
  });
});
