// Shared helpers of the benchmarks: sizes, timing, percentiles, temporary directories.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * BENCH_SCALE multiplies every size (default 1: the sizes the targets name, except where a run says
 * otherwise). 0.1 gives a quick smoke run; 2 doubles every population.
 */
export const SCALE = (() => {
  const raw = process.env.BENCH_SCALE;
  if (raw === undefined || raw.trim() === '') return 1;
  const value = Number(raw);
  if (!(value > 0 && value <= 100)) throw new Error(`BENCH_SCALE must be a number in (0, 100], got '${raw}'`);
  return value;
})();

/** `base × BENCH_SCALE`, rounded, at least `min`. */
export const scaled = (base: number, min = 1) => Math.max(min, Math.round(base * SCALE));

/**
 * Where the runs keep their files. BENCH_DIR (set by the parent for its children) lets one child reuse a
 * log another generated; by default a fresh directory under the OS temp dir (same disk as the repo here).
 */
export function workDir(): { dir: string; cleanup: () => void } {
  if (process.env.BENCH_DIR) {
    mkdirSync(process.env.BENCH_DIR, { recursive: true });
    return { dir: process.env.BENCH_DIR, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freshDir(parent: string, name: string): string {
  const dir = join(parent, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const now = () => process.hrtime.bigint();
export const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
export const perSecond = (count: number, seconds: number) => Math.round(count / seconds);
export const ratio = (value: number, baseline: number) => Math.round((value / baseline) * 1000) / 1000;
export const ms = (nanoseconds: bigint | number) => Math.round(Number(nanoseconds) / 1e3) / 1e3;

/** The value at percentile p (0–100) of unsorted samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Deterministic pseudo-random numbers (mulberry32), so every run sends the same workload. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * Runs `work`; with BENCH_PROF=<dir>, under the V8 CPU profiler, writing `<dir>/<name>.cpuprofile`, so a
 * profile covers the measured section only (not set-up, generation or the baseline).
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROF;
  if (!dir) return work();
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
