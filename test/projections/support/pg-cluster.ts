import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** A fresh, empty schema on the cluster, as a connection URL whose search_path points at it. */
  freshSchema(): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` (or `nobody`) user then. */
function asServerUser(): string[] {
  if (process.getuid?.() !== 0) return [];
  for (const user of ['postgres', 'nobody']) {
    if (spawnSync('id', ['-u', user]).status === 0) return ['runuser', '-u', user, '--'];
  }
  throw new Error('Running as root and no postgres or nobody user to run PostgreSQL as');
}

function run(command: string[]): void {
  execFileSync(command[0]!, command.slice(1), { stdio: 'pipe' });
}

async function schemaOn(baseUrl: string): Promise<string> {
  const schema = `t_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * PG_URL when set; otherwise a throwaway cluster in a temp dir on a free port (fsync off: tests do not
 * need durability across power loss), removed by stop().
 */
export async function startPgCluster(): Promise<PgCluster> {
  if (process.env.PG_URL) {
    const base = process.env.PG_URL;
    return { freshSchema: () => schemaOn(base), stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pg-cluster-'));
  chmodSync(dir, 0o777);
  const as = asServerUser();
  const data = join(dir, 'data');
  const port = await freePort();
  run([...as, 'initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  run([
    ...as,
    'pg_ctl',
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const base = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    freshSchema: () => schemaOn(base),
    async stop() {
      try {
        run([...as, 'pg_ctl', '-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
