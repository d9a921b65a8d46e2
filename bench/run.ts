// `npm run bench [-- <name> ...]`: runs the named benchmarks (all by default), each in its own child
// process so its peak RSS is its own, then prints the results as JSON (stdout) and a table (stderr).
//
// Environment: BENCH_SCALE (size multiplier, default 1), BENCH_PROF=<dir> (CPU profiles of the measured
// sections into <dir>/<run>-<section>.cpuprofile), BENCH_OUT=<file> (also write the JSON there).
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCALE, peakRssMiB } from './support.js';
import { evaluateTargets, printTable } from './report.js';

/**
 * In run order. Steps (`step: true`) are not benchmarks: they generate a log that the benchmarks naming
 * them in `needs` read, in a process of their own so generating does not count in those runs' memory.
 */
const BENCHMARKS: Record<
  string,
  {
    run: () => Promise<unknown>;
    needs?: string;
    step?: true;
    optional?: true;
    /** The child runs with the Node flags of `npm start` (package.json), as the service runs. */
    asStarted?: true;
  }
> = {
  store: { run: async () => (await import('./store.bench.js')).measureStoreBaseline() },
  ingest: { run: async () => (await import('./ingest.bench.js')).measureIngest() },
  /** Not in the default set: the same ingest with the read models in a second process. */
  'ingest-split': {
    run: async () => (await import('./ingest.bench.js')).measureIngest({ split: true }),
    optional: true,
  },
  http: { run: async () => (await import('./http.bench.js')).measureHttp() },
  log: { run: async () => (await import('./shared-log.js')).prepareMonthLog(), step: true },
  replay: { run: async () => (await import('./replay.bench.js')).measureReplay(), needs: 'log' },
  'replay-pg': {
    run: async () => (await import('./replay-pg.bench.js')).measureReplayPg(),
    needs: 'log',
  },
  close: { run: async () => (await import('./close.bench.js')).measureClose(), needs: 'log' },
  age: { run: async () => (await import('./age.bench.js')).measureAge() },
  /** Not in the default set (minutes of kill -9 and restarts): `npm run bench -- reliability`. */
  reliability: {
    run: async () => (await import('./reliability.bench.js')).measureReliability(),
    optional: true,
  },
  'memory-log': { run: async () => (await import('./memory.bench.js')).prepareMemoryLog(), step: true },
  memory: {
    run: async () => (await import('./memory.bench.js')).measureMemory(),
    needs: 'memory-log',
    asStarted: true,
  },
};

interface ChildReport {
  result?: unknown;
  error?: string;
  peakRssMiB: number;
  seconds: number;
  /** The machine's 1-minute load average when the run started and when it ended (the machine is shared). */
  loadAverage?: [number, number];
}

async function child(name: string): Promise<void> {
  const started = process.hrtime.bigint();
  let report: ChildReport;
  try {
    const result = await BENCHMARKS[name]!.run();
    report = { result, peakRssMiB: peakRssMiB(), seconds: seconds(started) };
  } catch (error) {
    report = {
      error: (error as Error).stack ?? String(error),
      peakRssMiB: peakRssMiB(),
      seconds: seconds(started),
    };
  }
  await new Promise<void>((resolve) => process.send!(report, () => resolve()));
  process.exit(0);
}

const seconds = (started: bigint) => Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;

function runChild(name: string, dir: string): Promise<ChildReport> {
  // --expose-gc only lets a run report its live heap after a full collection at its very end.
  const execArgv = [
    ...process.execArgv,
    '--expose-gc',
    ...(BENCHMARKS[name]?.asStarted ? startNodeFlags() : []),
  ];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let report: ChildReport | undefined;
    const worker = fork(fileURLToPath(import.meta.url), [name], {
      execArgv,
      env: { ...process.env, BENCH_CHILD: '1', BENCH_DIR: dir },
      // stdout is for the JSON alone: whatever a child prints goes to stderr.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    worker.on('message', (message) => (report = message as ChildReport));
    worker.on('error', reject);
    worker.on('exit', (code, signal) =>
      resolve(
        report ?? {
          error: `child exited with ${signal ?? code} before reporting`,
          peakRssMiB: 0,
          seconds: seconds(started),
        },
      ),
    );
  });
}

async function parent(): Promise<void> {
  const available = Object.keys(BENCHMARKS).filter((name) => !BENCHMARKS[name]!.step);
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
    process.exit(2);
  }
  const chosen = requested.length > 0 ? requested : available.filter((name) => !BENCHMARKS[name]!.optional);
  const steps = new Set(chosen.map((name) => BENCHMARKS[name]!.needs).filter(Boolean));
  const names = Object.keys(BENCHMARKS).filter((name) => chosen.includes(name) || steps.has(name));
  const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
  const started = process.hrtime.bigint();
  const loadAtStart = loadavg().map(round1);
  const runs: Record<string, ChildReport> = {};
  try {
    const run = async (name: string) => {
      console.error(`[bench] ${name}…`);
      const loadBefore = round1(loadavg()[0]!);
      runs[name] = await runChild(name, dir);
      const report = runs[name]!;
      report.loadAverage = [loadBefore, round1(loadavg()[0]!)];
      console.error(
        `[bench] ${name}: ${report.error ? 'FAILED' : 'done'} in ${report.seconds} s, peak RSS ${report.peakRssMiB} MiB`,
      );
      if (report.error) console.error(report.error);
    };
    // The generation steps first, side by side (one process each: two cores); then one benchmark at a
    // time, alone on the machine.
    await Promise.all(names.filter((name) => BENCHMARKS[name]!.step).map(run));
    for (const name of names.filter((name) => !BENCHMARKS[name]!.step)) await run(name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const output = {
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      /** 1, 5 and 15-minute load averages at the start and the end of the whole run. */
      loadAverage: { start: loadAtStart, end: loadavg().map(round1) },
    },
    at: new Date().toISOString(),
    scale: SCALE,
    totalSeconds: seconds(started),
    runs,
    targets: evaluateTargets(runs),
  };
  const json = JSON.stringify(output, null, 2);
  console.log(json);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, json + '\n');
  printTable(output);
  if (Object.values(runs).some((run) => run.error)) process.exitCode = 1;
}

/** The Node flags of package.json's `start` script (`node <flags> dist/src/main.js`). */
function startNodeFlags(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('No package.json above the bench');
    dir = dirname(dir);
  }
  const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = scripts.start!.split(/\s+/);
  const flags: string[] = [];
  for (const word of words.slice(words.indexOf('node') + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

if (process.env.BENCH_CHILD) await child(process.argv[2]!);
else await parent();
