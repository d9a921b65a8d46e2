import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READS } from '../../projections/queries/read-models.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { RunningTimelines } from '../../src/timelines/running-timelines.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { readModelsCaughtUp } from '../support/read-models.js';
import { generateHistory } from './support/history.js';

/** The instant generateHistory ends at for three months: every period up to March is closed. */
const END = '2026-04-02T09:00:00.000Z';
const ACCOUNTS = Array.from({ length: 12 }, (_, i) => `acc-${String(i).padStart(3, '0')}`);
const RANGES = [
  ['2026-01-01', '2026-01-31'],
  ['2026-02-01', '2026-02-28'],
  ['2026-03-01', '2026-03-31'],
  ['2026-01-15', '2026-03-10'],
  ['2026-04-01', '2026-04-30'],
];

/**
 * Every read served from a read model gives exactly the body the log gives: over a generated history
 * (accounts of every profile through three month ends: frozen, suspended, billed, documents issued), each
 * read is made once from the caught-up read models, then again with them stopped behind the log, which
 * answers instead. No read appends anything.
 */
describe('reads from read models answer exactly as the log does', () => {
  let dir: string;
  let api: TestApi;
  let paths: string[];
  const headOf = async () => (await api.store.headPosition())?.toString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-reads-'));
    const path = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open({ path });
    await generateHistory(store, { accounts: ACCOUNTS.length, months: 3, stepsPerMonth: 5 });
    await store.close();
    api = await startTestApi(END, path);
    // The timelines and the document issuer of the new process replay the log (issuing nothing twice).
    await api.app.get(RunningTimelines).engine!.settle();
    await readModelsCaughtUp(api);
    // The account list, limited to the history's accounts (the late one opened below is the log's only).
    paths = [
      '/v1/accounts?q=acc-',
      '/v1/accounts?q=acc-&status=frozen,suspended,blocked',
      '/v1/accounts?q=acc-&hasDebt=true&limit=5',
    ];
    for (const accountId of ACCOUNTS) {
      const base = `/v1/accounts/${accountId}`;
      paths.push(base, `${base}/documents`, `${base}/reconciliation?from=2026-01-01&to=2026-04-30`);
      paths.push(`${base}/refunds`);
      const documents = await api.call('GET', `${base}/documents`, undefined, { role: 'auditor' });
      for (const d of documents.body as Array<{ number: string }>)
        paths.push(`${base}/documents/${d.number}`);
      for (const [from, to] of RANGES) {
        paths.push(`${base}/billing-report?from=${from}&to=${to}`);
        paths.push(`${base}/billing-report?from=${from}&to=${to}&format=csv`);
        // Issue 15: the cost query, from the costs read model or the log folded.
        paths.push(`${base}/costs?from=${from}&to=${to}&groupBy=project,day,sku`);
        paths.push(`${base}/costs?from=${from}&to=${to}&groupBy=resource,label:env&format=csv`);
      }
    }
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const readAll = async () => {
    const bodies: Record<string, { status: number; body: unknown }> = {};
    for (const path of paths) {
      const head = await headOf();
      const { status, body } = await api.call('GET', path, undefined, { role: 'auditor' });
      expect({ path, head: await headOf() }).toEqual({ path, head });
      bodies[path] = { status, body };
    }
    return bodies;
  };

  it('the same bodies from the read models and from the log, and no read appends anything', async () => {
    expect(paths.filter((p) => /\/documents\/.+/.test(p)).length).toBeGreaterThan(5);
    const fromReadModels = await readAll();
    for (const read of READS)
      expect({ read, fallbacks: api.projections.readModels.fallbacksOf(read) }).toEqual({
        read,
        fallbacks: 0,
      });
    expect(Object.values(fromReadModels).every((r) => r.status === 200)).toBe(true);
    // The history reaches every status the summary explains, with bills and deadlines.
    const statuses = ACCOUNTS.map(
      (a) => (fromReadModels[`/v1/accounts/${a}`]!.body as { status: { value: string } }).status.value,
    );
    expect([...new Set(statuses)].sort()).toEqual(['active', 'blocked', 'frozen', 'suspended']);
    // And the second provider's status beside it (rules §7), from the same read model.
    for (const a of ACCOUNTS)
      expect(
        (fromReadModels[`/v1/accounts/${a}`]!.body as { providerStatus?: string }).providerStatus,
      ).toEqual(expect.any(String));

    // Stop the read models, then store what each of them reads (a new account, a document stream's
    // event): they are behind the log and nothing will bring them up, so every read falls back to it.
    await api.projections.stop();
    expect((await api.call('POST', '/v1/accounts', lateAccount)).status).toBe(201);
    await api.store.append('documents-zz-late', [{ id: randomUUID(), type: 'DocumentVoided', data: {} }]);
    const fromLog = await readAll();
    for (const read of READS)
      expect({ read, fellBack: api.projections.readModels.fallbacksOf(read) > 0 }).toEqual({
        read,
        fellBack: true,
      });
    expect(fromLog).toEqual(fromReadModels);
  }, 120_000);
});

const lateAccount = {
  accountId: 'zz-late',
  payerType: 'individual',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  profileId: 'vk-individual-prepaid',
};
