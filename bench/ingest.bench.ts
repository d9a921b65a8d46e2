// Ingest: ConsumeResource through the CQRS command bus on the durable embedded store, against the raw
// append rate of the very same events.
import { fork, type Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { namedLedgerCommand } from '../src/ledger/named-ledger-command.js';
import { accountId, MONTH, SKU_COUNT, usageCommand } from './workload.js';
import { meta, openAndFund, startEngine, type BenchEngine } from './engine.js';
import { appendedSince, rawAppend, type RawAppendResult } from './raw-append.js';
import { freshDir, now, perSecond, pool, profiled, ratio, scaled, secondsSince, workDir } from './support.js';

export interface IngestRound {
  commands: number;
  events: number;
  /** Until every command was acknowledged (its events fsynced). */
  ackSeconds: number;
  /** Until, in addition, every read model, the deadline planner and the document issuer had caught up. */
  seconds: number;
  commandsPerSec: number;
  ackCommandsPerSec: number;
  appendsPerTransaction: number;
}

/**
 * Sends `count` usage records through the bus, `concurrency` callers at a time; record i goes to account
 * (i × 7919) mod accounts, so consecutive records hit different accounts and every account gets its share.
 * Starts from a settled engine and ends when the engine has settled again: the rate is sustainable.
 */
export async function ingestRound(
  engine: BenchEngine,
  ids: string[],
  count: number,
  concurrency: number,
  idPrefix: string,
  options: { settle?: boolean } = {},
): Promise<IngestRound> {
  const settle = options.settle !== false;
  if (settle) await engine.settle();
  const before = { ...engine.store.stats };
  const started = now();
  let events = 0;
  await pool(count, concurrency, async (i) => {
    const index = (i * 7919) % ids.length;
    const n = Math.floor(i / ids.length);
    const command = usageCommand(index, n, MONTH.day(1 + (n % 27)), `${idPrefix}-${index}`);
    const outcome = await engine.bus.execute(
      namedLedgerCommand(ids[index]!, command, meta(`${idPrefix}/${index}/${n}`)),
    );
    if (outcome.status !== 'accepted') throw new Error(`usage ${command.usageRecordId} was not accepted`);
    events += outcome.eventTypes.length;
  });
  const ackSeconds = secondsSince(started);
  const transactions = engine.store.stats.transactions - before.transactions;
  const appends = engine.store.stats.appends - before.appends;
  if (settle) await engine.settle();
  const seconds = secondsSince(started);
  return {
    commands: count,
    events,
    ackSeconds,
    seconds,
    commandsPerSec: perSecond(count, seconds),
    ackCommandsPerSec: perSecond(count, ackSeconds),
    appendsPerTransaction: Math.round((appends / transactions) * 10) / 10,
  };
}

export interface CommandPathResult {
  commands: number;
  /** µs of CPU (user + system, this process) per ConsumeResource, read models off. */
  commandPathMicros: number;
  /** µs of CPU per raw append of the very events those commands stored, same process, same concurrency. */
  rawAppendMicros: number;
  /** commandPathMicros ÷ rawAppendMicros: what the command path costs on top of storing its events. */
  commandPathToRawAppend: number;
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/**
 * The command path alone: an engine whose read models are off (PROJECTIONS=off, as the split mode runs;
 * the planner and the issuer stay, deadline polling off), CPU time per ConsumeResource until every command
 * is acknowledged, against the CPU time per raw append of the very events it stored (a copy of the store
 * file taken just before, same concurrency). CPU time rather than wall time: the machine is shared, and
 * what this figure is about is the work the process does per command.
 */
export async function measureCommandPath(parent: string, accounts: number, commands: number) {
  const concurrency = 64;
  const dir = freshDir(parent, 'command-path');
  const engine = await startEngine(dir, { now: MONTH.day(28), projections: 'off', polling: false });
  try {
    const ids = Array.from({ length: accounts }, (_, i) => accountId('cmd', i));
    await openAndFund(engine, ids, MONTH.day(1));
    await ingestRound(engine, ids, accounts, concurrency, 'warm');
    await engine.settle();
    const head = (await engine.store.headPosition())!;
    for (const suffix of ['', '-wal']) {
      const from = join(dir, `events.sqlite${suffix}`);
      if (existsSync(from)) copyFileSync(from, join(dir, `raw.sqlite${suffix}`));
    }
    const engineCpu = await profiled('ingest-command-path', async () => {
      const started = process.cpuUsage();
      await ingestRound(engine, ids, commands, concurrency, 'cmd', { settle: false });
      return cpuMicros(started);
    });
    await engine.settle();
    const groups = await appendedSince(engine.store, head);
    const rawStarted = process.cpuUsage();
    const raw = await profiled('ingest-command-path-raw', () => rawAppend(dir, 'raw', groups, concurrency));
    const rawCpu = cpuMicros(rawStarted);
    const commandPathMicros = Math.round((engineCpu / commands) * 10) / 10;
    const rawAppendMicros = Math.round((rawCpu / raw.appends) * 10) / 10;
    return {
      commands,
      commandPathMicros,
      rawAppendMicros,
      commandPathToRawAppend: ratio(commandPathMicros, rawAppendMicros),
    } satisfies CommandPathResult;
  } finally {
    await engine.close();
  }
}

/** The read models in a process of their own (projector.ts), driven over IPC. */
async function startProjector(dir: string) {
  const child = fork(fileURLToPath(new URL('./projector.js', import.meta.url)), [], {
    execArgv: [],
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const ask = (message: unknown) =>
    new Promise<void>((resolve, reject) => {
      child.once('message', (reply: { kind: string; message?: string }) =>
        reply.kind === 'error' ? reject(new Error(reply.message)) : resolve(),
      );
      child.send(message as Serializable);
    });
  await ask({ kind: 'start', dir });
  return {
    settle: (head: bigint) => ask({ kind: 'settle', head: head.toString() }),
    stop: () => ask({ kind: 'stop' }),
  };
}

/**
 * `split`: the engine with PROJECTIONS=off and the read models run by a second process on the same files
 * (the timelines stay in the engine's process, as src/main.ts runs them).
 */
export async function measureIngest(options: { split?: boolean } = {}) {
  const accounts = scaled(1000, 10);
  const commandsPerRound = scaled(15_000, 100);
  // BENCH_INGEST=command-path: only the command-path figure (a short run when working on the command path).
  const onlyCommandPath = process.env.BENCH_INGEST === 'command-path';
  const commandPathCommands = scaled(10_000, 100);
  const rounds = 2;
  const concurrency = 64;
  const { dir, cleanup } = workDir();
  const engineDir = freshDir(dir, 'ingest');
  try {
    if (onlyCommandPath) return await measureCommandPath(dir, accounts, commandPathCommands);
    const engine = await startEngine(engineDir, {
      now: MONTH.day(28),
      projections: options.split ? 'off' : 'in-process',
    });
    const projector = options.split ? await startProjector(engineDir) : undefined;
    if (projector) engine.alsoSettle = projector.settle;
    const engineRounds: IngestRound[] = [];
    const rawRounds: RawAppendResult[] = [];
    try {
      const ids = Array.from({ length: accounts }, (_, i) => accountId('ing', i));
      await openAndFund(engine, ids, MONTH.day(1));
      // Warm-up: one record per account (JIT, caches, SQLite pages), not timed.
      await ingestRound(engine, ids, accounts, concurrency, 'warm');
      // Engine and baseline alternate, so drift in the machine's load hits both alike.
      for (let r = 0; r < rounds; r++) {
        await engine.settle();
        const head = (await engine.store.headPosition())!;
        // The baseline appends to a copy of the log as it is now, so both write into the same file state.
        for (const suffix of ['', '-wal']) {
          const from = join(engineDir, `events.sqlite${suffix}`);
          if (existsSync(from)) copyFileSync(from, join(engineDir, `raw-${r}.sqlite${suffix}`));
        }
        engineRounds.push(
          await profiled(`ingest-engine-${r}`, () =>
            ingestRound(engine, ids, commandsPerRound, concurrency, `u${r}`),
          ),
        );
        const groups = await appendedSince(engine.store, head);
        rawRounds.push(
          await profiled(`ingest-raw-${r}`, () => rawAppend(engineDir, `raw-${r}`, groups, concurrency)),
        );
      }
    } finally {
      await projector?.stop();
      await engine.close();
    }
    const commandPath = await measureCommandPath(dir, accounts, commandPathCommands);
    const commands = sum(engineRounds, (r) => r.commands);
    const seconds = sum(engineRounds, (r) => r.seconds);
    const ackSeconds = sum(engineRounds, (r) => r.ackSeconds);
    const events = sum(engineRounds, (r) => r.events);
    const rawSeconds = sum(rawRounds, (r) => r.seconds);
    const rawAppends = sum(rawRounds, (r) => r.appends);
    const commandsPerSec = perSecond(commands, seconds);
    const ackCommandsPerSec = perSecond(commands, ackSeconds);
    const rawAppendsPerSec = perSecond(rawAppends, rawSeconds);
    return {
      method:
        (options.split
          ? 'As ingest, but the engine runs with PROJECTIONS=off and a second process runs the read ' +
            'models on the same files (the round ends when that process has caught up too). '
          : '') +
        `${rounds} rounds of ${commandsPerRound} ConsumeResource commands (${SKU_COUNT} SKUs in rotation) over ` +
        `${accounts} funded accounts (5 kinds: RUB/KZT/USD, prepaid and credit), ${concurrency} concurrent ` +
        `callers of CommandBus.execute (ConsumeResource → LedgerBook.decide: account, period, ` +
        `rating, grants, hash chain, append with expected revision, fsynced), in the engine as npm start ` +
        `runs it (timelines in the process, read models in its projector child by default: PROJECTOR=separate); a round ends when every command is ` +
        `acknowledged and every read model, the deadline planner and the document issuer have caught up. ` +
        `Baseline after each round: the events that round stored, one append per command as the engine ` +
        `made them, ${concurrency} concurrent, to a copy of the store file taken just before the round`,
      accounts,
      commands,
      commandsPerSec,
      ackCommandsPerSec,
      eventsPerCommand: Math.round((events / commands) * 100) / 100,
      engineAppendsPerTransaction: engineRounds[0]!.appendsPerTransaction,
      rawAppendsPerSec,
      rawEventsPerSec: perSecond(
        sum(rawRounds, (r) => r.events),
        rawSeconds,
      ),
      rawAppendsPerTransaction: rawRounds[0]!.appendsPerTransaction,
      ratioToRawAppend: ratio(commandsPerSec, rawAppendsPerSec),
      ackRatioToRawAppend: ratio(ackCommandsPerSec, rawAppendsPerSec),
      roundRatios: engineRounds.map((r, i) => ratio(r.commandsPerSec, rawRounds[i]!.appendsPerSec)),
      // The command path alone (read models off), in CPU time: see measureCommandPath.
      commandPathMicros: commandPath.commandPathMicros,
      rawAppendMicros: commandPath.rawAppendMicros,
      commandPathToRawAppend: commandPath.commandPathToRawAppend,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    cleanup();
  }
}

const sum = <T>(items: T[], value: (item: T) => number) =>
  items.reduce((total, item) => total + value(item), 0);
