import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { LeaseLostError, PROCESS_LEASE_TOKEN, ProjectionLease } from './projection-lease.js';
import { ProjectionRegistry } from './projection-registry.js';
import { SqliteReadModelDb } from './sqlite-read-model-db.js';

/**
 * One instance name (INSTANCE_ID) across its restarts, one token per process: a restarted instance takes
 * its leases back at once, and the process it replaced can neither renew, fence a batch, nor take them back.
 */
describe('ProjectionLease: the holding process', () => {
  let dir: string;
  let db: SqliteReadModelDb;
  const older = '000001764720000000-a';
  const newer = '000001764720000500-b';
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lease-'));
    db = new SqliteReadModelDb(join(dir, 'read-models.sqlite'));
    await new ProjectionRegistry(db).ensureSchema();
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a later process of the same instance takes the lease at once; the earlier one loses it for good', async () => {
    const before = new ProjectionLease(db, 'account-balances', 'svc-1', 60_000, older);
    const after = new ProjectionLease(db, 'account-balances', 'svc-1', 60_000, newer);
    expect(await before.tryAcquire()).toBe(true);
    expect(await after.tryAcquire()).toBe(true); // not expired: the same instance, restarted
    expect(await before.renew()).toBe(false);
    await expect(db.transaction(async (tx) => before.fence(tx))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await before.tryAcquire()).toBe(false); // no taking it back while the later one holds it
    await before.release(); // releases nothing of the later process's
    expect(await ProjectionLease.holderOf(db, 'account-balances')).toMatchObject({ holder: 'svc-1' });
    expect(await after.renew()).toBe(true);
    await expect(db.transaction(async (tx) => after.fence(tx))).resolves.toBeUndefined();
    // Another instance still waits for expiry, as before.
    expect(await new ProjectionLease(db, 'account-balances', 'svc-2', 60_000, newer).tryAcquire()).toBe(
      false,
    );
  });

  it('the earlier process may take it again once the later one let it expire', async () => {
    const before = new ProjectionLease(db, 'costs', 'svc-1', 60_000, older);
    const after = new ProjectionLease(db, 'costs', 'svc-1', 60_000, newer);
    expect(await after.tryAcquire()).toBe(true);
    await after.release();
    expect(await before.tryAcquire()).toBe(true);
    expect(await after.renew()).toBe(false);
  });

  it('takes over a lease stored before tokens existed (the column is added, old rows hold "")', async () => {
    const path = join(dir, 'legacy.sqlite');
    const legacy = new DatabaseSync(path);
    legacy.exec(`CREATE TABLE projection_leases (
      name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL, acquired_at TEXT NOT NULL)`);
    legacy.exec(`INSERT INTO projection_leases VALUES ('billing-report', 'svc-1', 9007199254740991, 'then')`);
    legacy.close();
    const upgraded = new SqliteReadModelDb(path);
    try {
      await new ProjectionRegistry(upgraded).ensureSchema();
      const lease = new ProjectionLease(upgraded, 'billing-report', 'svc-1', 60_000);
      expect(lease.token).toBe(PROCESS_LEASE_TOKEN);
      expect(await lease.tryAcquire()).toBe(true);
      expect(await lease.renew()).toBe(true);
      expect(await new ProjectionLease(upgraded, 'billing-report', 'svc-2', 60_000).tryAcquire()).toBe(false);
    } finally {
      await upgraded.close();
    }
  });

  it('a process token sorts before the token of a process started later', () => {
    expect(PROCESS_LEASE_TOKEN).toMatch(/^\d{15}-[0-9a-f-]{36}$/);
    const later = `${String(Date.now() + 1).padStart(15, '0')}-00000000-0000-0000-0000-000000000000`;
    expect(PROCESS_LEASE_TOKEN < later).toBe(true);
  });
});
