// The HTTP load generator, in its own process so building, sending and parsing requests does not take
// the server's event loop. Started by http.bench.ts with the plan on IPC; reports latencies on IPC.
import { Agent, request } from 'node:http';
import { usageCommand, MONTH } from './workload.js';

export interface ClientPlan {
  baseUrl: string;
  apiKey: string;
  ids: string[];
  clients: number;
  batch: number;
  requests: number;
  /** Record i of the whole run goes to account (i × 7919) mod accounts, as in-process ingest sends it. */
  firstRecord: number;
  idPrefix: string;
}

export interface ClientReport {
  seconds: number;
  records: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  latenciesMs: number[];
  errors: string[];
}

function body(plan: ClientPlan, r: number): string {
  const records = [];
  for (let j = 0; j < plan.batch; j++) {
    const i = plan.firstRecord + r * plan.batch + j;
    const index = (i * 7919) % plan.ids.length;
    const n = Math.floor(i / plan.ids.length);
    const { type: _type, ...usage } = usageCommand(
      index,
      n,
      MONTH.day(1 + (n % 27)),
      `${plan.idPrefix}-${index}`,
    );
    records.push({ accountId: plan.ids[index], ...usage });
  }
  return JSON.stringify({ records });
}

function post(
  agent: Agent,
  url: URL,
  apiKey: string,
  key: string,
  payload: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'idempotency-key': key,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(plan: ClientPlan): Promise<ClientReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.clients });
  const url = new URL('/v1/usage/batch', plan.baseUrl);
  // Bodies are built before the clock starts: the client's own work is not the server's.
  const bodies = Array.from({ length: plan.requests }, (_, r) => body(plan, r));
  const report: ClientReport = {
    seconds: 0,
    records: 0,
    accepted: 0,
    rejected: 0,
    duplicate: 0,
    latenciesMs: [],
    errors: [],
  };
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: plan.clients }, async () => {
      while (next < plan.requests) {
        const r = next++;
        const sent = process.hrtime.bigint();
        const { status, text } = await post(agent, url, plan.apiKey, `${plan.idPrefix}-${r}`, bodies[r]!);
        report.latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (status !== 200) {
          if (report.errors.length < 5) report.errors.push(`${status} ${text.slice(0, 300)}`);
          continue;
        }
        const result = JSON.parse(text) as { accepted: number; duplicate: number; rejected: number };
        report.records += plan.batch;
        report.accepted += result.accepted;
        report.duplicate += result.duplicate;
        report.rejected += result.rejected;
        if (result.rejected > 0 && report.errors.length < 5) report.errors.push(text.slice(0, 300));
      }
    }),
  );
  report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return report;
}

process.once('message', (plan: ClientPlan) => {
  void run(plan).then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
