import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import type { EventStore } from '../../platform/event-store/event-store.port.js';
import type { Projection } from '../../../projections/runner/projection.js';
import type { ProjectionHost } from '../../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { caughtUp, startHost } from '../../../test/projections/support/hosts.js';
import { ProjectionOperations } from './projection-operations.js';

/** Counts the events of `c-` streams: every other stream is outside its filter. */
const counter: Projection = {
  name: 'counter',
  version: 1,
  filter: { streamPrefixes: ['c-'] },
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('counts')} (n INTEGER NOT NULL)`);
  },
  async apply(db, _event, table) {
    await db.run(`INSERT INTO ${table('counts')} (n) VALUES (1)`);
  },
};

describe('the lag ops and /ready report', () => {
  let store: SqliteEventStore;
  let db: SqliteReadModelDb;
  let host: ProjectionHost | undefined;
  /** The log reads the status makes (the store as ProjectionOperations sees it). */
  let reads: number;
  let ops: ProjectionOperations;

  beforeEach(() => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    reads = 0;
    const counted = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'readAll')
          return (...args: Parameters<EventStore['readAll']>) => (reads++, target.readAll(...args));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    ops = new ProjectionOperations(counted, db, [counter]);
  });
  afterEach(async () => {
    await host?.stop();
    await db.close();
    await store.close();
  });

  const append = async (stream: string, count: number) => {
    for (let i = 0; i < count; i++)
      await store.append(stream, [{ id: randomUUID(), type: 'Counted', data: {} }]);
  };

  it('at the head: lag 0 without reading the log', async () => {
    await append('x-other', 20);
    await append('c-1', 10);
    host = await startHost(store, db, [counter], { tickMs: 20 });
    await caughtUp(host, store, [counter]);
    const status = (await ops.statusOf('counter'))!;
    expect(status).toMatchObject({ state: 'live', lagPositions: 0, lagSeconds: 0 });
    expect(status.position).toBe(status.head);
    expect(reads).toBe(0);
  });

  it('behind: counted from the next event its filter wants, events it skips before that not counted', async () => {
    await append('c-1', 10);
    host = await startHost(store, db, [counter], { tickMs: 20 });
    await caughtUp(host, store, [counter]);
    await host.stop();
    host = undefined;
    // Appended while nothing projects: 5 it skips, then 3 it wants.
    await append('x-other', 5);
    await append('c-2', 3);
    const status = (await ops.statusOf('counter'))!;
    expect(status.lagPositions).toBe(3);
    expect(reads).toBe(1);
  });
});
