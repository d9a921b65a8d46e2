import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import {
  PostgresVaultStorage,
  SqliteVaultStorage,
  type VaultStorage,
} from '../../src/platform/personal-data/vault-storage.js';
import { MasterKey } from '../../src/platform/secrets/master-key.js';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';

/** One vault's storage under test: each `open` is another instance (or a restart) over the same keys. */
export interface VaultStoreUnderTest {
  readonly dialect: 'sqlite' | 'postgres';
  /** The deployment's master key: `open()` uses it unless given another. */
  readonly master: MasterKey;
  open(master?: MasterKey): PersonalDataVault;
  /** Statements straight on the vault's tables, as someone with access to the database would run them. */
  raw(): VaultStorage;
}

function storeOver(dialect: 'sqlite' | 'postgres', storage: () => VaultStorage) {
  const master = MasterKey.random();
  const opened: Array<{ close(): void }> = [];
  return {
    store: {
      dialect,
      master,
      open: (key: MasterKey = master) => {
        const vault = new PersonalDataVault(storage(), key);
        opened.push(vault);
        return vault;
      },
      raw: () => {
        const raw = storage();
        opened.push(raw);
        return raw;
      },
    } satisfies VaultStoreUnderTest,
    closeAll: () => opened.forEach((o) => o.close()),
  };
}

/**
 * Runs `body` twice: on the instance's own SQLite file and on PostgreSQL shared by instances (a throwaway
 * cluster, or PG_URL; a fresh schema for each test). The same contract holds on both.
 */
export function onEachVaultStore(title: string, body: (store: () => VaultStoreUnderTest) => void): void {
  describe(`${title} — on its own SQLite file`, () => {
    let dir: string;
    let current: ReturnType<typeof storeOver>;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'vault-store-'));
      const path = join(dir, 'keys.sqlite');
      current = storeOver('sqlite', () => new SqliteVaultStorage(path));
    });
    afterEach(() => {
      current.closeAll();
      rmSync(dir, { recursive: true, force: true });
    });
    body(() => current.store);
  });

  describe(`${title} — on PostgreSQL shared by instances`, () => {
    let cluster: PgCluster;
    let current: ReturnType<typeof storeOver>;
    beforeAll(async () => {
      cluster = await startPgCluster();
    }, 60_000);
    afterAll(() => cluster?.stop());
    beforeEach(async () => {
      const url = await cluster.freshSchema();
      current = storeOver('postgres', () => new PostgresVaultStorage(url));
    });
    afterEach(() => current.closeAll());
    body(() => current.store);
  });
}
