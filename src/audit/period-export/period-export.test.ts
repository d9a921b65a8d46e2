import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { apiSpecification } from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { LogAnchor } from '../../platform/event-store/anchor/log-anchor.js';
import { DocumentDerivations } from '../document-derivation/document-derivations.js';
import { jest } from '@jest/globals';
import type { AnchorConfig, AppConfig } from '../../platform/config/config.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { runExport } from './export-command.js';
import { exportPeriod, type ExportedCheckpoint } from './period-export.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
afterAll(async () => {
  await spec.close();
  rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = join(process.cwd(), 'scripts/verify-audit-export.mjs');
const keys = generateKeyPairSync('ed25519');
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Runs the offline verifier, as an auditor would, on a file. */
function verifyOffline(file: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, file, ...args], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout };
}

/** March of two legal entities of the Moscow issuer, documented; the log anchored and signed after it. */
async function exported(api: TestApi): Promise<string> {
  await api.call('POST', '/v1/accounts', creditLegal('ex-romashka'));
  await api.call('POST', '/v1/accounts', creditLegal('ex-vasilek'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/ex-romashka/grants', {
    grantId: 'ex-g1',
    kind: 'start',
    amount: '500',
    currency: 'RUB',
  });
  for (const [account, id, sku, quantity] of [
    ['ex-romashka', 'ex-u1', 'compute.vcpu.hour', '720.5'],
    ['ex-romashka', 'ex-u2', 'compute.ram.gb.hour', '2882.000000001'],
    ['ex-vasilek', 'ex-u3', 'object-storage.egress.gb', '130'],
  ] as const)
    await api.call('POST', `/v1/accounts/${account}/usage`, usage(id, sku, quantity));
  // Open March corrected by ops (issue 14): a record voided, an adjustment on no SKU — rows of the derivation.
  const ops = { role: 'ops' as const };
  await api.call('POST', '/v1/accounts/ex-vasilek/usage', usage('ex-u4', 'compute.vcpu.hour', '10'));
  await api.call('POST', '/v1/accounts/ex-vasilek/usage/ex-u4/void', { reason: 'Sent twice' }, ops);
  await api.call(
    'POST',
    '/v1/accounts/ex-vasilek/adjustments',
    {
      adjustmentId: 'ex-a1',
      direction: 'debit',
      amount: '5.55',
      period: '2026-03',
      service: 'Object Storage',
      reason: 'Manual transfer',
    },
    ops,
  );
  await api.advanceTo('2026-04-02T09:00:00.000Z');
  const anchorFile = join(dir, 'anchor.sqlite');
  const anchor = LogAnchor.open(anchorFile, api.store, {
    signing: keys.privateKey,
    verifying: keys.publicKey,
    keyId: 'test-key',
  });
  await anchor.checkpoint();
  await anchor.stop();
  const db = new DatabaseSync(anchorFile, { readOnly: true });
  const row = db.prepare('SELECT * FROM signed_checkpoints ORDER BY number DESC LIMIT 1').get() as Omit<
    ExportedCheckpoint,
    'publicKey'
  >;
  db.close();
  const lines: string[] = [];
  const result = await exportPeriod(
    api.store,
    api.app.get(DocumentDerivations),
    'ru-moscow-llc',
    '2026-03',
    (line) => void lines.push(line),
    { ...row, publicKey: publicPem },
  );
  expect(result).toEqual({ accounts: 2, documents: expect.any(Number) });
  const file = join(dir, 'export.jsonl');
  writeFileSync(file, lines.join(''));
  return file;
}

/** The export with one record changed. */
function tampered(file: string, name: string, change: (record: any) => any): string {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  let changed = false;
  const out = lines.map((line) => {
    const record = JSON.parse(line);
    const next = changed ? undefined : change(record);
    if (next === undefined) return line;
    changed = true;
    return JSON.stringify(next);
  });
  expect(changed).toBe(true);
  const target = join(dir, name);
  writeFileSync(target, out.join('\n') + '\n');
  return target;
}

