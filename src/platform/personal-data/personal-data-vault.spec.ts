import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { developmentMasterKey, MasterKey } from '../secrets/master-key.js';
import { onEachVaultStore } from '../../../test/support/vault-stores.js';
import { MasterKeyMismatchError, PersonalDataVault } from './personal-data-vault.js';

/** Every byte of the vault on disk: the file and its write-ahead log. */
const onDisk = (path: string) =>
  Buffer.concat([path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
const mode = (path: string) => statSync(path).mode & 0o777;

onEachVaultStore('PersonalDataVault: per-account keys wrapped with a master key', (store) => {
  it('another instance (or a restart) with the same master key opens what one sealed', () => {
    const sealed = store().open().seal('anna', { name: 'Anna' });
    expect(store().open().unseal('anna', sealed)).toEqual({ name: 'Anna' });
  });

  it('refuses another master key at open, naming the vault, the variables and that every instance needs the same key', () => {
    store().open().seal('anna', 'secret');
    const other = MasterKey.random();
    expect(() => store().open(other)).toThrow(MasterKeyMismatchError);
    expect(() => store().open(other)).toThrow(
      new RegExp(
        `does not open ${store().dialect === 'sqlite' ? '.*keys\\.sqlite' : 'postgres://'}.*` +
          'PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE.*every instance sharing the vault needs the same key',
      ),
    );
    // The refused instance wrote nothing: the vault still opens with its own key.
    expect(store().open().destroyedAt('anna')).toBeUndefined();
  });

  it('binds a wrapped key to its account: a row copied to another account does not open', () => {
    const sealed = store().open().seal('anna', 'secret');
    store()
      .raw()
      .run(
        "INSERT INTO account_keys (account_id, key, created_at) SELECT 'mallory', key, created_at FROM account_keys WHERE account_id = 'anna'",
      );
    expect(() => store().open().unseal('mallory', sealed)).toThrow();
  });

  it('a key destroyed on one instance is destroyed for every instance (crypto-shredding)', () => {
    const a = store().open();
    const b = store().open();
    const sealed = a.seal('anna', { name: 'Anna' });
    expect(b.unseal('anna', sealed)).toEqual({ name: 'Anna' });
    b.destroy('anna', '2026-03-01T00:00:00Z');
    expect(a.unseal('anna', sealed)).toBeUndefined();
    expect(a.destroyedAt('anna')).toBe('2026-03-01T00:00:00Z');
    expect(() => a.seal('anna', 'again')).toThrow(/was destroyed/);
    // Destroyed twice: the first time stands.
    a.destroy('anna', '2026-04-01T00:00:00Z');
    expect(b.destroyedAt('anna')).toBe('2026-03-01T00:00:00Z');
    // No wrapped key is left in the table.
    expect(store().raw().get("SELECT key FROM account_keys WHERE account_id = 'anna'")).toEqual({
      key: null,
    });
  });

  it('the first key created for an account stands for every instance', () => {
    const a = store().open();
    const b = store().open();
    const fromA = a.seal('anna', 'from a');
    const fromB = b.seal('anna', 'from b');
    expect([b.unseal('anna', fromA), a.unseal('anna', fromB)]).toEqual(['from a', 'from b']);
    store().open().createKeys(['boris', 'anna']);
    expect(store().open().unseal('anna', fromA)).toBe('from a');
  });
});

describe('PersonalDataVault on its own file (keys.sqlite)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vault-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reopens with the same master key; its file is 0600 in a folder created 0700', () => {
    const path = join(dir, 'data', 'keys.sqlite');
    const master = MasterKey.random();
    const vault = new PersonalDataVault(path, master);
    const sealed = vault.seal('anna', { name: 'Anna' });
    vault.close();
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, 'data'))).toBe(0o700);
    const again = new PersonalDataVault(path, master);
    expect(again.unseal('anna', sealed)).toEqual({ name: 'Anna' });
    again.close();
  });

  it('needs a master key for a file (only an in-memory vault makes up its own)', () => {
    expect(() => new PersonalDataVault(join(dir, 'keys.sqlite'))).toThrow(/needs a master key/);
  });

  it('wraps the plain keys of a keys.sqlite written before wrapping, on open, and leaves none on disk', () => {
    const path = join(dir, 'keys.sqlite');
    // The file as earlier versions wrote it: the account's key in clear.
    const plainKey = randomBytes(32);
    const old = new DatabaseSync(path);
    old.exec(`PRAGMA journal_mode = WAL;
      CREATE TABLE account_keys (account_id TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, destroyed_at TEXT) STRICT;`);
    old
      .prepare('INSERT INTO account_keys (account_id, key, created_at) VALUES (?, ?, ?)')
      .run('anna', plainKey, '2026-01-01T00:00:00Z');
    old.close();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', plainKey, iv);
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify({ name: 'Anna' }), 'utf8'),
      cipher.final(),
    ]);
    const sealedBefore = `aes-256-gcm:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
    expect(onDisk(path).includes(plainKey)).toBe(true);

    const master = MasterKey.random();
    const vault = new PersonalDataVault(path, master);
    expect(vault.keysWrappedOnOpen).toBe(1);
    expect(vault.unseal('anna', sealedBefore)).toEqual({ name: 'Anna' });
    vault.close();
    expect(onDisk(path).includes(plainKey)).toBe(false);
    const again = new PersonalDataVault(path, master);
    expect(again.keysWrappedOnOpen).toBe(0);
    expect(again.unseal('anna', sealedBefore)).toEqual({ name: 'Anna' });
    again.close();
  });

  it('a destroyed key is gone from the disk, not only from the table (crypto-shredding)', () => {
    const path = join(dir, 'keys.sqlite');
    const vault = new PersonalDataVault(path, MasterKey.random());
    const sealed = vault.seal('anna', 'secret');
    const peek = new DatabaseSync(path, { readOnly: true });
    const wrapped = Buffer.from(
      (peek.prepare("SELECT key FROM account_keys WHERE account_id = 'anna'").get() as { key: Uint8Array })
        .key,
    );
    peek.close();
    expect(onDisk(path).includes(wrapped)).toBe(true);
    vault.destroy('anna', '2026-03-01T00:00:00Z');
    expect(vault.unseal('anna', sealed)).toBeUndefined();
    expect(onDisk(path).includes(wrapped)).toBe(false);
    vault.close();
  });

  it('in development, generates its master key file 0600 once and reuses it', () => {
    const path = join(dir, 'data', 'personal-data-master.key');
    const first = developmentMasterKey(path);
    expect(first.created).toBe(true);
    expect(mode(path)).toBe(0o600);
    const second = developmentMasterKey(path);
    expect(second.created).toBe(false);
    expect(second.key.bytes.equals(first.key.bytes)).toBe(true);
  });
});
