import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Data files hold the events, the personal-data keys, checkpoints and API key hashes: only the service's
 * own user may read them. Files are created 0600 and folders 0700 where we create them; for files other
 * code creates (SQLite's own files, stores this module cannot change), these helpers tighten them right
 * after, so data written by an older version is tightened on its next start too.
 */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Beside each SQLite file: its write-ahead log, shared memory and rollback journal. */
const SQLITE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

/**
 * Creates the folder 0700 (and any missing parent 0700), or tightens it to 0700 when it exists. A folder
 * this user may not chmod (a mounted volume owned by another user) is used as it is: the returned warning
 * says so, rather than the service refusing to start on a setup that worked before.
 */
export function ensurePrivateDir(path: string): string | undefined {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
  try {
    chmodSync(path, PRIVATE_DIR);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    const mode = (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
    return `The data folder ${path} is not this user's: it stays mode ${mode}; make it 0700 and owned by the service user`;
  }
}

/** Creates the folder 0700 if missing; an existing folder (perhaps shared, e.g. /var/lib) is left as is. */
export function ensureDirCreatedPrivate(path: string): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
}

/** chmod 0600 a SQLite file and its companions, those that exist (`:memory:` and URLs are skipped). */
export function makeSqliteFilePrivate(path: string): void {
  if (path === ':memory:' || /^[a-z]+:\/\//i.test(path)) return;
  for (const suffix of SQLITE_COMPANIONS) makeFilePrivate(path + suffix);
}

export function makeFilePrivate(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Tightens every SQLite file (and its companions) and the named files in the data folder. */
export function makeDataFilesPrivate(dataDir: string, names: readonly string[] = []): void {
  if (!existsSync(dataDir)) return;
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    if ((/\.sqlite(-wal|-shm|-journal)?$/.test(name) || names.includes(name)) && statSync(path).isFile())
      makeFilePrivate(path);
  }
}

/** Whether group or others may read or write the file (POSIX modes; Windows has none to check). */
export function isOpenToOthers(path: string): boolean {
  return process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0;
}

/**
 * From now on, every file and folder this process creates is private by default (0600 / 0700), including
 * the write-ahead logs SQLite creates whenever it needs them. For the service process (main.ts) only.
 */
export function restrictUmask(): void {
  process.umask(0o077);
}
