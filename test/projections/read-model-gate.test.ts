import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../projections/runner/projection.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { ReadModels, type ReadModelQuery } from '../../projections/queries/read-models.js';
import { startHost } from './support/hosts.js';

/** Counts events of `c-` streams; while `hold` is set, applying waits for it (a projection behind). */
function counter(control: { hold?: Promise<void> }, version = 1): Projection {
  return {
    name: 'counter',
    version,
    filter: { streamPrefixes: ['c-'] },
    async setup(db, table) {
      await db.run(
        `CREATE TABLE IF NOT EXISTS ${table('counted')} (id TEXT PRIMARY KEY, type TEXT NOT NULL)`,
      );
    },
    async apply(db, event, table) {
      await control.hold;
      if (event.type === 'Poison') throw new Error('cannot count poison');
      await db.run(`INSERT INTO ${table('counted')} (id, type) VALUES ($1, $2)`, [event.id, event.type]);
    },
  };
}

const counted: ReadModelQuery<number> = async (db, table) =>
  Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table('counted')}`))!.n);

describe('reads from read models wait for the log head of the request, or fall back to the log', () => {
  let store: SqliteEventStore;
  let db: SqliteReadModelDb;
  let host: ProjectionHost;
  let control: { hold?: Promise<void> };
  let release: () => void;

  const append = async (stream: string, type = 'Counted') =>
    store.append(stream, [{ id: randomUUID(), type, data: {} }]);
  const hold = () => {
    control.hold = new Promise<void>((resolve) => (release = resolve));
  };
  const readModels = (waitMs: number) => new ReadModels(store, db, { waitMs });
  const state = async () => (await new ReadModels(store, db).registry.liveBuild('counter'))?.state;
  const until = async (condition: () => Promise<boolean>) => {
    const deadline = Date.now() + 5000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const timed = async <T>(work: () => Promise<T>) => {
    const started = Date.now();
    const result = await work();
    return { result, ms: Date.now() - started };
  };

  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    control = {};
    host = await startHost(store, db, [counter(control)]);
    await until(async () => (await state()) === 'live');
  });
  afterEach(async () => {
    release?.();
    control.hold = undefined;
    await host.stop();
    await db.close();
    await store.close();
  });

  it('serves the read model once it has applied every event stored before the read', async () => {
    hold();
    await append('c-1');
    await append('c-2');
    const reads = readModels(5000);
    const read = reads.read('account-summary', counter(control), counted);
    let settled = false;
    void read.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false); // the projection has not applied the two events yet: the read waits
    release();
    expect(await read).toEqual({ served: true, value: 2 });
    expect(reads.fallbacksOf('account-summary')).toBe(0);
  });

  it('events the projection does not read are no reason to wait', async () => {
    await append('c-1');
    await until(async () => (await readModels(0).read('account-summary', counter(control), counted)).served);
    hold();
    for (let i = 0; i < 5; i++) await append(`other-${i}`);
    const reads = readModels(0);
    expect(await reads.read('account-summary', counter(control), counted)).toEqual({
      served: true,
      value: 1,
    });
    expect(await reads.read('account-summary', counter(control), counted)).toEqual({
      served: true,
      value: 1,
    });
    expect(reads.fallbacksOf('account-summary')).toBe(0);
  });

  it('falls back, and counts it, when the projection is still behind after the wait', async () => {
    hold();
    await append('c-1');
    const reads = readModels(150);
    const { result, ms } = await timed(() => reads.read('billing-report', counter(control), counted));
    expect(result).toMatchObject({ served: false });
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(reads.fallbacksOf('billing-report')).toBe(1);
    // Only the read that fell back is counted (GET /metrics shows them: src/ops/metrics/metrics.route.test.ts).
    expect(reads.fallbacksOf('account-summary')).toBe(0);
  });

  it('does not wait for a projection that failed: it falls back at once', async () => {
    await append('c-1', 'Poison');
    await until(async () => (await state()) === 'failed');
    const reads = readModels(5000);
    const { result, ms } = await timed(() => reads.read('account-documents', counter(control), counted));
    expect(result).toMatchObject({ served: false, reason: expect.stringContaining('failed') });
    expect(ms).toBeLessThan(1000);
    expect(reads.fallbacksOf('account-documents')).toBe(1);
  });

  it('a stopped projection serves while it is caught up, and is not waited for once it is behind', async () => {
    await append('c-1');
    await until(async () => (await readModels(0).read('account-summary', counter(control), counted)).served);
    await host.stop();
    const reads = readModels(5000);
    expect(await reads.read('account-summary', counter(control), counted)).toEqual({
      served: true,
      value: 1,
    });
    await append('c-2');
    const { result, ms } = await timed(() => reads.read('account-summary', counter(control), counted));
    expect(result).toMatchObject({ served: false });
    expect(ms).toBeLessThan(1000);
  });

  it('does not read a live build made by other code (a rebuild for the new code is under way)', async () => {
    await append('c-1');
    const reads = readModels(5000);
    const { result, ms } = await timed(() => reads.read('account-summary', counter(control, 2), counted));
    expect(result).toMatchObject({ served: false, reason: expect.stringContaining('code version 2') });
    expect(ms).toBeLessThan(1000);
  });
});
