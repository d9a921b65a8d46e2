import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ProjectionRegistry } from './projection-registry.js';
import { SqliteReadModelDb } from './sqlite-read-model-db.js';

/**
 * The service and its projector child share one read-model file, and the child's catch-up holds SQLite's
 * write lock for a whole batch. The service's start must not wait for that lock to find the registry there.
 */
describe('ProjectionRegistry.ensureSchema on SQLite', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'registry-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the registry tables in a new file', async () => {
    const db = new SqliteReadModelDb(join(dir, 'read-models.sqlite'));
    await new ProjectionRegistry(db).ensureSchema();
    const tables = await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'projection_%' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      'projection_builds',
      'projection_leases',
      'projection_requests',
      'projection_tables',
    ]);
    await db.close();
  });

  it('finds tables another connection created while that connection holds the write lock', async () => {
    const path = join(dir, 'read-models.sqlite');
    // The service's connection, opened (and its schema read) before the child created anything.
    const service = new SqliteReadModelDb(path);
    await service.get('SELECT count(*) AS n FROM sqlite_master');
    // The child: creates the registry, then sits in the middle of a catch-up batch.
    const childDb = new SqliteReadModelDb(path);
    await new ProjectionRegistry(childDb).ensureSchema();
    await childDb.close();
    const child = new DatabaseSync(path);
    child.exec('BEGIN IMMEDIATE');
    child.exec(
      "INSERT INTO projection_leases (name, holder, expires_at, acquired_at) VALUES ('account-balances', 'child', 0, 'now')",
    );
    try {
      // Compiled against its old schema, the DDL would wait out the busy timeout: "database is locked".
      await expect(new ProjectionRegistry(service).ensureSchema()).resolves.toBeUndefined();
      expect(await new ProjectionRegistry(service).builds()).toEqual([]);
    } finally {
      child.exec('ROLLBACK');
      child.close();
      await service.close();
    }
  }, 15_000);
});
