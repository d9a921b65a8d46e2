import { loadConfig } from '../../platform/config/config.js';
import { createEventStore } from '../../platform/event-store/create-event-store.js';
import type { EventStore } from '../../platform/event-store/event-store.port.js';
import { ProjectionLease } from '../../../projections/runner/projection-lease.js';
import type { RequestRow } from '../../../projections/runner/projection-registry.js';
import type { ReadModelDb } from '../../../projections/runner/read-model-db.js';
import type {
  ProjectionOperations,
  ProjectionReport,
  WorkerSource,
} from '../projections/projection-operations.js';
import {
  loadProjectionsConfig,
  ProjectionsRuntime,
  openReadModelDb,
  workerSources,
} from '../projections/projections-runtime.js';
import { loadWorkersConfig } from '../projections/workers-config.js';
import { hostname } from 'node:os';
import { ProgressLine } from './progress.js';
import { allProjections } from '../../../projections/all-projections.js';
import { parseProjectionsCommandLine, type CliIo, type Intent } from './projections-command-line.js';

export type { CliIo } from './projections-command-line.js';

/** Runs one CLI command; returns the process exit code. */
export async function runProjectionsCli(args: string[], io: CliIo): Promise<number> {
  const intent = parseProjectionsCommandLine(args, io);
  return typeof intent === 'number' ? intent : await runProjectionsIntent(intent, io);
}

/** Carries out a parsed command line; returns the process exit code. */
export async function runProjectionsIntent(intent: Intent, io: CliIo): Promise<number> {
  const config = loadConfig(io.env);
  const projectionsConfig = loadProjectionsConfig(config.dataDir, io.env);
  const store = await createEventStore(config.eventStore);
  const db = openReadModelDb(projectionsConfig.readModelDb);
  const workers = loadWorkersConfig(
    config.dataDir,
    projectionsConfig.readModelDb,
    { holder: projectionsConfig.holder, ttlMs: projectionsConfig.leaseTtlMs },
    io.env,
  );
  const runtime = new ProjectionsRuntime(
    store,
    db,
    { run: false, holder: projectionsConfig.holder },
    allProjections(),
    workerSources(workers, projectionsConfig.readModelDb, db),
  );
  const ops = runtime.operations;
  try {
    await runtime.start();
    switch (intent.command) {
      case 'list':
        return await list(ops, io);
      case 'status':
        return await status(ops, io, intent.name, intent.json);
      case 'replay':
      case 'rebuild':
      case 'resume': {
        const names = intent.command === 'rebuild' ? ops.projections.map((p) => p.name) : [intent.name];
        const worker = ops.workers.find((w) => w.identity.name === names[0]);
        if (worker && intent.command !== 'resume') {
          io.err(`${names[0]} is a worker, not a read model: it can be resumed, not replayed\n`);
          return 2;
        }
        if (worker) return await resumeWorker(ops, worker, io, !intent.wait);
        const unknown = names.find((n) => !ops.projection(n));
        if (unknown) {
          io.err(`No projection named ${unknown}; known: ${ops.projections.map((p) => p.name).join(', ')}\n`);
          return 2;
        }
        const by = `cli:${hostname()}:${process.pid}`;
        const options = intent.requireIdentical ? { onDifference: 'keep-live' as const } : {};
        const requests: RequestRow[] = [];
        for (const name of names) {
          requests.push(
            intent.command === 'resume'
              ? await ops.requestResume(name, by)
              : await ops.requestReplay(name, by, options),
          );
        }
        for (const r of requests) io.out(`requested ${r.kind} of ${r.name}: ${r.id}\n`);
        if (!intent.wait) return 0;
        return await carryOut(store, db, ops, requests, io, projectionsConfig.leaseTtlMs);
      }
    }
  } finally {
    await runtime.close();
    await store.close();
  }
}

/** Workers run inside the service (they send commands): the instance holding one carries out the resume. */
async function resumeWorker(
  ops: ProjectionOperations,
  worker: WorkerSource,
  io: CliIo,
  noWait: boolean,
): Promise<number> {
  const name = worker.identity.name;
  const request = await ops.requestResume(name, `cli:${hostname()}:${process.pid}`);
  io.out(`requested resume of ${name}: ${request.id}\n`);
  if (noWait) return 0;
  if (!(await ProjectionLease.holderOf(worker.db, name))) {
    io.out(`no running instance holds ${name}: the next instance to start resumes it\n`);
    return 0;
  }
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 250));
    const current = (await ops.request(request.id))!;
    if (current.state === 'done') {
      io.out(`${name}: resumed\n`);
      return 0;
    }
    if (current.state === 'failed') {
      io.out(`${name}: resume FAILED: ${(current.detail.error as { message?: string })?.message}\n`);
      return 1;
    }
  }
}

async function list(ops: ProjectionOperations, io: CliIo): Promise<number> {
  const rows = (await ops.list()).map((p) => [
    p.name,
    String(p.codeVersion),
    String(p.liveBuild ?? '-'),
    p.streams.join(' '),
  ]);
  io.out(table(['PROJECTION', 'CODE', 'LIVE BUILD', 'STREAMS'], rows));
  return 0;
}

