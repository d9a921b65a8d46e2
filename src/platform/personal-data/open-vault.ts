import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readerOf } from '../config/config.js';
import type { MasterKey } from '../secrets/master-key.js';
import { MasterKeyMismatchError, PersonalDataVault } from './personal-data-vault.js';
import { withoutPassword } from './vault-storage.js';

/** Where this instance's personal-data keys live. */
export type VaultLocation =
  | { kind: 'file'; path: string }
  | { kind: 'shared'; connectionString: string; variable: 'READ_MODEL_DB' | 'WORKERS_DB' };

const isPostgres = (target: string) => /^postgres(ql)?:\/\//i.test(target);

/**
 * The vault lives where instances share state: in READ_MODEL_DB when that is a postgres:// URL, else in
 * WORKERS_DB when it is set (always PostgreSQL) — the rule the Idempotency-Key records follow — else in
 * `$DATA_DIR/keys.sqlite`, the instance's own file. Instances that share a log must share their vault:
 * a key only one of them has makes the others read the account's sealed data as destroyed.
 */
export function personalDataVaultLocation(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): VaultLocation {
  const problems: string[] = [];
  const read = readerOf(env, problems);
  const readModelDb = read('READ_MODEL_DB');
  const workersDb = read('WORKERS_DB');
  if (problems.length > 0) throw new ConfigError(problems);
  if (readModelDb && isPostgres(readModelDb))
    return { kind: 'shared', connectionString: readModelDb, variable: 'READ_MODEL_DB' };
  if (workersDb) return { kind: 'shared', connectionString: workersDb, variable: 'WORKERS_DB' };
  return { kind: 'file', path: join(dataDir, 'keys.sqlite') };
}

/**
 * Opens the vault at its location; a master key that does not open it stops start-up (ConfigError). In a
 * shared vault, the keys of this instance's own keys.sqlite (from before it shared one) are adopted first,
 * and the file is deleted once every key in it is in the shared vault: a destroyed key must not survive
 * in a file nobody reads. `notices` says what happened, never a key.
 */
export function openPersonalDataVault(
  location: VaultLocation,
  masterKey: MasterKey,
  dataDir: string,
): { vault: PersonalDataVault; notices: string[] } {
  const notices: string[] = [];
  let vault: PersonalDataVault;
  try {
    if (location.kind === 'file') {
      vault = new PersonalDataVault(location.path, masterKey);
    } else {
      vault = PersonalDataVault.shared(location.connectionString, masterKey);
      const local = join(dataDir, 'keys.sqlite');
      if (existsSync(local)) notices.push(adoptLocalKeys(vault, local, masterKey, location));
    }
  } catch (error) {
    if (error instanceof MasterKeyMismatchError) throw new ConfigError([error.message]);
    throw error;
  }
  if (vault.keysWrappedOnOpen > 0)
    notices.push(
      `${vault.location}: ${vault.keysWrappedOnOpen} personal-data keys stored before wrapping were wrapped with the master key`,
    );
  return { vault, notices };
}

function adoptLocalKeys(
  shared: PersonalDataVault,
  path: string,
  masterKey: MasterKey,
  location: Extract<VaultLocation, { kind: 'shared' }>,
): string {
  const local = new PersonalDataVault(path, masterKey);
  let outcome: ReturnType<PersonalDataVault['adoptKeysOf']>;
  try {
    outcome = shared.adoptKeysOf(local);
  } finally {
    local.close();
  }
  const where = `the shared personal-data vault (${location.variable}, ${withoutPassword(location.connectionString)})`;
  if (outcome.conflicts.length > 0)
    return (
      `${path}: ${outcome.adopted} keys moved into ${where}; ${outcome.conflicts.length} accounts already had ` +
      `another key there (${outcome.conflicts.slice(0, 5).join(', ')}${outcome.conflicts.length > 5 ? ', …' : ''}): ` +
      'the file is kept, data sealed under its keys opens only with it'
    );
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return `${path}: ${outcome.adopted} keys moved into ${where}; the file was deleted`;
}
