// Month-end close: every account of the month log closes March and opens April (ClosePeriod on the command bus
// with a time in the next period, as the close endpoint and the timelines' close-period deadline do),
// while the document issuer (the timelines' projection) issues each closed period's documents.
import { accountId, MONTH } from './workload.js';
import { startEngine, type BenchEngine } from './engine.js';
import { EventBusFeed } from '../projections/workers/event-bus-feed.js';
import { monthLog } from './shared-log.js';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  median,
  now,
  percentile,
  perSecond,
  pool,
  profiled,
  ratio,
  secondsSince,
  workDir,
} from './support.js';
import { appendedSince, rawAppend } from './raw-append.js';
import { ClosePeriod } from '../src/ledger/close-period/close-period.command.js';

export async function measureClose() {
  const { dir, cleanup } = workDir();
  try {
    const { dir: logDir, spec } = await monthLog(dir);
    const { closeAccounts, serialAccounts, timelineAccounts } = spec.extra;
    // Five minutes after the month ended everywhere. Deadline polling is off so that the timelines do not
    // close accounts on their own meanwhile; the planner and the document issuer run as usual.
    const at = new Date(Date.parse(MONTH.closedBy) + 5 * 60_000).toISOString();
    const engine = await startEngine(logDir, { now: at, polling: false });
    try {
      // Read models caught up before month end, as in production (the replay run leaves them built;
      // alone, this run builds them here, untimed). The engine's caches are empty: a fresh process.
      const catchUpStarted = now();
      await engine.settle();
      await caughtUpAsInProduction(engine);
      const catchUpSeconds = secondsSince(catchUpStarted);
      const headBefore = (await engine.store.headPosition())!;
      // The baseline appends to a copy of the log as it is now, so both write into the same file state.
      for (const suffix of ['', '-wal']) {
        const from = join(logDir, `events.sqlite${suffix}`);
        if (existsSync(from)) copyFileSync(from, join(logDir, `raw-close.sqlite${suffix}`));
      }
      const closeOne = async (id: string) => {
        const started = now();
        const closed = await engine.bus.execute(new ClosePeriod(id, MONTH.id));
        if (!closed.carried || !closed.openPeriod.startsWith(MONTH.next().id))
          throw new Error(`${id}: April is not open (${closed.openPeriod})`);
        return Number(now() - started) / 1e6;
      };

      // All accounts at once, 64 closes in flight (a month-end batch through the close endpoint).
      const concurrency = 64;
      const latencies: number[] = [];
      const started = now();
      const cpuBefore = process.cpuUsage();
      let closeSeconds = 0;
      await profiled('close', async () => {
        await pool(closeAccounts, concurrency, async (i) =>
          latencies.push(await closeOne(accountId(spec.prefix, i))),
        );
        closeSeconds = secondsSince(started);
        // Documents issued and numbered, every read model up to date with the closes and documents.
        await engine.settle();
      });
      const withDocumentsSeconds = secondsSince(started);
      const withDocumentsCpu = process.cpuUsage(cpuBefore);
      // Baseline: the very events the close with documents stored (closes, bills, numbering, documents, as
      // the engine grouped them into appends), appended again to the copy, 64 callers at a time.
      const groups = await appendedSince(engine.store, headBefore);
      const raw = await profiled('close-raw', () => rawAppend(logDir, 'raw-close', groups, concurrency));
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(logDir, `raw-close.sqlite${suffix}`), { force: true });

      // One close at a time, as the timeline engine fires its due deadlines (each awaited before the next).
      const serialLatencies: number[] = [];
      const serialStarted = now();
      for (let i = closeAccounts; i < closeAccounts + serialAccounts; i++)
        serialLatencies.push(await closeOne(accountId(spec.prefix, i)));
      await engine.settle();
      const serialSeconds = secondsSince(serialStarted);

      // The rest as production closes them: the timeline engine fires every due close-period deadline
      // (in rounds, accounts side by side; the deadlines of the accounts closed above fire as no-ops).
      const headBeforeTimelines = (await engine.store.headPosition())!;
      const timelinesStarted = now();
      const fired = await engine.timelines.fireDue();
      await engine.settle();
      const timelineSeconds = secondsSince(timelinesStarted);
      let closedByTimelines = 0;
      for (let after = headBeforeTimelines; ;) {
        const page = await engine.store.readAll({ afterPosition: after, maxCount: 5000 });
        if (page.length === 0) break;
        closedByTimelines += page.filter((e) => e.type === 'PeriodClosed').length;
        after = page.at(-1)!.position;
      }
      if (closedByTimelines !== timelineAccounts)
        throw new Error(`the timelines closed ${closedByTimelines} periods, expected ${timelineAccounts}`);

      const types = new Map<string, number>();
      let after = headBefore;
      for (;;) {
        const page = await engine.store.readAll({ afterPosition: after, maxCount: 5000 });
        if (page.length === 0) break;
        for (const event of page) types.set(event.type, (types.get(event.type) ?? 0) + 1);
        after = page.at(-1)!.position;
      }
      // What the engine keeps for these accounts: its caches hold every account and both periods now.
      (globalThis as { gc?: () => void }).gc?.();
      const liveHeapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      return {
        method:
          `${closeAccounts} accounts, each with a month of usage (${spec.usagePerMonth} records), closed with ` +
          `ClosePeriod(account, March) on the command bus, ${concurrency} in flight, in the engine as ` +
          `npm start runs it, caches empty at the start (every period is read from the store): PeriodClosed ` +
          `with per-service totals, a period bill for credit accounts, April opened with the carried state, ` +
          `all fsynced; "with documents" ends when the document issuer has issued and numbered the closing ` +
          `documents and bills of the legal entities and every read model has caught up; then ` +
          `${serialAccounts} more closed one at a time (how the timeline engine fired them before rounds), then ` +
          `${timelineAccounts} more by the timeline engine firing every due close-period deadline (the ` +
          `already-closed accounts' deadlines fire as no-ops within that time)`,
        accounts: closeAccounts,
        closeSeconds: round1(closeSeconds),
        periodsClosedPerSec: perSecond(closeAccounts, closeSeconds),
        latencyMs: { p50: round1(median(latencies)), p99: round1(percentile(latencies, 99)) },
        withDocumentsSeconds: round1(withDocumentsSeconds),
        periodsClosedWithDocumentsPerSec: perSecond(closeAccounts, withDocumentsSeconds),
        // The process's CPU over the same span (every thread): on a shared machine the wall time follows the
        // load, this much less — compare builds by it when the load moves between runs.
        withDocumentsCpuSeconds: round1((withDocumentsCpu.user + withDocumentsCpu.system) / 1e6),
        projectedWithDocumentsSecondsFor10000: round1((withDocumentsSeconds / closeAccounts) * 10_000),
        rawAppendsPerSec: raw.appendsPerSec,
        rawAppends: raw.appends,
        rawEventsPerSec: raw.eventsPerSec,
        // Target ≥ 0.03: closes with documents per second ÷ raw appends per second (same process, same file state).
        closesPerSecToRawAppendsPerSec: ratio(closeAccounts / withDocumentsSeconds, raw.appendsPerSec),
        eventsAppended: Object.fromEntries([...types].sort((a, b) => b[1] - a[1])),
        liveHeapAfterFullGcMiB: liveHeapMiB,
        readModelCatchUpBeforeSeconds: round1(catchUpSeconds),
        serial: {
          accounts: serialAccounts,
          periodsClosedWithDocumentsPerSec: perSecond(serialAccounts, serialSeconds),
          latencyMsP50: round1(median(serialLatencies)),
          projectedSecondsFor10000: round1((serialSeconds / serialAccounts) * 10_000),
        },
        timelines: {
          accounts: timelineAccounts,
          deadlinesFired: fired.length,
          periodsClosedWithDocumentsPerSec: perSecond(timelineAccounts, timelineSeconds),
          projectedSecondsFor10000: round1((timelineSeconds / timelineAccounts) * 10_000),
          versusOneAtATime: round2(serialSeconds / serialAccounts / (timelineSeconds / timelineAccounts)),
        },
      };
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

/**
 * What a service that ran through March has already done, and a fresh bench process does in the background
 * at start: the shared log reader starts at the lowest read-model checkpoint — none yet for the document
 * read models, which match nothing before the first close, so it reads the whole log again — and the
 * event-bus feed keeps its checkpoint in memory in the bench engine (`deps.workers` unset), so it feeds the
 * whole log to the bus again. Left running, both read the month log during the timed close (≈ 20 % of its
 * CPU at BENCH_SCALE=0.3); waited for here, untimed, as the read models are.
 */
async function caughtUpAsInProduction(engine: BenchEngine): Promise<void> {
  const head = (await engine.store.headPosition())!;
  await engine.app.get(EventBusFeed).waitFor(head, 3_600_000);
  for (const projection of engine.projections.projections) {
    const runner = engine.projections.host?.runner(projection.name);
    while (runner && runner.status.state !== 'live') {
      if (runner.status.state === 'failed') throw new Error(`${projection.name} failed`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
