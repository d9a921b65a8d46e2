import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { allProjections } from '../../../projections/all-projections.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { runProjectionsCli } from './projections-cli.js';
import { formatDuration, ProgressLine } from './progress.js';
import { generateHistory } from '../../../test/projections/support/history.js';
import { startWorker } from '../../../test/projections/support/worker-process.js';
import { ProjectionRegistry } from '../../../projections/runner/projection-registry.js';

describe('npm run projections', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runProjectionsCli(args, {
      env,
      out: (text) => (out += text),
      err: (text) => (err += text),
      tty: false,
      pollMs: 20,
    });
    return { code, out, err };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projections-cli-'));
    env = {
      DATA_DIR: dir,
      SQLITE_PATH: join(dir, 'events.sqlite'),
      READ_MODEL_DB: join(dir, 'read-models.sqlite'),
      PROJECTION_LEASE_TTL_MS: '1000',
    };
    const store = SqliteEventStore.open({ path: env.SQLITE_PATH! });
    await generateHistory(store, { accounts: 8, months: 2, stepsPerMonth: 3 });
    await store.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the projections and their status before anything ran them', async () => {
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^PROJECTION\s+CODE\s+LIVE BUILD\s+STREAMS$/);
    for (const p of allProjections()) expect(list.out).toContain(p.name);
    const status = await cli('status', '--json');
    const reports = JSON.parse(status.out);
    expect(reports.map((r: { name: string; kind: string }) => [r.name, r.kind])).toEqual([
      ...allProjections().map((p) => [p.name, 'projection']),
      ['timeline-deadlines', 'worker'],
      ['document-issuer', 'worker'],
      ['event-bus', 'worker'],
      ['auto-top-ups', 'worker'],
      ['document-delivery', 'worker'],
      ['refund-payouts', 'worker'],
    ]);
    expect(reports[0]).toMatchObject({
      name: 'account-balances',
      state: 'never-run',
      holder: null,
    });
  });

  it('resumes a worker through the instance holding it, and refuses to replay one', async () => {
    const replay = await cli('replay', 'event-bus');
    expect(replay.code).toBe(2);
    expect(replay.err).toContain('event-bus is a worker, not a read model: it can be resumed, not replayed');
    const resume = await cli('resume', 'event-bus');
    expect(resume.code).toBe(0);
    expect(resume.out).toMatch(/requested resume of event-bus: [0-9a-f-]{36}/);
    expect(resume.out).toContain(
      'no running instance holds event-bus: the next instance to start resumes it',
    );
    const registry = new ProjectionRegistry(new SqliteReadModelDb(join(dir, 'event-bus.sqlite')));
    expect(await registry.requests('event-bus', ['pending'])).toMatchObject([{ kind: 'resume' }]);
  });

  it('replays one projection itself when no instance runs it', async () => {
    const replay = await cli('replay', 'account-balances');
    expect(replay.err).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('no running instance holds account-balances: rebuilding here');
    expect(replay.out).toMatch(
      /account-balances: build 4 is live \(was 3\); identical to the previous build/,
    );
    const status = JSON.parse((await cli('status', 'account-balances', '--json')).out)[0];
    expect(status).toMatchObject({ liveBuild: 4, lagPositions: 0, holder: null, lastError: null });
  });

  it('rebuilds everything, and hands requests to the instance that holds a projection', async () => {
    // A running app instance (another process) that holds the documents projection.
    const app = startWorker(env.SQLITE_PATH!, env.READ_MODEL_DB!, 'app-instance', {
      WORKER_ONLY: 'documents',
      LEASE_TTL_MS: '1000',
      TICK_MS: '20',
    });
    await app.waitForLine((line) => line === 'held documents');
    const rebuild = await cli('rebuild', '--all');
    expect(rebuild.code).toBe(0);
    // Five projections were free and rebuilt here; documents was rebuilt by the instance holding it.
    expect(rebuild.out).toMatch(/rebuilding here/);
    expect(rebuild.out).not.toMatch(/holds [^\n]*documents/);
    for (const p of allProjections())
      expect(rebuild.out).toMatch(new RegExp(`${p.name}: build \\d+ is live`));
    const db = new SqliteReadModelDb(env.READ_MODEL_DB!);
    const [documents] = await new ProjectionRegistry(db).requests('documents', ['done']);
    expect(documents!.detail).toMatchObject({ comparison: { identical: true } });
    await db.close();
    await app.stop();
  });

  it('shows a poison event in status (exit 1) and keeps it after resume', async () => {
    const store = SqliteEventStore.open({ path: env.SQLITE_PATH! });
    const poison = randomUUID();
    await store.append('ledger-acc-000@2026-02', [
      {
        id: poison,
        type: 'GrantExpired',
        data: { grantId: 'never-issued', amountLost: '1', at: '2026-02-20T00:00:00Z' },
      },
      {
        id: randomUUID(),
        type: 'BillPaymentApplied',
        data: {
          billId: 'nope',
          paymentId: 'x',
          amount: '1',
          remaining: '0',
          fullyPaid: true,
          at: '2026-02-20T00:00:00Z',
        },
      },
    ]);
    await store.close();
    const resume = await cli('resume', 'account-balances');
    expect(resume.code).toBe(0);
    const status = await cli('status');
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/account-balances\s+projection\s+failed/);
    expect(status.out).toMatch(
      /account-balances stopped: Projection account-balances cannot apply BillPaymentApplied/,
    );
    expect(status.out).toMatch(
      /event BillPaymentApplied [0-9a-f-]+ at position \d+ in stream ledger-acc-000@2026-02/,
    );
  });

  it('refuses unknown commands and names', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('replay', 'nope')).err).toMatch(/No projection named nope; known: account-balances/);
    expect((await cli('rebuild')).code).toBe(2);
  });

  it('formats progress with a bar, percentage, rate and ETA', () => {
    let text = '';
    let now = 0;
    const line = new ProgressLine(
      (t) => (text += t),
      false,
      () => now,
    );
    line.update('balances', 0, 1000, 0);
    now = 2000;
    line.update('balances', 500, 1000, 400);
    expect(text.trim().split('\n').at(-1)).toBe(
      'balances [############............]  50%  400 events  200/s  ETA 00:02',
    );
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
