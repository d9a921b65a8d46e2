// Kill -9 under load (issue 17, "Figures to keep"): concurrent clients send top-ups and usage records to the
// real service process while it is killed with SIGKILL at random moments and restarted on the same DATA_DIR.
// Every request that got no answer is retried with the same ids and the same Idempotency-Key until it is
// answered. At the end, every acknowledged command must be in the log exactly once, nothing twice, and the
// balances must agree in every view. Shared by test/e2e/kill-under-load.e2e.test.ts (the service run from
// its TypeScript sources) and bench/reliability.bench.ts (`npm run bench -- reliability`, from dist).
import Big from 'big.js';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { hashApiKey } from '../src/platform/http/auth/api-keys.js';
import { defineEventSqlFunctions } from '../src/platform/event-store/sqlite/event-sql.js';

export const RELIABILITY_KEYS = { service: 'reliability-service-key', ops: 'reliability-ops-key' };

/**
 * The environment of the `start`-th start of the service (0 first): the same DATA_DIR and clock each time.
 * `newInstance`: each start is another instance (INSTANCE_ID) and the dead one's Idempotency-Key claims are
 * taken over only once their lease (IDEMPOTENCY_LEASE_MS, 30 s here) has run out: retries meet 409 until then.
 * The lease is longer than the default 10 s so that a restart slowed by a loaded machine (15–20 s seen on 2
 * shared cores) still finds the dead claims live — the behaviour this scenario exists to exercise.
 * Otherwise the same INSTANCE_ID every time: the restarted instance releases the dead one's claims at once.
 */
export const reliabilityEnv = (dataDir: string, start = 0, newInstance = false): Record<string, string> => ({
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info', // the "listening on" line is how a starter learns the port
  API_KEYS:
    `reliability-service:service:${hashApiKey(RELIABILITY_KEYS.service)},` +
    `reliability-ops:ops:${hashApiKey(RELIABILITY_KEYS.ops)}`,
  // A fixed business time: no month end, no deadline fires while the clients run.
  CLOCK: 'virtual:2026-03-10T12:00:00+03:00',
  // A load test measures the service, not the per-key rate limit.
  RATE_LIMIT_PER_MINUTE: '0',
  ...(newInstance
    ? { INSTANCE_ID: `reliability-${start + 1}`, IDEMPOTENCY_LEASE_MS: '30000' }
    : { INSTANCE_ID: 'reliability-1' }),
});

export interface RunningService {
  baseUrl: string;
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), resolved once the process is gone. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: freeze the process so that what it stored and what it answered stand still. */
  pause(): void;
  resume(): void;
}

