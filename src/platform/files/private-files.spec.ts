import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDirCreatedPrivate, ensurePrivateDir, makeDataFilesPrivate } from './private-files.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private data files', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'private-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('tightens a data folder an older version left open: the folder 0700, its stores and key files 0600', () => {
    const data = join(root, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    for (const name of [
      'events.sqlite',
      'events.sqlite-wal',
      'keys.sqlite-shm',
      'api-keys.json',
      'notes.txt',
    ]) {
      writeFileSync(join(data, name), '');
      chmodSync(join(data, name), 0o644);
    }
    expect(ensurePrivateDir(data)).toBeUndefined();
    makeDataFilesPrivate(data, ['api-keys.json']);
    expect(mode(data)).toBe(0o700);
    for (const name of ['events.sqlite', 'events.sqlite-wal', 'keys.sqlite-shm', 'api-keys.json'])
      expect([name, mode(join(data, name))]).toEqual([name, 0o600]);
    // Not ours: left as it was.
    expect(mode(join(data, 'notes.txt'))).toBe(0o644);
  });

  it('creates a missing folder for a store elsewhere 0700, and leaves an existing one as it is', () => {
    ensureDirCreatedPrivate(join(root, 'new', 'deeper'));
    expect(mode(join(root, 'new', 'deeper'))).toBe(0o700);
    chmodSync(root, 0o755);
    ensureDirCreatedPrivate(root);
    expect(mode(root)).toBe(0o755);
  });
});
