// Memory for 100 000 accounts: the engine serves a usage command on every one of 100 000 accounts (each
// opened and funded, loaded from the store when first touched), and this process's peak RSS is the figure.
import { namedLedgerCommand } from '../src/ledger/named-ledger-command.js';
import { accountId, MONTH, usageCommand } from './workload.js';
import { generateLog } from './log-generator.js';
import { meta, startEngine, type BenchEngine } from './engine.js';
import { DEFAULT_LEDGER_CACHE_EVENTS, LEDGER_CACHE_EVENTS_PER_STREAM } from '../src/ledger/ledger-book.js';
import { join } from 'node:path';
import { AggregateStreams } from '../src/platform/commands/aggregate-streams.js';
import { ledgerStream } from '../src/platform/event-store/stream-names.js';
import { evolveLedger, initialLedgerState } from '../src/domain/ledger/ledger-state.js';
import { now, peakRssMiB, perSecond, pool, profiled, scaled, secondsSince, workDir } from './support.js';

const memorySpec = () => ({
  prefix: 'mem',
  accounts: scaled(100_000, 100),
  firstMonth: MONTH.id,
  months: 1,
  usagePerMonth: 0,
  closeMonths: false,
});

/** A few accounts with a whole month of usage: what one cached ledger state weighs at month end. */
const fullMonthSpec = () => ({
  prefix: 'full',
  accounts: 400,
  firstMonth: MONTH.id,
  months: 1,
  usagePerMonth: 100,
  closeMonths: false,
});

/**
 * Loads `count` ledger streams of the accounts `<prefix>-…` into a cache of their own, as the engine loads
 * them, and measures the live heap they add: KiB per state and events per stream.
 */
async function ledgerStateWeight(engine: BenchEngine, prefix: string, count: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = new AggregateStreams(engine.store, engine.clock, initialLedgerState, evolveLedger, count);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let events = 0;
  for (let i = 0; i < count; i++)
    events += ((await sample.load(ledgerStream(accountId(prefix, i), MONTH.id))).revision ?? -1) + 1;
  gc?.();
  const kib = (process.memoryUsage().heapUsed - heapBefore) / count / 1024;
  return { kib: Math.round(kib * 10) / 10, events: Math.round((events / count) * 10) / 10 };
}

/** The `memory-log` step: the accounts, generated in a process of their own. */
export async function prepareMemoryLog() {
  const { dir } = workDir();
  const accounts = await generateLog(join(dir, 'memory'), memorySpec());
  const fullMonth = await generateLog(join(dir, 'memory'), fullMonthSpec());
  return { events: accounts.events + fullMonth.events, seconds: accounts.seconds + fullMonth.seconds };
}

/** The memory after a full GC (when --expose-gc), in MiB: the live heap and what is outside it. */
function phase(name: string) {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const sample = {
    rssMiB: mib(usage.rss),
    heapUsedMiB: mib(usage.heapUsed),
    heapTotalMiB: mib(usage.heapTotal),
    externalMiB: mib(usage.external),
    arrayBuffersMiB: mib(usage.arrayBuffers),
  };
  if (process.env.BENCH_HEAP) console.error(`[memory] ${name}`, JSON.stringify(sample));
  return sample;
}

/**
 * With BENCH_HEAP=<dir>, starts V8's sampling heap profiler; the function it returns writes
 * `<dir>/<name>.heapprofile`: the sampled allocations still live then, by allocation stack (open in DevTools
 * or read with `node dist/bench/heap-top.js`). Without BENCH_HEAP, does nothing.
 */
