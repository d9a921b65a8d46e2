// HTTP ingest: the batch usage endpoint over loopback, several concurrent clients in another process,
// against in-process ingest measured on the same engine just before.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { accountId, MONTH } from './workload.js';
import { SERVICE_KEY, openAndFund, startEngine } from './engine.js';
import { ingestRound } from './ingest.bench.js';
import type { ClientPlan, ClientReport } from './http-client.js';
import {
  freshDir,
  now,
  percentile,
  perSecond,
  profiled,
  ratio,
  scaled,
  secondsSince,
  workDir,
} from './support.js';

function runClients(plan: ClientPlan): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const client = fork(fileURLToPath(new URL('./http-client.js', import.meta.url)), [], {
      // No --cpu-prof for the client: the profile of interest is the server's.
      execArgv: [],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let report: ClientReport | undefined;
    client.on('message', (message) => (report = message as ClientReport));
    client.on('error', reject);
    client.on('exit', (code) =>
      report ? resolve(report) : reject(new Error(`HTTP client exited with ${code} before reporting`)),
    );
    client.send(plan);
  });
}

export async function measureHttp() {
  const accounts = scaled(1000, 10);
  const clients = 8;
  const batch = 250;
  const requests = Math.max(clients, Math.round(scaled(30_000, 400) / batch));
  const inProcessCommands = scaled(15_000, 200);
  const concurrency = 64;
  const { dir, cleanup } = workDir();
  try {
    const engine = await startEngine(freshDir(dir, 'http'), { now: MONTH.day(28), listen: true });
    try {
      const ids = Array.from({ length: accounts }, (_, i) => accountId('web', i));
      await openAndFund(engine, ids, MONTH.day(1));
      await ingestRound(engine, ids, accounts, concurrency, 'warm');
      // The in-process reference, on this engine, with the same record mix and as many commands in flight
      // as the HTTP clients keep (clients × batch): the same transaction size, so the ratio is the cost of
      // HTTP alone, not of group commit (issue 18). The usual 64-caller figure is reported beside it.
      const inProcess = await ingestRound(engine, ids, inProcessCommands, clients * batch, 'bus');
      const inProcess64 = await ingestRound(engine, ids, inProcessCommands, concurrency, 'bus64');
      // HTTP warm-up (connections, JIT of the HTTP path), then the measured run.
      await runClients({
        baseUrl: engine.baseUrl!,
        apiKey: SERVICE_KEY,
        ids,
        clients,
        batch,
        requests: clients * 2,
        firstRecord: 0,
        idPrefix: 'hw',
      });
      await engine.settle();
      const before = { ...engine.store.stats };
      const report = await profiled('http-server', () =>
        runClients({
          baseUrl: engine.baseUrl!,
          apiKey: SERVICE_KEY,
          ids,
          clients,
          batch,
          requests,
          firstRecord: 0,
          idPrefix: 'h',
        }),
      );
      if (report.errors.length > 0 || report.accepted !== requests * batch) {
        throw new Error(
          `HTTP run: ${report.accepted}/${requests * batch} accepted; ${report.errors.join(' | ')}`,
        );
      }
      const transactions = engine.store.stats.transactions - before.transactions;
      const appends = engine.store.stats.appends - before.appends;
      // Sustained: until the read models and timelines have caught up with what was acknowledged.
      const settleStarted = now();
      await engine.settle();
      const seconds = report.seconds + secondsSince(settleStarted);
      const recordsPerSec = perSecond(report.accepted, seconds);
      return {
        method:
          `${clients} keep-alive clients (separate process) POST /v1/usage/batch with ${batch} records each ` +
          `(${requests} requests, Idempotency-Key on each, API key auth, per-record class-validator ` +
          `validation, then the same ConsumeResource command per record as in-process), ended when the read ` +
          `models and timelines have caught up; reference: ${inProcessCommands} records through ` +
          `CommandBus.execute on the same engine, ${clients * batch} callers (the records the clients keep in ` +
          `flight: the same transaction size), measured the same way`,
        accounts,
        records: report.accepted,
        recordsPerSec,
        ackRecordsPerSec: perSecond(report.accepted, report.seconds),
        requestsPerSec: perSecond(requests, report.seconds),
        latencyMs: {
          p50: Math.round(percentile(report.latenciesMs, 50)),
          p99: Math.round(percentile(report.latenciesMs, 99)),
          max: Math.round(percentile(report.latenciesMs, 100)),
        },
        appendsPerTransaction: Math.round((appends / transactions) * 10) / 10,
        inProcessCommandsPerSec: inProcess.commandsPerSec,
        inProcessAppendsPerTransaction: inProcess.appendsPerTransaction,
        ratioToInProcess: ratio(recordsPerSec, inProcess.commandsPerSec),
        inProcess64CommandsPerSec: inProcess64.commandsPerSec,
        inProcess64AppendsPerTransaction: inProcess64.appendsPerTransaction,
        seconds: Math.round(seconds * 10) / 10,
      };
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}
