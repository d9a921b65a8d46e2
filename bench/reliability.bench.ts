// `npm run bench -- reliability`: kill -9 under load with more kills than the test
// (test/e2e/kill-under-load.e2e.test.ts), the service run as `npm start` runs it (dist/src/main.js).
// BENCH_RELIABILITY_KILLS (default 10) sets the number of kills; BENCH_RELIABILITY_NEW_INSTANCE=1 restarts
// each time as another instance (the dead claims then expire after their lease: retries meet 409 first). The route fuzz and the tamper matrix are
// tests (test/api/every-route.test.ts, test/e2e/tamper-anchor.e2e.test.ts): docs/security.md cites them.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { killUnderLoad, reliabilityEnv, type RunningService } from './kill-under-load.js';
import { freshDir, workDir } from './support.js';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** Starts dist/src/main.js and resolves once it logs the address it listens on. */
function startService(dataDir: string, start: number, newInstance: boolean): Promise<RunningService> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, NODE_ENV: 'development', ...reliabilityEnv(dataDir, start, newInstance) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const url = /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
        if (!url) continue;
        resolve({
          baseUrl: url,
          pause: () => child.kill('SIGSTOP'),
          resume: () => child.kill('SIGCONT'),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            child.kill('SIGTERM');
            const { code } = await exited;
            if (code !== 0) throw new Error(`the service stopped with ${code}: ${stderr}`);
          },
        });
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the service exited (${signal ?? code}) before listening: ${stderr}`)),
    );
  });
}

export async function measureReliability() {
  const kills = Number(process.env.BENCH_RELIABILITY_KILLS ?? 10);
  const newInstance = process.env.BENCH_RELIABILITY_NEW_INSTANCE === '1';
  const { dir, cleanup } = workDir();
  try {
    const loadBefore = loadavg().map((load) => Math.round(load * 100) / 100);
    const figures = await killUnderLoad({
      dataDir: freshDir(dir, 'reliability'),
      start: (dataDir, start) => startService(dataDir, start, newInstance),
      kills,
      upMs: [1000, 4000],
      tailMs: 2000,
      log: (line) => console.error(`[reliability] ${line}`),
    });
    const failed =
      figures.lost > 0 ||
      figures.duplicated > 0 ||
      figures.storedOnReject > 0 ||
      figures.notRefusedAsExpected > 0 ||
      figures.unexplained > 0 ||
      !figures.balancesAgree ||
      figures.verifyFindings !== 0;
    if (failed) throw new Error(`reliability figures broken: ${JSON.stringify(figures)}`);
    return {
      method:
        `${figures.clients} concurrent clients send top-ups and usage records (each with its own id and ` +
        `Idempotency-Key; one in ten a top-up below the minimum, to be refused) to the service (dist/src/main.js) on ${figures.accounts} accounts; it is killed ` +
        `with SIGKILL ${kills} times at random moments (every other kill just after a command's events ` +
        `are stored, before its answer) and restarted on the same DATA_DIR; a request without an answer is ` +
        `sent again unchanged until answered. Then: each acknowledged command counted in the log, the ` +
        `balances compared in the read model, the log as of now and a fold of the events, GET /v1/audit/verify`,
      restartedAs: newInstance
        ? 'a new INSTANCE_ID each time (dead claims expire after their 30 s lease)'
        : 'the same INSTANCE_ID (dead claims released at start-up)',
      loadAverage: { before: loadBefore, after: loadavg().map((load) => Math.round(load * 100) / 100) },
      ...figures,
      fuzz: 'test/api/every-route.test.ts (see docs/security.md, "What each reliability figure proves")',
      tamperMatrix: 'test/e2e/tamper-anchor.e2e.test.ts',
    };
  } finally {
    cleanup();
  }
}
