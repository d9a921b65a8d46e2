import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { ProjectionOperations } from '../../src/ops/projections/projection-operations.js';
import { startHost } from './support/hosts.js';

interface CounterOptions {
  version?: number;
  /** Lets a test hold the rebuild (any build but the first) at its first event. */
  gate?: Promise<void>;
  /** Makes an event poison in rebuilt builds only. */
  poisonInRebuild?: string;
}

/** Counts events per stream. Version 2 also keeps the last event type (a schema change). */
function counter({ version = 1, gate, poisonInRebuild }: CounterOptions = {}): Projection {
  return {
    name: 'counter',
    version,
    filter: { streamPrefixes: ['c-'] },
    async setup(db, table) {
      await db.run(
        `CREATE TABLE IF NOT EXISTS ${table('counts')} (stream TEXT PRIMARY KEY, n INTEGER NOT NULL${version > 1 ? ', last_type TEXT' : ''})`,
      );
    },
    async apply(db, event, table) {
      const rebuilt = !table('counts').endsWith('_v1');
      if (rebuilt && gate) await gate;
      if (rebuilt && event.type === poisonInRebuild) throw new Error(`cannot count ${event.type}`);
      await db.run(
        version > 1
          ? `INSERT INTO ${table('counts')} (stream, n, last_type) VALUES ($1, 1, $2)
             ON CONFLICT (stream) DO UPDATE SET n = ${table('counts')}.n + 1, last_type = excluded.last_type`
          : `INSERT INTO ${table('counts')} (stream, n) VALUES ($1, 1)
             ON CONFLICT (stream) DO UPDATE SET n = ${table('counts')}.n + 1`,
        version > 1 ? [event.streamId, event.type] : [event.streamId],
      );
    },
  };
}