export interface KillUnderLoadOptions {
  dataDir: string;
  /** Starts the service on dataDir; `start` counts the starts (0 first, then one per kill). */
  start: (dataDir: string, start: number) => Promise<RunningService>;
  kills: number;
  clients?: number;
  accounts?: number;
  /** How long the service runs under load between a (re)start and the next kill: uniform in [min, max]. */
  upMs?: [number, number];
  /** Load after the last restart, before the clients stop. */
  tailMs?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface KillUnderLoadFigures {
  kills: number;
  clients: number;
  accounts: number;
  /** Commands sent (each with its own payment or usage record id and Idempotency-Key). */
  commands: number;
  /** Commands answered 2xx (accepted, or duplicate for a retry whose first attempt had stored it). */
  acknowledged: number;
  acknowledgedTopUps: number;
  acknowledgedUsage: number;
  /** Of the acknowledged, answered `duplicate` (a retry after a kill, the first attempt's effect found). */
  acknowledgedAsDuplicate: number;
  /** Commands answered 4xx (a business refusal): must have stored nothing. */
  refused: number;
  /** Commands sent to be refused (top-ups below the minimum) that were not answered 422 TOP_UP_BELOW_MINIMUM. */
  notRefusedAsExpected: number;
  refusedCodes: Record<string, number>;
  /** Commands in flight (sent, not answered) at the kills, summed over the kills. */
  inFlightAtKills: number;
  /** Of those, already in the log when the process died: stored, never answered — the retry must not add them. */
  inFlightAtKillsStored: number;
  /**
   * How the retries of those were answered: `duplicate` (the command ran again and found the dead attempt's
   * events), or the dead attempt's own answer replayed (it had finished and stored its response, not sent it).
   */
  inFlightAtKillsStoredAnswers: Record<string, number>;
  /** Attempts that got no answer (connection reset or refused by a killed or starting service), retried. */
  unansweredAttempts: number;
  /** Attempts answered 5xx or 409 IDEMPOTENCY_KEY_IN_FLIGHT, retried. */
  retriedAnswers: number;
  /** Acknowledged commands whose effect is not in the log. */
  lost: number;
  /** Commands whose effect is in the log more than once. */
  duplicated: number;
  /** Refused commands whose effect is in the log anyway. */
  storedOnReject: number;
  /** Effects in the log no command was sent for (should be 0). */
  unexplained: number;
  /** Per account: read model (GET /v1/accounts/:id), log replay (?asOf=now), fold of the stored events. */
  balances: Record<string, { readModel: string; asOfNow: string; fold: string }>;
  balancesAgree: boolean;
  /** GET /v1/audit/verify after the last restart: findings against the signed checkpoint (expected none). */
  verifyFindings: number;
  seconds: number;
}

type Kind = 'top-up' | 'usage';
interface Command {
  id: string;
  kind: Kind;
  account: string;
  outcome?: 'acknowledged' | 'refused';
  status?: string;
  code?: string;
  /** Sent to be refused (a top-up below the profile's minimum): its answer must be 422, nothing stored. */
  belowMinimum?: boolean;
  /** Answered from the Idempotency-Key's stored response (the dead attempt had finished, not answered). */
  replayed?: boolean;
  /** In flight at a kill, and its effect already stored then. */
  storedAtKill?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const STORED_IDS = `SELECT COALESCE(json_extract(event_data(data, body), '$.paymentId'), json_extract(event_data(data, body), '$.usageRecordId')) AS id
  FROM events WHERE type IN ('FundsDeposited', 'ResourceConsumed')
   AND COALESCE(json_extract(event_data(data, body), '$.paymentId'), json_extract(event_data(data, body), '$.usageRecordId')) IN (SELECT value FROM json_each(?))`;

/** Which of these payment or usage record ids the store file holds. */
function storedIds(db: DatabaseSync, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const rows = db.prepare(STORED_IDS).all(JSON.stringify(ids)) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

function withStore<T>(dataDir: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dataDir, 'events.sqlite'), { readOnly: true });
  defineEventSqlFunctions(db); // compact rows keep their data in `body`
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const USAGE_WINDOW = { windowStart: '2026-03-10T10:00:00+03:00', windowEnd: '2026-03-10T11:00:00+03:00' };
const TOP_UP_AMOUNT = '500.00';

export async function killUnderLoad(options: KillUnderLoadOptions): Promise<KillUnderLoadFigures> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const clients = options.clients ?? 8;
  const accountCount = options.accounts ?? 4;
  const [minUp, maxUp] = options.upMs ?? [1500, 4000];
  const rnd = random(options.seed ?? 17);
  const accounts = Array.from({ length: accountCount }, (_, i) => `kill-${i}`);
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let service = await options.start(options.dataDir, 0);
  let up = true;
  log(`${elapsed()}: started`);

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key = RELIABILITY_KEYS.service,
  ) => {
    const response = await fetch(service.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };

  for (const account of accounts) {
    const opened = await call('POST', '/v1/accounts', {
      accountId: account,
      payerType: 'individual',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      profileId: 'vk-individual-prepaid',
    });
    if (opened.status !== 201)
      throw new Error(`opening ${account}: ${opened.status} ${JSON.stringify(opened.body)}`);
  }

  const commands: Command[] = [];
  const inFlight = new Set<Command>();
  let inFlightAtKills = 0;
  let inFlightAtKillsStored = 0;
  let unansweredAttempts = 0;
  let retriedAnswers = 0;
  let stopping = false;

  /** Sends one command until it has an answer that is not "try again": the same body and key every time. */
  const send = async (command: Command) => {
    const path =
      command.kind === 'top-up'
        ? `/v1/accounts/${command.account}/top-ups`
        : `/v1/accounts/${command.account}/usage`;
    const body =
      command.kind === 'top-up'
        ? {
            paymentId: command.id,
            amount: command.belowMinimum ? '0.01' : TOP_UP_AMOUNT,
            currency: 'RUB',
            channel: 'card',
          }
        : { usageRecordId: command.id, sku: 'compute.vcpu.hour', quantity: '1', ...USAGE_WINDOW };
    const headers = { 'idempotency-key': `key-${command.id}` };
    for (;;) {
      if (!up) {
        // The kill loop failed (its error is thrown once the clients have stopped): do not wait for a restart.
        if (stopping) return;
        await sleep(50);
        continue;
      }
      let answer: Awaited<ReturnType<typeof call>>;
      inFlight.add(command);
      try {
        answer = await call('POST', path, body, headers);
      } catch {
        inFlight.delete(command);
        unansweredAttempts++; // killed mid-request, or not listening yet: no answer, so send it again
        await sleep(50);
        continue;
      }
      inFlight.delete(command);
      if (answer.status >= 200 && answer.status < 300) {
        command.outcome = 'acknowledged';
        command.status = answer.body?.status;
        command.replayed = answer.headers.get('idempotent-replayed') === 'true';
        return;
      }
      if (answer.status >= 500 || answer.body?.code === 'IDEMPOTENCY_KEY_IN_FLIGHT') {
        retriedAnswers++;
        const after = Number(answer.headers.get('retry-after') ?? '0');
        await sleep(Math.min(after * 1000, 1000) || 100);
        continue;
      }
      command.outcome = 'refused';
      command.code = answer.body?.code ?? String(answer.status);
      return;
    }
  };

  const client = async (c: number) => {
    for (let n = 0; !stopping; n++) {
      // Two usage records for each top-up; one command in ten a top-up of 0.01 ₽, below the minimum (10 ₽).
      const belowMinimum = n % 10 === 5;
      const kind: Kind = n % 3 === 0 || belowMinimum ? 'top-up' : 'usage';
      const command: Command = {
        id: `${kind === 'top-up' ? 'pay' : 'use'}-c${c}-${n}`,
        kind,
        account: accounts[(c + n) % accounts.length]!,
        ...(belowMinimum ? { belowMinimum } : {}),
      };
      commands.push(command);
      await send(command);
    }
  };

  // The first top-ups before any usage: a prepaid account without funds refuses usage.
  for (const account of accounts) {
    const first: Command = { id: `pay-${account}-first`, kind: 'top-up', account };
    commands.push(first);
    await send(first);
  }

  const loops = Array.from({ length: clients }, (_, c) => client(c));
  let kills = 0;
  try {
    const answered = () => commands.filter((command) => command.outcome).length;
    for (; kills < options.kills;) {
      // The load back first (each client answered at least once since the restart; a new instance makes
      // them wait for the dead claims' lease), so that every kill cuts requests in flight.
      const resumed = answered() + clients;
      const resumeBy = Date.now() + 30_000;
      while (answered() < resumed && Date.now() < resumeBy) await sleep(20);
      await sleep(minUp + rnd() * (maxUp - minUp));
      // Every other kill (the 1st, 3rd, …) waits (up to 5 s) for a command whose effect is stored and not
      // yet answered: the window a random kill rarely hits, where a retry must be recognised as the same one.
      // The process is frozen (SIGSTOP) while it is looked at, so no answer can slip out between finding a
      // stored-but-unanswered command and the kill; found none, it runs on a moment and is looked at again.
      if (kills % 2 === 0) {
        const until = Date.now() + 5000;
        const db = new DatabaseSync(join(options.dataDir, 'events.sqlite'), { readOnly: true });
        defineEventSqlFunctions(db); // compact rows keep their data in `body`
        try {
          while (Date.now() < until) {
            service.pause();
            // Answers already on their way reach the clients first.
            await sleep(15);
            const unanswered = [...inFlight]
              .filter((command) => !command.outcome)
              .map((command) => command.id);
            if (storedIds(db, unanswered).size > 0) break;
            service.resume();
            await sleep(1 + rnd() * 10);
          }
        } finally {
          db.close();
        }
      }
      up = false; // the clients' requests in flight die with the process; new ones wait for the restart
      const before = commands.filter((command) => command.outcome).length;
      const running = [...inFlight];
      await service.kill();
      kills++;
      const cut = running.filter((command) => !command.outcome).map((command) => command.id);
      // What the dead process had stored of the commands it was running: their retries must not add them again.
      inFlightAtKills += cut.length;
      const storedAtKill = withStore(options.dataDir, (db) => storedIds(db, cut));
      inFlightAtKillsStored += storedAtKill.size;
      for (const command of running) if (storedAtKill.has(command.id)) command.storedAtKill = true;
      log(`${elapsed()}: kill -9 #${kills} after ${before} answered commands, ${cut.length} in flight`);
      service = await options.start(options.dataDir, kills);
      up = true;
      log(`${elapsed()}: restarted`);
    }
    await sleep(options.tailMs ?? 2000);
  } finally {
    stopping = true;
    await Promise.all(loops);
  }
  log(`${elapsed()}: clients stopped, ${commands.length} commands`);

  // The views, with the service up: the read model, and the log replayed as of now.
  const balances: KillUnderLoadFigures['balances'] = {};
  for (const account of accounts) {
    const summary = await call('GET', `/v1/accounts/${account}`);
    // The summary now names its instant (the virtual clock's now): the same instant replayed from the log.
    const asOf = encodeURIComponent(String(summary.body?.asOf));
    const replayed = await call('GET', `/v1/accounts/${account}?asOf=${asOf}`);
    balances[account] = {
      readModel: String(summary.body?.balance),
      asOfNow: String(replayed.body?.balance),
      fold: '',
    };
  }
  const verify = await call('GET', '/v1/audit/verify', undefined, {}, RELIABILITY_KEYS.ops);
  const verifyFindings = Array.isArray(verify.body?.findings) ? verify.body.findings.length : -1;
  await service.stop();

  // The log itself, read from the store file once the service has stopped.
  const db = new DatabaseSync(join(options.dataDir, 'events.sqlite'), { readOnly: true });
  defineEventSqlFunctions(db); // compact rows keep their data in `body`
  const stored = new Map<string, number>();
  const mentioned = new Set<string>();
  const folds = new Map<string, Big>(accounts.map((account) => [account, new Big(0)]));
  try {
    const rows = db
      .prepare(
        `SELECT stream_id, type, json_extract(event_data(data, body), '$.paymentId') AS paymentId,
                json_extract(event_data(data, body), '$.usageRecordId') AS usageRecordId,
                json_extract(event_data(data, body), '$.amount') AS amount, json_extract(event_data(data, body), '$.fromBalance') AS fromBalance
           FROM events WHERE type IN ('FundsDeposited', 'ResourceConsumed') AND stream_id LIKE 'ledger-%'
          ORDER BY position`,
      )
      .all() as Array<{
      stream_id: string;
      type: string;
      paymentId: string | null;
      usageRecordId: string | null;
      amount: string;
      fromBalance: string | null;
    }>;
    // Any event naming a refused command's id, in any stream (a payment claim too), is stored-on-reject.
    for (const row of db
      .prepare(
        `SELECT DISTINCT COALESCE(json_extract(event_data(data, body), '$.paymentId'), json_extract(event_data(data, body), '$.usageRecordId')) AS id
           FROM events WHERE json_valid(event_data(data, body))`,
      )
      .all() as Array<{ id: string | null }>)
      if (row.id) mentioned.add(row.id);
    for (const row of rows) {
      const id = (row.type === 'FundsDeposited' ? row.paymentId : row.usageRecordId) ?? '';
      stored.set(id, (stored.get(id) ?? 0) + 1);
      const account = /^ledger-(.+)@/.exec(row.stream_id)?.[1] ?? '';
      const fold = folds.get(account);
      if (!fold) continue;
      folds.set(
        account,
        row.type === 'FundsDeposited' ? fold.plus(row.amount) : fold.minus(row.fromBalance ?? row.amount),
      );
    }
  } finally {
    db.close();
  }

  const acknowledged = commands.filter((command) => command.outcome === 'acknowledged');
  const refused = commands.filter((command) => command.outcome === 'refused');
  const sent = new Set(commands.map((command) => command.id));
  const refusedCodes: Record<string, number> = {};
  for (const command of refused) refusedCodes[command.code!] = (refusedCodes[command.code!] ?? 0) + 1;
  for (const account of accounts) balances[account]!.fold = folds.get(account)!.toString();
  const same = (a: string, b: string) => {
    try {
      return new Big(a).eq(new Big(b));
    } catch {
      return false;
    }
  };
  const balancesAgree = Object.values(balances).every(
    (view) => same(view.readModel, view.fold) && same(view.asOfNow, view.fold),
  );
  return {
    kills,
    clients,
    accounts: accountCount,
    commands: commands.length,
    acknowledged: acknowledged.length,
    acknowledgedTopUps: acknowledged.filter((command) => command.kind === 'top-up').length,
    acknowledgedUsage: acknowledged.filter((command) => command.kind === 'usage').length,
    acknowledgedAsDuplicate: acknowledged.filter((command) => command.status === 'duplicate').length,
    refused: refused.length,
    refusedCodes,
    notRefusedAsExpected: commands.filter(
      (command) => command.belowMinimum && command.code !== 'TOP_UP_BELOW_MINIMUM',
    ).length,
    inFlightAtKills,
    inFlightAtKillsStored,
    inFlightAtKillsStoredAnswers: commands
      .filter((command) => command.storedAtKill)
      .reduce<Record<string, number>>((answers, command) => {
        const answer = `${command.kind} ${command.status ?? command.code}${command.replayed ? ' (replayed)' : ''}`;
        answers[answer] = (answers[answer] ?? 0) + 1;
        return answers;
      }, {}),
    unansweredAttempts,
    retriedAnswers,
    lost: acknowledged.filter((command) => (stored.get(command.id) ?? 0) === 0).length,
    duplicated: [...stored.values()].filter((count) => count > 1).length,
    storedOnReject: refused.filter((command) => mentioned.has(command.id)).length,
    unexplained: [...stored.keys()].filter((id) => !sent.has(id)).length,
    balances,
    balancesAgree,
    verifyFindings,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
