import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { CONFIG_SCHEMA, environmentProblems, type ConfigName } from './schema.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** The README's configuration table: variable → its default cell. */
function readmeTable(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Documentation'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1]!.startsWith('`')) continue;
    for (const name of cells[1]!.matchAll(/`([A-Z0-9_]+)`/g)) rows.set(name[1]!, cells[2]!);
  }
  return rows;
}

/** Every source file of the service (tests and fixtures aside). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(entry) && !/\.(spec|test|fixtures)\.ts$/.test(entry) ? [path] : [];
  });
}

describe('the configuration schema', () => {
  const names = Object.keys(CONFIG_SCHEMA).sort();

  it('lists exactly the variables of the README configuration table', () => {
    expect([...readmeTable().keys()].sort()).toEqual(names);
  });

  it('has the defaults the README states', () => {
    const table = readmeTable();
    for (const name of names) {
      const fallback = CONFIG_SCHEMA[name as ConfigName].default;
      if (typeof fallback === 'string' || typeof fallback === 'number')
        expect({ name, cell: table.get(name) }).toEqual({
          name,
          cell: expect.stringMatching(new RegExp(`^\`${String(fallback).replace('.', '\\.')}\``)),
        });
    }
  });

  it('holds every variable the service reads from the environment', () => {
    const read = new Set<string>();
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'projections'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]+)/g))
        read.add(match[1]!);
      for (const match of readFileSync(file, 'utf8').matchAll(
        /read(?:Variable\(env, |\()'([A-Z][A-Z0-9_]+)'/g,
      ))
        read.add(match[1]!);
    }
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !names.includes(name))).toEqual([]);
  });

  it('reports the problems of every variable together, each in the same form', () => {
    expect(
      environmentProblems({
        HOST: 'not a host!',
        PORT: '80a',
        READ_MODEL_DB: 'mysql://x/y',
        WORKERS_DB: '/var/lib/workers.sqlite',
        ANCHOR_EVERY_EVENTS: '0',
        RATE_LIMIT_PER_MINUTE: '-5',
      }),
    ).toEqual([
      "HOST must be an IP address or a host name (got 'not a host!')",
      "PORT must be a whole number from 0 to 65535 (got '80a')",
      "READ_MODEL_DB must be a SQLite file path or a postgres:// (postgresql://) URL (got 'mysql://x/y')",
      "WORKERS_DB must be a postgres:// (postgresql://) URL (got '/var/lib/workers.sqlite')",
      "RATE_LIMIT_PER_MINUTE must be a whole number of requests from 0 to 1000000 (got '-5')",
      "ANCHOR_EVERY_EVENTS must be a whole number of events from 1 to 1000000 (got '0')",
    ]);
  });

  it('stops loadConfig on a bad variable another loader reads, with the others', () => {
    expect(problemsOf(() => loadConfig({ READ_MODEL_DB: 'mysql://x/y', LOG_LEVEL: 'loud' }))).toEqual([
      "LOG_LEVEL must be one of debug, info, warn, error (got 'loud')",
      "READ_MODEL_DB must be a SQLite file path or a postgres:// (postgresql://) URL (got 'mysql://x/y')",
    ]);
  });
});

describe('URLs by scheme', () => {
  it('ESDB_CONNECTION_STRING must be esdb:// or kurrentdb://, even when EVENT_STORE is sqlite', () => {
    expect(problemsOf(() => loadConfig({ ESDB_CONNECTION_STRING: 'http://localhost:2113' }))).toEqual([
      "ESDB_CONNECTION_STRING must be an esdb:// or kurrentdb:// connection string (got 'http://localhost:2113')",
    ]);
    for (const ok of ['esdb://localhost:2113?tls=false', 'kurrentdb://a:2113,b:2113'])
      expect(loadConfig({ EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: ok }).eventStore).toEqual({
        kind: 'esdb',
        connectionString: ok,
      });
  });

  it('SMTP_URL must be smtp:// or smtps:// with a host, and is never echoed', () => {
    const problems = problemsOf(() =>
      loadConfig({ SMTP_URL: 'http://u:hunter2@mail', DELIVERY_FROM: 'a@b.c' }),
    );
    expect(problems).toEqual([
      'SMTP_URL must be smtp://[user:password@]host:port or smtps://[user:password@]host:port (got something else; the value is not printed, it may be a secret)',
    ]);
    expect(problems.join()).not.toContain('hunter2');
    expect(
      loadConfig({ SMTP_URL: 'smtps://u:p@mail:465', DELIVERY_FROM: 'a@b.c' }).delivery!.smtp!.display,
    ).toBe('smtps://mail:465');
  });
});

describe('HOST', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'billing.internal', 'app-1'])(
    'takes %p',
    (host) => {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    },
  );

  it.each(['http://0.0.0.0', '0.0.0.0:3000', 'my host', '-bad', 'a..b'])('refuses %p', (host) => {
    expect(problemsOf(() => loadConfig({ HOST: host }))).toEqual([
      `HOST must be an IP address or a host name (got '${host}')`,
    ]);
  });
});

describe('paths', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'config-paths-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('DATA_DIR may be a folder yet to make, but not a file or a URL', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(loadConfig({ DATA_DIR: join(dir, 'new') }).dataDir).toBe(join(dir, 'new'));
    expect(problemsOf(() => loadConfig({ DATA_DIR: join(dir, 'file') }))).toEqual([
      `DATA_DIR must be a folder path (not a URL, not a file) (got '${join(dir, 'file')}')`,
    ]);
    expect(problemsOf(() => loadConfig({ DATA_DIR: 's3://bucket/data' }))).toHaveLength(1);
  });

  it('SQLITE_PATH and ANCHOR_DB are file paths, not folders', () => {
    expect(problemsOf(() => loadConfig({ SQLITE_PATH: dir, ANCHOR_DB: 'file://x' }))).toEqual([
      `SQLITE_PATH must be a file path (not a URL; a file, not a folder) (got '${dir}')`,
      "ANCHOR_DB must be a file path (not a URL; a file, not a folder) (got 'file://x')",
    ]);
  });

  it('API_KEYS_FILE must exist and be readable; POLICY_PROFILES_DIR must be a folder', () => {
    const missing = join(dir, 'keys.json');
    expect(problemsOf(() => loadConfig({ API_KEYS_FILE: missing, POLICY_PROFILES_DIR: missing }))).toEqual([
      `POLICY_PROFILES_DIR must be an existing folder (got '${missing}')`,
      `API_KEYS_FILE must be a readable file (got '${missing}': no such file)`,
    ]);
    writeFileSync(missing, '[]');
    chmodSync(missing, 0o600);
    expect(problemsOf(() => loadConfig({ API_KEYS_FILE: missing, POLICY_PROFILES_DIR: dir }))).toEqual([]);
  });
});
