import { jest } from '@jest/globals';
import { apiSpecification } from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { projectionsCaughtUp, projectionsOf } from '../../../test/support/read-models.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { accountDocuments } from '../../../projections/queries/documents.query.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { PriceCatalogProvider } from '../../ledger/price-catalog.provider.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../platform/config/config.js';
import { documentsStream } from '../../platform/event-store/stream-names.js';
import { compareDocuments, issuedInLog, recomputePeriodDocuments } from './recompute.js';
import { runRecompute } from './recompute-command.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * March of two legal entities through the API: rc-romashka with two compute SKUs and test units, documented at
 * the month end (act, VAT invoice, bill); rc-credit whose credit limit of 100 runs out, so an act and a VAT
 * invoice are formed mid-period with the bill, and the month-end ones confirm the rest; and rc-corrected
 * (below).
 */
async function march(api: TestApi) {
  await api.call('POST', '/v1/accounts', creditLegal('rc-romashka'));
  await api.call('POST', '/v1/accounts', creditLegal('rc-credit'));
  await api.call('POST', '/v1/accounts', creditLegal('rc-corrected'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await correctedMarch(api);
  await api.call('PUT', '/v1/accounts/rc-credit/credit-limit', { creditLimit: '100' });
  for (const [account, id, sku, quantity] of [
    ['rc-romashka', 'rc-u1', 'compute.vcpu.hour', '720.5'],
    ['rc-romashka', 'rc-u2', 'compute.ram.gb.hour', '2882.000000001'],
    ['rc-romashka', 'rc-u3', 'test.unit', '30'],
    ['rc-credit', 'rc-u4', 'test.unit', '150'],
  ] as const)
    await api.call('POST', `/v1/accounts/${account}/usage`, usage(id, sku, quantity));
  await api.advanceTo('2026-03-20T12:00:00+03:00');
  await api.call(
    'POST',
    '/v1/accounts/rc-credit/usage',
    usage('rc-u5', 'test.unit', '30', '2026-03-20T12:00:00+03:00'),
  );
  await api.advanceTo('2026-04-02T09:00:00.000Z');
  await correctedAfterClose(api);
  await projectionsCaughtUp(api);
}

/**
 * March of rc-corrected (issue 14): two compute records, one voided and one re-rated while March is open, a
 * credit on a SKU and a debit naming none; after the close a debit for March booked in April, which gets
 * corrective documents of March (a corrective act and its КСФ).
 */
const ops = { role: 'ops' as const };
const why = { reason: 'Audit test', reference: 'T-1' };
const adjustment = { ...why, period: '2026-03', service: 'Cloud Compute' };

async function correctedMarch(api: TestApi) {
  await api.call('POST', '/v1/accounts/rc-corrected/usage', usage('rc-c1', 'compute.vcpu.hour', '720.5'));
  await api.call(
    'POST',
    '/v1/accounts/rc-corrected/usage',
    usage('rc-c2', 'compute.ram.gb.hour', '100.000001'),
  );
  await api.call('POST', '/v1/accounts/rc-corrected/usage', usage('rc-c3', 'test.unit', '30'));
  await api.call('POST', '/v1/accounts/rc-corrected/usage/rc-c2/void', why, ops);
  await api.call('POST', '/v1/accounts/rc-corrected/usage/rc-c1/rerate', { ...why, quantity: '700.25' }, ops);
  await api.call(
    'POST',
    '/v1/accounts/rc-corrected/adjustments',
    { ...adjustment, adjustmentId: 'rc-a1', direction: 'credit', amount: '10.00', sku: 'compute.vcpu.hour' },
    ops,
  );
  await api.call(
    'POST',
    '/v1/accounts/rc-corrected/adjustments',
    { ...adjustment, adjustmentId: 'rc-a2', direction: 'debit', amount: '5.55' },
    ops,
  );
}

async function correctedAfterClose(api: TestApi) {
  await api.call(
    'POST',
    '/v1/accounts/rc-corrected/adjustments',
    { ...adjustment, adjustmentId: 'rc-a3', direction: 'debit', amount: '12.20' },
    ops,
  );
}

const depsOf = (api: TestApi) => ({
  vault: api.app.get(PersonalDataVault),
  profiles: api.app.get(ProfileRegistry),
  catalog: api.app.get(PriceCatalogProvider),
});

async function readModelDocuments(api: TestApi, accountId: string) {
  const read = await projectionsOf(api).readModels.read(
    'account-documents',
    documentsProjection,
    accountDocuments(accountId),
  );
  if (!read.served || !read.value) throw new Error('the read model did not serve the documents');
  return read.value.filter((d) => d.periodId === '2026-03');
}

/** The samples of a Prometheus text file: series → value (comments left out). */
function metricsOf(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  return Object.fromEntries(
    lines.filter((line) => line && !line.startsWith('#')).map((line) => line.split(' ') as [string, string]),
  );
}

/** promtool's lint of a metrics file (it reads the text format on stdin); no output means no problem. */
function promtoolCheck(path: string) {
  const run = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
    input: readFileSync(path),
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('recompute and compare (npm run audit -- recompute)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await spec.api();
    await march(api);
  });

  it.each(['rc-romashka', 'rc-credit', 'rc-corrected'])(
    '%s: the documents rebuilt in a scratch store are the ones issued, in the log and in the read model',
    async (accountId) => {
      const { documents, withheld } = await recomputePeriodDocuments(
        api.store,
        accountId,
        '2026-03',
        depsOf(api),
      );
      expect(withheld).toEqual([]);
      const issued = await issuedInLog(api.store, accountId, '2026-03');
      expect(documents.map((d) => d.documentId).sort()).toEqual(issued.map((d) => d.documentId).sort());
      expect(documents.length).toBeGreaterThanOrEqual(3);
      if (accountId === 'rc-credit') expect(documents.some((d) => d.documentId.includes('-mid/'))).toBe(true);
      // Corrections of open March are in its act; the one booked after the close has corrective documents.
      if (accountId === 'rc-corrected')
        expect([...new Set(documents.map((d) => d.kind))].sort()).toEqual([
          'act',
          'bill',
          'corrective-act',
          'corrective-vat-invoice',
          'vat-invoice',
        ]);
      expect(compareDocuments('log', documents, issued)).toEqual([]);
      expect(compareDocuments('read-model', documents, await readModelDocuments(api, accountId))).toEqual([]);
    },
  );

  it('finds a read-model row corrupted on purpose: the field, the issued and the recomputed value', async () => {
    await projectionsOf(api).readModels.read('account-documents', documentsProjection, async (db, table) => {
      await db.run(
        `UPDATE ${table('documents')} SET content = json_set(content, '$.lines[0].gross', '999.99')
         WHERE account_id = $1 AND json_extract(content, '$.kind') = 'act'`,
        ['rc-romashka'],
      );
    });
    const { documents } = await recomputePeriodDocuments(api.store, 'rc-romashka', '2026-03', depsOf(api));
    const act = documents.find((d) => d.kind === 'act')!;
    expect(compareDocuments('read-model', documents, await readModelDocuments(api, 'rc-romashka'))).toEqual([
      {
        source: 'read-model',
        documentId: act.documentId,
        field: 'lines.0.gross',
        issued: '999.99',
        recomputed: act.lines[0]!.gross,
      },
    ]);
    // The log itself was not touched: it still agrees.
    expect(
      compareDocuments('log', documents, await issuedInLog(api.store, 'rc-romashka', '2026-03')),
    ).toEqual([]);
  });

  it('the command: an account with corrections of the open and of the closed period reports no difference', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recompute-'));
    const config = {
      dataDir,
      personalDataMasterKey: { kind: 'development', path: join(dataDir, 'personal-data-master.key') },
    } as AppConfig;
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    try {
      const options = {
        env: { READ_MODEL_DB: join(dataDir, 'read-models.sqlite') },
        vault: api.app.get(PersonalDataVault),
        now: () => new Date('2026-04-02T09:00:00.000Z'),
      };
      expect(await runRecompute(api.store, config, 'rc-corrected', '2026-03', options)).toBe(0);
      expect(out.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ accountId: 'rc-corrected', periodId: '2026-03', differences: 0 }),
      ]);
      expect(err).toEqual([]);
    } finally {
      log.mockRestore();
      error.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a corrective document's change is compared too: a changed difference is found", async () => {
    const { documents } = await recomputePeriodDocuments(api.store, 'rc-corrected', '2026-03', depsOf(api));
    const corrective = documents.find((d) => d.kind === 'corrective-act')!;
    if (!('change' in corrective)) throw new Error('not a corrective document');
    const tampered = {
      ...corrective,
      change: { ...corrective.change, difference: { ...corrective.change.difference, gross: '0.01' } },
    };
    expect(compareDocuments('log', [corrective], [tampered])).toEqual([
      {
        source: 'log',
        documentId: corrective.documentId,
        field: 'change.difference.gross',
        issued: '0.01',
        recomputed: corrective.change.difference.gross,
      },
    ]);
  });

  it('a document missing on either side is a difference', () => {
    const document = { documentId: 'a/2026-03/act', kind: 'act' } as never;
    expect(compareDocuments('log', [document], [])).toEqual([
      { source: 'log', documentId: 'a/2026-03/act', field: 'document', issued: null, recomputed: 'act' },
    ]);
    expect(compareDocuments('log', [], [document])).toEqual([
      { source: 'log', documentId: 'a/2026-03/act', field: 'document', issued: 'act', recomputed: null },
    ]);
  });

  it('the command: exit 0 when all agree; an issued document that differs is an incident (exit 1, a log line)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recompute-'));
    const config = {
      dataDir,
      personalDataMasterKey: { kind: 'development', path: join(dataDir, 'personal-data-master.key') },
    } as AppConfig;
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    try {
      const metricsFile = join(dataDir, 'billing_audit_recompute.prom');
      const options = {
        env: { READ_MODEL_DB: join(dataDir, 'read-models.sqlite') },
        vault: api.app.get(PersonalDataVault),
        metricsFile,
        now: () => new Date('2026-04-02T09:00:00.000Z'),
      };
      const first = await runRecompute(api.store, config, 'rc-credit', '2026-03', options);
      expect(first).toBe(0);
      expect(metricsOf(metricsFile)).toEqual({
        'billing_audit_recompute_differences{account="rc-credit",period="2026-03"}': '0',
        billing_audit_recompute_last_run_timestamp_seconds: '1775120400',
      });
      expect(promtoolCheck(metricsFile)).toEqual({ status: 0, output: '' });
      expect(JSON.parse(out.at(-1)!)).toMatchObject({
        accountId: 'rc-credit',
        periodId: '2026-03',
        differences: 0,
      });
      expect(err).toEqual([]);
      // A DocumentIssued for the act with its first line changed, as a corrupted store would hold it.
      const issued = await issuedInLog(api.store, 'rc-credit', '2026-03');
      const act = issued.find((d) => d.kind === 'act')!;
      const revision = await api.store.streamRevision(documentsStream('rc-credit'));
      await api.store.append(
        documentsStream('rc-credit'),
        [
          {
            id: randomUUID(),
            type: 'DocumentIssued',
            data: { ...act, lines: act.lines.map((l, i) => (i === 0 ? { ...l, net: '0.01' } : l)) },
          },
        ],
        revision,
      );
      out.length = 0;
      expect(await runRecompute(api.store, config, 'rc-credit', '2026-03', options)).toBe(1);
      expect(out.map((line) => JSON.parse(line))).toEqual([
        {
          source: 'log',
          documentId: act.documentId,
          field: 'lines.0.net',
          issued: '0.01',
          recomputed: act.lines[0]!.net,
        },
        expect.objectContaining({ differences: 1 }),
      ]);
      expect(err).toEqual([
        expect.stringMatching(/^AUDIT_RECOMPUTE_MISMATCH account=rc-credit period=2026-03 differences=1/),
      ]);
      // The same file replaced, not appended to; the temporary file renamed away.
      expect(metricsOf(metricsFile)).toEqual({
        'billing_audit_recompute_differences{account="rc-credit",period="2026-03"}': '1',
        billing_audit_recompute_last_run_timestamp_seconds: '1775120400',
      });
      expect(promtoolCheck(metricsFile)).toEqual({ status: 0, output: '' });
      expect(readdirSync(dataDir).filter((name) => name.includes('.prom'))).toEqual([
        'billing_audit_recompute.prom',
      ]);
      expect(await runRecompute(api.store, config, 'rc-credit', 'March', options)).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