describe('blue/green rebuilds', () => {
  let store: SqliteEventStore;
  let db: ReadModelDb;
  let hosts: ProjectionHost[];
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());

  const append = async (count: number, type = 'Counted') => {
    for (let i = 0; i < count; i++) await store.append(`c-${i % 3}`, [{ id: randomUUID(), type, data: {} }]);
  };
  const host = async (projection: Projection) => {
    const started = await startHost(store, db, [projection], { tickMs: 20 });
    hosts.push(started);
    return started;
  };
  const counts = async (ops: ProjectionOperations) =>
    db.all(`SELECT * FROM ${await ops.liveTable('counter', 'counts')} ORDER BY stream`);
  const finished = async (ops: ProjectionOperations, id: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const request = (await ops.request(id))!;
      if (request.state === 'done' || request.state === 'failed') return request;
      if (Date.now() > deadline) throw new Error(`request ${id} still ${request.state}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const tables = async () =>
    (
      await db.all<{ name: string }>(
        db.dialect === 'postgres'
          ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'counts_%' ORDER BY 1`
          : `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'counts_%' ORDER BY name`,
      )
    ).map((t) => t.name);

  beforeEach(() => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    hosts = [];
  });
  afterEach(async () => {
    for (const h of hosts) await h.stop();
    await db.close();
    await store.close();
  });

  it.each(['SQLite', 'PostgreSQL'])(
    'on %s: keeps serving the live build while the next one builds, then switches readers at once',
    async (kind) => {
      if (kind === 'PostgreSQL') {
        await db.close();
        db = new PostgresReadModelDb(await cluster.freshSchema());
      }
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const h = await host(counter({ gate }));
      const ops = new ProjectionOperations(store, db, [h.runner('counter')!.projection]);
      await append(30);
      await h.runner('counter')!.waitFor((await store.headPosition())!);
      const request = await ops.requestReplay('counter', 'test');
      await h.tick();

      // Build 2 is held inside its first batch; readers still get build 1.
      const holding = Date.now() + 5000;
      while ((await ops.statusOf('counter'))!.rebuild?.state !== 'running' && Date.now() < holding) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const during = (await ops.statusOf('counter'))!;
      expect(during).toMatchObject({
        liveBuild: 1,
        lagPositions: 0,
        rebuild: { state: 'running', build: 2 },
      });
      expect(during.rebuild!.progress).toBeLessThan(1);
      expect(await ops.liveTable('counter', 'counts')).toBe('counts_v1');
      expect(await counts(ops)).toEqual([
        { stream: 'c-0', n: 10 },
        { stream: 'c-1', n: 10 },
        { stream: 'c-2', n: 10 },
      ]);
      if (kind === 'PostgreSQL') {
        // Each transaction has its own connection: the live build keeps applying new events meanwhile.
        // (SQLite has one writer: the live build's next batch waits for the rebuild's batch to commit.)
        await append(3);
        await h.runner('counter')!.waitFor((await store.headPosition())!);
        expect((await counts(ops))[0]).toEqual({ stream: 'c-0', n: 11 });
      }

      open();
      expect(await finished(ops, request.id)).toMatchObject({
        state: 'done',
        detail: { build: 2, liveBuild: 1, comparison: { identical: true } },
      });
      expect(await ops.liveTable('counter', 'counts')).toBe('counts_v2');
      const n = kind === 'PostgreSQL' ? 11 : 10;
      expect(await counts(ops)).toEqual([
        { stream: 'c-0', n },
        { stream: 'c-1', n },
        { stream: 'c-2', n },
      ]);
      // The old build is dropped only after the switch (here with no grace period).
      expect(await tables()).toEqual(['counts_v2']);
      // The new build is live: it applies what comes next.
      await append(3);
      await h.runner('counter')!.waitFor((await store.headPosition())!);
      expect((await counts(ops))[0]).toEqual({ stream: 'c-0', n: n + 1 });
    },
  );

  it('reports a live build that drifted; keeps it when asked to require identical builds, repairs it otherwise', async () => {
    const h = await host(counter());
    const ops = new ProjectionOperations(store, db, [h.runner('counter')!.projection]);
    await append(9);
    await h.runner('counter')!.waitFor((await store.headPosition())!);
    await db.run(`UPDATE counts_v1 SET n = 99 WHERE stream = 'c-1'`);

    const strict = await ops.requestReplay('counter', 'test', { onDifference: 'keep-live' });
    await h.tick();
    const refused = await finished(ops, strict.id);
    expect(refused).toMatchObject({
      state: 'failed',
      detail: {
        error: { message: 'the rebuilt build differs from the live one' },
        comparison: {
          identical: false,
          tables: [{ table: 'counts', liveRows: 3, candidateRows: 3, differingRows: 2 }],
        },
      },
    });
    expect(await ops.liveTable('counter', 'counts')).toBe('counts_v1');
    expect((await counts(ops))[1]).toEqual({ stream: 'c-1', n: 99 });
    await h.tick(); // drops the abandoned build
    expect(await tables()).toEqual(['counts_v1']);

    const repair = await ops.requestReplay('counter', 'test');
    await h.tick();
    expect(await finished(ops, repair.id)).toMatchObject({
      state: 'done',
      detail: { build: 3, comparison: { identical: false } },
    });
    expect(await counts(ops)).toEqual([
      { stream: 'c-0', n: 3 },
      { stream: 'c-1', n: 3 },
      { stream: 'c-2', n: 3 },
    ]);
  });

  it('rebuilds by itself when a new code version is deployed; the old build serves until the switch', async () => {
    const v1 = await host(counter());
    await append(6);
    await v1.runner('counter')!.waitFor((await store.headPosition())!);
    await v1.stop();

    // Not startHost: the new code runs no live build until its own build is ready.
    const v2 = new ProjectionHost(store, db, [counter({ version: 2 })], {
      holder: 'v2',
      tickMs: 20,
      retireGraceMs: 0,
    });
    hosts.push(v2);
    await v2.start();
    expect(v2.runner('counter')).toBeUndefined();
    const ops = new ProjectionOperations(store, db, [counter({ version: 2 })]);
    await v2.settled();
    const deadline = Date.now() + 5000;
    while ((await ops.list())[0]!.liveBuild !== 2 && Date.now() < deadline) {
      await v2.tick();
      await v2.settled();
    }
    expect(await ops.list()).toEqual([{ name: 'counter', codeVersion: 2, liveBuild: 2, streams: ['c-'] }]);
    const [request] = await ops.registry.requests('counter', ['done']);
    expect(request!.detail.comparison).toEqual({ skipped: 'live build is code version 1' });
    expect(await counts(ops)).toEqual([
      { stream: 'c-0', n: 2, last_type: 'Counted' },
      { stream: 'c-1', n: 2, last_type: 'Counted' },
      { stream: 'c-2', n: 2, last_type: 'Counted' },
    ]);
  });

  it('abandons a rebuild that meets a poison event, names the event, and leaves the live build running', async () => {
    const h = await host(counter({ poisonInRebuild: 'Odd' }));
    const ops = new ProjectionOperations(store, db, [h.runner('counter')!.projection]);
    await append(4);
    await append(1, 'Odd');
    await h.runner('counter')!.waitFor((await store.headPosition())!);
    const request = await ops.requestReplay('counter', 'test');
    await h.tick();
    const failed = await finished(ops, request.id);
    expect(failed.state).toBe('failed');
    expect(failed.detail.error).toMatchObject({ eventType: 'Odd', position: '5', streamId: 'c-0' });
    expect((failed.detail.error as { message: string }).message).toMatch(/cannot count Odd/);
    expect(await ops.statusOf('counter')).toMatchObject({ liveBuild: 1, state: 'live', rebuild: null });
    await append(1);
    await h.runner('counter')!.waitFor((await store.headPosition())!);
    // c-0: two Counted, the Odd one (fine for the live build's code) and one more.
    expect((await counts(ops))[0]).toEqual({ stream: 'c-0', n: 4 });
  });
});
