import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { loadProjectionsConfig, openReadModelDb } from '../../src/ops/projections/projections-runtime.js';
import { loadWorkersConfig } from '../../src/ops/projections/workers-config.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';

/** PRAGMA synchronous: 1 = NORMAL, 2 = FULL. */
const NORMAL = 1;
const FULL = 2;

const synchronousOf = async (db: SqliteReadModelDb) =>
  (await db.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous;

describe('how SQLite files sync their commits', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-durability-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('read-model and worker files run with synchronous=NORMAL: their checkpoints commit with their writes', async () => {
    const readModels = openReadModelDb(loadProjectionsConfig(dir, {}).readModelDb) as SqliteReadModelDb;
    const workers = loadWorkersConfig(
      dir,
      join(dir, 'read-models.sqlite'),
      { holder: 'a', ttlMs: 15_000 },
      {},
    );
    const workerFiles = Object.values(workers.databases).map(
      (path) => openReadModelDb(path) as SqliteReadModelDb,
    );
    try {
      expect(await synchronousOf(readModels)).toBe(NORMAL);
      expect(await Promise.all(workerFiles.map(synchronousOf))).toEqual(workerFiles.map(() => NORMAL));
    } finally {
      for (const db of [readModels, ...workerFiles]) await db.close();
    }
  });

  it('a caller may still ask for synchronous=FULL', async () => {
    const db = new SqliteReadModelDb(join(dir, 'full.sqlite'), { synchronous: 'full' });
    expect(await synchronousOf(db)).toBe(FULL);
    await db.close();
  });

  it('the event store keeps synchronous=FULL: an acknowledged append survives a power loss', async () => {
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    // Its connection is private; the pragma is per connection, so it is read on that connection.
    const connection = (store as unknown as { db: DatabaseSync }).db;
    expect(connection.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: FULL });
    await store.close();
  });
});