async function status(
  ops: ProjectionOperations,
  io: CliIo,
  name: string | undefined,
  json: boolean,
): Promise<number> {
  const reports = name ? [await ops.statusOf(name)] : await ops.status();
  if (reports[0] === undefined) {
    io.err(`No projection named ${name}\n`);
    return 2;
  }
  const all = reports as ProjectionReport[];
  if (json) {
    io.out(`${JSON.stringify(all, null, 2)}\n`);
  } else {
    io.out(
      table(
        ['PROJECTION', 'KIND', 'STATE', 'BUILD', 'POSITION', 'HEAD', 'LAG', 'LAG S', 'APPLIED', 'HOLDER'],
        all.map((r) => [
          r.name,
          r.kind,
          r.rebuild
            ? `${r.state} (rebuild ${r.rebuild.state} ${(r.rebuild.progress * 100).toFixed(0)}%)`
            : r.state,
          String(r.liveBuild ?? '-'),
          r.position ?? '-',
          r.head ?? '-',
          String(r.lagPositions),
          r.lagSeconds.toFixed(1),
          String(r.eventsApplied),
          r.holder ?? '(none)',
        ]),
      ),
    );
    for (const r of all.filter((r) => r.lastError)) {
      const e = r.lastError!;
      io.out(
        `\n${r.name} stopped: ${e.message}\n` +
          (e.eventId
            ? `  event ${e.eventType} ${e.eventId} at position ${e.position} in stream ${e.streamId}\n`
            : ''),
      );
    }
    for (const r of all.filter((r) => r.notes?.length)) io.out(`\n${r.name}: ${r.notes!.join('; ')}\n`);
  }
  return all.some((r) => r.state === 'failed') ? 1 : 0;
}

/**
 * Waits for the requests, showing progress. Projections that no instance holds are run here, by a host
 * in this process, for as long as the requests take; the others are carried out by their holders.
 */
async function carryOut(
  store: EventStore,
  db: ReadModelDb,
  ops: ProjectionOperations,
  requests: RequestRow[],
  io: CliIo,
  leaseTtlMs: number,
): Promise<number> {
  const unattended: string[] = [];
  for (const r of requests) if (!(await ProjectionLease.holderOf(db, r.name))) unattended.push(r.name);
  const local =
    unattended.length > 0
      ? new ProjectionsRuntime(
          store,
          db,
          { run: true, holder: `cli:${hostname()}:${process.pid}`, leaseTtlMs, retireGraceMs: 0 },
          allProjections().filter((p) => unattended.includes(p.name)),
        )
      : undefined;
  if (local) {
    io.out(`no running instance holds ${unattended.join(', ')}: rebuilding here\n`);
    await local.host!.start();
  }
  const progress = new ProgressLine(io.out, io.tty);
  const pending = new Map(requests.map((r) => [r.id, r]));
  const finished: RequestRow[] = [];
  try {
    while (pending.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 250));
      let position = 0;
      let head = 0;
      let events = 0;
      for (const r of [...pending.values()]) {
        const current = (await ops.request(r.id))!;
        if (current.state === 'done' || current.state === 'failed') {
          pending.delete(r.id);
          finished.push(current);
          continue;
        }
        const report = await ops.statusOf(r.name);
        if (r.kind === 'replay' && report?.rebuild) {
          position += Number(report.rebuild.position ?? 0);
          events += report.rebuild.eventsApplied;
        } else position += Number(report?.position ?? 0);
        head += Number(report?.head ?? 0);
      }
      if (pending.size > 0) {
        const label = pending.size === 1 ? [...pending.values()][0]!.name : `${pending.size} projections`;
        progress.update(label, position, head, events);
      }
    }
  } finally {
    progress.done();
    await local?.stop();
  }
  let failed = 0;
  for (const r of finished) {
    const d = r.detail as {
      build?: number;
      liveBuild?: number;
      comparison?: unknown;
      error?: { message?: string };
    };
    if (r.state === 'failed') {
      failed++;
      io.out(`${r.name}: ${r.kind} FAILED: ${d.error?.message ?? 'unknown error'}\n`);
    } else if (r.kind === 'replay') {
      io.out(
        `${r.name}: build ${d.build} is live (was ${d.liveBuild ?? '-'}); ${describeComparison(d.comparison)}\n`,
      );
    } else io.out(`${r.name}: resumed\n`);
  }
  return failed > 0 ? 1 : 0;
}

function describeComparison(comparison: unknown): string {
  const c = comparison as {
    identical?: boolean;
    skipped?: string;
    tables?: Array<{ table: string; differingRows: number }>;
  };
  if (!c) return 'not compared';
  if (c.skipped) return `not compared: ${c.skipped}`;
  if (c.identical) return 'identical to the previous build';
  const differing = (c.tables ?? [])
    .filter((t) => t.differingRows > 0)
    .map((t) => `${t.table} (${t.differingRows} rows)`);
  return `DIFFERS from the previous build in ${differing.join(', ')}`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
