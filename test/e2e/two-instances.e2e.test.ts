import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';
import { callService, startService, waitUntil, type Service } from '../support/service-process.js';
import { individual, legalPostpaid, usage } from '../support/requests.js';
import { KEYS } from '../support/api.js';
import { hashApiKey } from '../../src/platform/http/auth/api-keys.js';

/** Every instance of a deployment is given the same personal-data master key (it opens the shared vault). */
const MASTER_KEY = 'a'.repeat(64);
const withAuditor = `test-service:service:${hashApiKey(KEYS.service)},test-ops:ops:${hashApiKey(KEYS.ops)},test-auditor:auditor:${hashApiKey(KEYS.auditor)}`;

interface Report {
  name: string;
  kind: 'projection' | 'worker';
  holder: string | null;
  lagPositions: number;
  state: string;
}

const reports = async (service: Service): Promise<Report[]> =>
  (await call(service, 'GET', '/v1/ops/projections', undefined, KEYS.ops)).body.projections;

const call = callService;
const until = (check: () => Promise<boolean>, what: string, timeoutMs = 20_000) =>
  waitUntil(check, what, timeoutMs);

const caughtUpUnder = (holder: string) => async (service: Service) =>
  (await reports(service)).every((r) => r.holder === holder && r.lagPositions === 0 && r.state !== 'failed');