async function sampleHeap(name: string): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_HEAP;
  if (!dir) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024 });
  return async () => {
    (globalThis as { gc?: () => void }).gc?.();
    const { profile } = await session.post('HeapProfiler.getSamplingProfile');
    await session.post('HeapProfiler.stopSampling');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.heapprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

export async function measureMemory() {
  const { accounts } = memorySpec();
  const commandsPerAccount = 1;
  const { dir, cleanup } = workDir();
  const engineDir = join(dir, 'memory');
  try {
    const log = await generateLog(engineDir, memorySpec());
    await generateLog(engineDir, fullMonthSpec());
    // Where the resident memory is when it peaks: V8 heap (committed and used) or outside it.
    let atPeak = process.memoryUsage();
    let ticks = 0;
    const sampler = setInterval(() => {
      const sample = process.memoryUsage();
      if (sample.rss > atPeak.rss) atPeak = sample;
      // With BENCH_HEAP, a trace every 2 s (stderr): which phase grows what.
      if (process.env.BENCH_HEAP && ticks++ % 8 === 0)
        console.error(
          `[memory] ${Math.round(ticks / 4)} s`,
          ['rss', 'heapTotal', 'heapUsed', 'external']
            .map((key) => `${key} ${Math.round(sample[key as keyof typeof sample] / 2 ** 20)}`)
            .join(' '),
        );
    }, 250);
    const heapSampled = await sampleHeap('memory');
    const engine = await startEngine(engineDir, { now: MONTH.day(28) });
    try {
      // The read models and timelines catch up on the accounts first (as after a restart with lag).
      const catchUpStarted = now();
      await engine.settle();
      const catchUpSeconds = secondsSince(catchUpStarted);
      const afterCatchUp = phase('afterCatchUp');
      const started = now();
      const count = accounts * commandsPerAccount;
      // Round-robin over all accounts, twice: the per-type caches (20 000 entries) churn all the way.
      await profiled('memory', () =>
        pool(count, 64, async (i) => {
          const index = i % accounts;
          const n = 100 + Math.floor(i / accounts);
          const id = accountId('mem', index);
          const usage = usageCommand(index, n, MONTH.day(1 + (index % 27)), `${id}.mem`);
          const outcome = await engine.bus.execute(namedLedgerCommand(id, usage, meta(`mem/${id}/${n}`)));
          if (outcome.status !== 'accepted') throw new Error(`${id}: usage not accepted`);
        }),
      );
      await engine.settle();
      const seconds = secondsSince(started);
      clearInterval(sampler);
      const servicePeak = peakRssMiB();
      // The read models run in the projector child by default: serving the accounts costs both processes
      // (the sum of the two peaks, an upper bound: they need not peak at the same moment).
      const projectorPeak = engine.projectorPeakRssMiB();
      const peak = servicePeak + (projectorPeak ?? 0);
      const heap = process.memoryUsage();
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const live = process.memoryUsage();
      const afterCommands = phase('afterCommands');
      await heapSampled();
      // What one cached ledger state weighs, loaded as the engine loads it: at month end (100 usage
      // records) and light (opened, funded, one record — the accounts served above).
      const fullMonth = await ledgerStateWeight(engine, 'full', fullMonthSpec().accounts);
      const light = await ledgerStateWeight(engine, 'mem', 2_000);
      // The ledger cache's budget in bytes: its weight (events + a fixed part per state) at the bytes per
      // weighed event measured here.
      const bytesPerWeighedEvent =
        (fullMonth.kib * 1024) / (fullMonth.events + LEDGER_CACHE_EVENTS_PER_STREAM);
      return {
        method:
          `${accounts} accounts (opened and funded: ${log.events} events, generated by ` +
          `the memory-log step in its own process); the engine as npm start runs it catches its read ` +
          `models and timelines up on them, then ${commandsPerAccount} ConsumeResource per account ` +
          `through the command bus, 64 in flight: every account loaded from the store when touched, the ` +
          `bounded caches full and churning; peak RSS of this process plus, with PROJECTOR=separate (the ` +
          `default), the projector child's`,
        accounts,
        commands: count,
        commandsPerSec: perSecond(count, seconds),
        readModelCatchUpSeconds: Math.round(catchUpSeconds * 10) / 10,
        peakRssMiB: peak,
        servicePeakRssMiB: servicePeak,
        ...(projectorPeak === undefined ? {} : { projectorPeakRssMiB: projectorPeak }),
        fullMonthLedgerState: fullMonth,
        lightLedgerState: light,
        bytesPerWeighedEvent: Math.round(bytesPerWeighedEvent),
        lightBytesPerWeighedEvent: Math.round(
          (light.kib * 1024) / (light.events + LEDGER_CACHE_EVENTS_PER_STREAM),
        ),
        ledgerCacheAtCapacityMiB: Math.round((bytesPerWeighedEvent * DEFAULT_LEDGER_CACHE_EVENTS) / 2 ** 20),
        atPeakSample: Object.fromEntries(
          Object.entries(atPeak).map(([key, bytes]) => [`${key}MiB`, Math.round(bytes / 2 ** 20)]),
        ),
        // Each phase's resident size and live heap after a full GC: what stays, not the garbage.
        phases: { afterCatchUp, afterCommands },
        atEnd: {
          rssMiB: Math.round(heap.rss / 2 ** 20),
          heapUsedMiB: Math.round(heap.heapUsed / 2 ** 20),
          liveHeapAfterFullGcMiB: Math.round(live.heapUsed / 2 ** 20),
          rssAfterFullGcMiB: Math.round(live.rss / 2 ** 20),
        },
      };
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}