describe("an auditor's export of a period, verified offline", () => {
  let file: string;
  beforeAll(async () => {
    file = await exported(await spec.api());
  });

  it('an intact export verifies: chains, documents, derivations and the signed checkpoint', () => {
    const keyFile = join(dir, 'anchor-public.pem');
    writeFileSync(keyFile, publicPem);
    const result = verifyOffline(file, '--public-key', keyFile);
    expect(result.out).toMatch(
      /^OK: 4 streams, \d+ documents, 4 derivations; checkpoint #1 .* signature valid; 0 findings/m,
    );
    expect(result.code).toBe(0);
  });

  it('a document line changed in the file is found', () => {
    const bad = tampered(file, 'document.jsonl', (r) =>
      r.record === 'document' && r.document.kind === 'act'
        ? {
            ...r,
            document: {
              ...r.document,
              lines: [{ ...r.document.lines[0], gross: '1.00' }, ...r.document.lines.slice(1)],
            },
          }
        : undefined,
    );
    const result = verifyOffline(bad);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL document RU-MOSCOW-LLC-2026-\d+: differs from the DocumentIssued event/);
  });

  it('a usage record edited in the file breaks its hash chain', () => {
    const bad = tampered(file, 'event.jsonl', (r) =>
      r.record === 'event' && r.type === 'ResourceConsumed'
        ? { ...r, data: { ...r.data, amount: '1.00' } }
        : undefined,
    );
    const result = verifyOffline(bad);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /FAIL ledger-ex-romashka@2026-03 revision \d+ .*: its hash does not recompute \(edited\)/,
    );
  });

  it('a derivation that no longer re-adds is found', () => {
    const bad = tampered(file, 'derivation.jsonl', (r) =>
      r.record === 'derivation'
        ? { ...r, usage: r.usage.map((u: any, i: number) => (i === 0 ? { ...u, documented: '0.01' } : u)) }
        : undefined,
    );
    const result = verifyOffline(bad);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL derivation of .*: the usage records add up to a different amount/);
  });

  it("the open period's corrections are in the derivation; one edited in the file is found", () => {
    const records = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const withCorrections = records.filter((r) => r.record === 'derivation' && r.corrections.length > 0);
    expect(withCorrections.length).toBeGreaterThan(0);
    expect(withCorrections[0].corrections.map((c: { kind: string }) => c.kind)).toEqual([
      'usage-voided',
      'adjustment',
    ]);
    const bad = tampered(file, 'correction.jsonl', (r) =>
      r.record === 'derivation' && r.corrections.length > 0
        ? { ...r, corrections: r.corrections.map((c: any) => ({ ...c, amount: '1.00' })) }
        : undefined,
    );
    const result = verifyOffline(bad);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /FAIL derivation of .*: correction void:ex-u4 is not the ChargeCorrected event/,
    );
  });

  it('a checkpoint signed by another key is refused', () => {
    const otherKey = join(dir, 'other-public.pem');
    writeFileSync(otherKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const result = verifyOffline(file, '--public-key', otherKey);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL checkpoint #1: the signature does not verify/);
  });

  it('the command writes the file (here without an anchor: no checkpoint, said so) and it verifies', async () => {
    const api = await spec.api();
    const config = {
      dataDir: dir,
      personalDataMasterKey: { kind: 'development', path: join(dir, 'personal-data-master.key') },
    } as AppConfig;
    const anchorConfig = { db: join(dir, 'no-anchor.sqlite') } as AnchorConfig;
    const target = join(dir, 'cli-export.jsonl');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const code = await runExport(api.store, config, anchorConfig, 'ru-moscow-llc', '2026-03', target, {
        vault: api.app.get(PersonalDataVault),
      });
      expect(code).toBe(0);
      expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({ accounts: 2, checkpoint: null });
      expect(error.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/^No signed checkpoint/)]);
      expect(await runExport(api.store, config, anchorConfig, 'ru-moscow-llc', 'March', target)).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    const result = verifyOffline(target);
    expect(result.out).toMatch(
      /^OK: 4 streams, \d+ documents, 4 derivations; no signed checkpoint in the export/m,
    );
    expect(result.code).toBe(0);
  });
});