describe('two instances of the service sharing PostgreSQL and one event log', () => {
  let dir: string;
  let cluster: PgCluster;
  const services: Service[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'two-instances-'));
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    for (const service of services) {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
      await service.exited;
    }
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each projection and worker runs on one of them; after a kill -9 the other takes every one over', async () => {
    const shared = {
      SQLITE_PATH: join(dir, 'events.sqlite'),
      READ_MODEL_DB: await cluster.freshSchema(),
      PROJECTION_LEASE_TTL_MS: '1000',
      PERSONAL_DATA_MASTER_KEY: MASTER_KEY,
    };
    const a = await startService(join(dir, 'a'), { ...shared, INSTANCE_ID: 'instance-a' });
    services.push(a);
    await until(() => caughtUpUnder('instance-a')(a), 'instance a to hold everything');
    const b = await startService(join(dir, 'b'), { ...shared, INSTANCE_ID: 'instance-b' });
    services.push(b);

    // Commands go to either instance; the read models and workers are the same seen from both.
    const { openedAt: _, ...anna } = individual('anna');
    expect((await call(b, 'POST', '/v1/accounts', anna)).status).toBe(201);
    const topUp = (paymentId: string) => ({ paymentId, amount: '100.00', currency: 'RUB', channel: 'card' });
    expect((await call(a, 'POST', '/v1/accounts/anna/top-ups', topUp('p-1'))).status).toBe(201);
    await until(() => caughtUpUnder('instance-a')(b), 'instance a to apply both commands');
    const names = (await reports(b)).map((r) => `${r.kind}:${r.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'worker:timeline-deadlines',
        'worker:document-issuer',
        'worker:event-bus',
        'worker:auto-top-ups',
        'worker:document-delivery',
        'worker:refund-payouts',
        'projection:costs',
      ]),
    );
    // Seven projections (the cost query's `costs` since issue 15) and six workers (refund payouts too).
    expect(names).toHaveLength(13);
    // Instance b has fed its event bus nothing: instance a holds the feed.
    expect((await call(b, 'GET', '/metrics', undefined, KEYS.ops)).text).not.toContain(
      'billing_events_total{type="FundsDeposited"}',
    );

    a.child.kill('SIGKILL');
    await a.exited;
    expect((await call(b, 'POST', '/v1/accounts/anna/top-ups', topUp('p-2'))).status).toBe(201);
    await until(() => caughtUpUnder('instance-b')(b), 'instance b to take every projection and worker over');

    // B's event-bus feed continued from A's checkpoint: it fed only the deposit made after the kill.
    const metrics = (await call(b, 'GET', '/metrics', undefined, KEYS.ops)).text;
    expect(metrics).toContain('billing_events_total{type="FundsDeposited"} 1');
    expect(metrics).not.toContain('billing_events_total{type="AccountOpened"}');
    expect((await call(b, 'GET', '/v1/accounts/anna')).body).toMatchObject({ balance: '200' });
  }, 90_000);

  it('a retry with the same Idempotency-Key that reaches the other instance replays the first answer', async () => {
    const shared = {
      SQLITE_PATH: join(dir, 'events-idempotency.sqlite'),
      READ_MODEL_DB: await cluster.freshSchema(),
      PERSONAL_DATA_MASTER_KEY: MASTER_KEY,
    };
    const a = await startService(join(dir, 'ia'), { ...shared, INSTANCE_ID: 'instance-a' });
    services.push(a);
    const b = await startService(join(dir, 'ib'), { ...shared, INSTANCE_ID: 'instance-b' });
    services.push(b);
    const { openedAt: _, ...boris } = individual('boris');
    expect((await call(a, 'POST', '/v1/accounts', boris)).status).toBe(201);
    const send = async (service: Service, body: unknown) => {
      const response = await fetch(`${service.baseUrl}/v1/accounts/boris/top-ups`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEYS.service}`,
          'content-type': 'application/json',
          'idempotency-key': 'top-up-once',
        },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        replayed: response.headers.get('idempotent-replayed'),
        text: await response.text(),
      };
    };
    const topUp = { paymentId: 'p-idem', amount: '100.00', currency: 'RUB', channel: 'card' };
    const first = await send(a, topUp);
    expect([first.status, first.replayed]).toEqual([201, null]);
    // The retry lands on instance b: the first answer, byte for byte, marked as a replay.
    const retry = await send(b, topUp);
    expect([retry.status, retry.replayed, retry.text]).toEqual([201, 'true', first.text]);
    // The same key with another request is refused on b too.
    const reused = await send(b, { ...topUp, amount: '200.00' });
    expect(reused.status).toBe(422);
    expect(JSON.parse(reused.text)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Neither instance keeps a file of its own for the records.
    expect(existsSync(join(dir, 'ia', 'idempotency.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'ib', 'idempotency.sqlite'))).toBe(false);
  }, 90_000);

  it('a legal entity opened on one instance gets its documents issued by the other, its payer readable there', async () => {
    const shared = {
      SQLITE_PATH: join(dir, 'events-legal.sqlite'),
      READ_MODEL_DB: await cluster.freshSchema(),
      PERSONAL_DATA_MASTER_KEY: MASTER_KEY,
      CLOCK: 'virtual:2026-03-01T06:00:00.000Z',
      API_KEYS: withAuditor,
    };
    // B starts first and takes every projection and worker (the timelines and the document issuer among
    // them); A takes commands only.
    const b = await startService(join(dir, 'lb'), { ...shared, INSTANCE_ID: 'instance-b' });
    services.push(b);
    await until(() => caughtUpUnder('instance-b')(b), 'instance b to hold everything', 60_000);
    const a = await startService(join(dir, 'la'), {
      ...shared,
      INSTANCE_ID: 'instance-a',
      SERVICE_ROLE: 'commands',
    });
    services.push(a);

    // Opened on A: its legal details are sealed with a key A creates — in the vault both share.
    const { openedAt: _, ...vektor } = legalPostpaid('vektor');
    expect((await call(a, 'POST', '/v1/accounts', vektor)).status).toBe(201);
    // A's test clock moves without firing anything (B holds the timelines), so A takes March's usage.
    const advance = (service: Service, to: string) =>
      call(service, 'POST', '/v1/ops/clock/advance', { to }, KEYS.ops);
    expect((await advance(a, '2026-03-10T09:00:00.000Z')).body.fired).toEqual([]);
    const used = await call(a, 'POST', '/v1/accounts/vektor/usage', usage('u-1', 'compute.vcpu.hour', '10'));
    expect(used.status).toBe(201);
    await until(() => caughtUpUnder('instance-b')(b), 'instance b to plan the month end', 60_000);

    // B closes March; its document issuer issues the UPD and the bill.
    const closed = await advance(b, '2026-04-02T09:00:00.000Z');
    expect(closed.body.fired).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'vektor/close/2026-03', outcome: 'closed' })]),
    );
    const documentsOn = async (service: Service) => {
      const list = await call(service, 'GET', '/v1/accounts/vektor/documents', undefined, KEYS.auditor);
      return list.status === 200
        ? (JSON.parse(list.text) as Array<{ number: string; kind: string }>)
        : undefined;
    };
    await until(async () => (await documentsOn(b))?.length === 2, 'the documents of March on b', 60_000);
    expect((await documentsOn(b))!.map((d) => d.kind)).toEqual(['upd', 'bill']);
    const issuer = (await reports(b)).find((r) => r.name === 'document-issuer');
    expect(issuer).toMatchObject({ holder: 'instance-b', state: expect.not.stringMatching(/failed/) });

    // The payer's requisites were readable on B: not withheld, the name on the document as B serves it.
    const upd = (await documentsOn(b))!.find((d) => d.kind === 'upd')!;
    const onB = await call(b, 'GET', `/v1/accounts/vektor/documents/${upd.number}`, undefined, KEYS.auditor);
    expect(onB.status).toBe(200);
    expect(onB.body).toMatchObject({ kind: 'upd', payer: { name: 'ООО «Вектор»', taxId: '7707083893' } });
    const onA = await call(a, 'GET', `/v1/accounts/vektor/documents/${upd.number}`, undefined, KEYS.auditor);
    expect(onA.body).toMatchObject({ payer: { name: 'ООО «Вектор»' } });
    // Neither instance keeps keys of its own: the vault is the shared one.
    expect(existsSync(join(dir, 'la', 'keys.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'lb', 'keys.sqlite'))).toBe(false);
    // The commands instance is ready whatever the read models do, and says what it is.
    expect((await fetch(`${a.baseUrl}/ready`).then((r) => r.json())) as unknown).toMatchObject({
      status: 'ready',
      role: 'commands',
    });
  }, 240_000);

  it('an instance given another master key than the shared vault’s does not start', async () => {
    const shared = {
      SQLITE_PATH: join(dir, 'events-master.sqlite'),
      READ_MODEL_DB: await cluster.freshSchema(),
    };
    const a = await startService(join(dir, 'ma'), { ...shared, PERSONAL_DATA_MASTER_KEY: MASTER_KEY });
    services.push(a);
    const refused = await startService(join(dir, 'mb'), {
      ...shared,
      PERSONAL_DATA_MASTER_KEY: 'b'.repeat(64),
    }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(
      /The personal-data master key does not open postgres:\/\/.*every instance sharing the vault needs the same key/,
    );
  }, 180_000);
});
