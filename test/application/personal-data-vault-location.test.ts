import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/platform/config/config.js';
import {
  openPersonalDataVault,
  personalDataVaultLocation,
} from '../../src/platform/personal-data/open-vault.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { MasterKey } from '../../src/platform/secrets/master-key.js';
import { SyncPostgresError } from '../../src/platform/personal-data/sync-postgres.js';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';

const PG = 'postgres://billing:secret@db.internal:5432/billing';

describe('where the personal-data vault lives', () => {
  it('in READ_MODEL_DB when that is PostgreSQL, else in WORKERS_DB when set, else in keys.sqlite', () => {
    expect(personalDataVaultLocation('/data', { READ_MODEL_DB: PG })).toEqual({
      kind: 'shared',
      connectionString: PG,
      variable: 'READ_MODEL_DB',
    });
    expect(
      personalDataVaultLocation('/data', { READ_MODEL_DB: '/data/rm.sqlite', WORKERS_DB: `${PG}-workers` }),
    ).toEqual({ kind: 'shared', connectionString: `${PG}-workers`, variable: 'WORKERS_DB' });
    expect(personalDataVaultLocation('/data', {})).toEqual({ kind: 'file', path: '/data/keys.sqlite' });
    expect(personalDataVaultLocation('/data', { READ_MODEL_DB: '/data/rm.sqlite' })).toEqual({
      kind: 'file',
      path: '/data/keys.sqlite',
    });
  });
});

describe('a shared vault whose database does not answer', () => {
  it('fails to open with the database’s error, without hanging', () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    expect(() =>
      PersonalDataVault.shared('postgres://billing@127.0.0.1:1/billing', MasterKey.random()),
    ).toThrow(SyncPostgresError);
  });
});

describe('opening the shared vault (PostgreSQL) at start', () => {
  let cluster: PgCluster;
  let dir: string;
  const opened: PersonalDataVault[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-location-'));
  });
  afterEach(() => {
    for (const vault of opened.splice(0)) vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shared = (url: string) => ({
    kind: 'shared' as const,
    connectionString: url,
    variable: 'READ_MODEL_DB' as const,
  });

  it('stops start-up when the shared vault holds keys wrapped by another master key, naming the variables', async () => {
    const url = await cluster.freshSchema();
    opened.push(openPersonalDataVault(shared(url), MasterKey.random(), dir).vault);
    let error: unknown;
    try {
      openPersonalDataVault(shared(url), MasterKey.random(), dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^The personal-data master key does not open postgres:\/\/.*PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE — every instance sharing the vault needs the same key/,
      ),
    ]);
  });

  it('adopts the keys of the instance’s own keys.sqlite, never bringing a destroyed key back, then deletes the file', async () => {
    const url = await cluster.freshSchema();
    const master = MasterKey.random();
    const local = new PersonalDataVault(join(dir, 'keys.sqlite'), master);
    const annaSealed = local.seal('anna', { name: 'Anna' });
    local.seal('boris', 'x');
    local.destroy('boris', '2026-02-01T00:00:00Z');
    const carolSealed = local.seal('carol', 'carol');
    local.retain('anna', '2032-01-01T00:00:00.000Z', 'law');
    const annaRetained = local.sealRetained('anna', { name: 'Anna' });
    local.close();
    // Carol's key was destroyed in the shared vault already (her account deleted on another instance).
    const before = PersonalDataVault.shared(url, master);
    before.destroy('carol', '2026-03-01T00:00:00Z');
    before.close();

    const { vault, notices } = openPersonalDataVault(shared(url), master, dir);
    opened.push(vault);
    expect(notices).toEqual([
      expect.stringMatching(
        /keys\.sqlite: 4 keys moved into the shared personal-data vault \(READ_MODEL_DB, postgres:.*\); the file was deleted$/,
      ),
    ]);
    expect(vault.unseal('anna', annaSealed)).toEqual({ name: 'Anna' });
    expect(vault.unsealRetained('anna', annaRetained)).toEqual({ name: 'Anna' });
    expect(vault.destroyedAt('boris')).toBe('2026-02-01T00:00:00Z');
    expect(vault.unseal('carol', carolSealed)).toBeUndefined();
    expect(vault.destroyedAt('carol')).toBe('2026-03-01T00:00:00Z');
    expect(existsSync(join(dir, 'keys.sqlite'))).toBe(false);
  });

  it('keeps the file when an account already has another key in the shared vault, and says which', async () => {
    const url = await cluster.freshSchema();
    const master = MasterKey.random();
    const local = new PersonalDataVault(join(dir, 'keys.sqlite'), master);
    const localSealed = local.seal('dora', 'from the file');
    local.close();
    const other = PersonalDataVault.shared(url, master);
    const sharedSealed = other.seal('dora', 'from the shared vault');
    other.close();

    const { vault, notices } = openPersonalDataVault(shared(url), master, dir);
    opened.push(vault);
    expect(notices).toEqual([
      expect.stringMatching(
        /0 keys moved .*1 accounts already had another key there \(dora\): the file is kept/,
      ),
    ]);
    expect(vault.unseal('dora', sharedSealed)).toBe('from the shared vault');
    expect(() => vault.unseal('dora', localSealed)).toThrow();
    expect(existsSync(join(dir, 'keys.sqlite'))).toBe(true);
  });
});
