import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type Service } from '../support/service-process.js';
import { KEYS } from '../support/api.js';

const apiDoc = fileURLToPath(new URL('../../docs/api.md', import.meta.url));

/** The walkthrough's shell block, exactly as docs/api.md shows it. */
function walkthrough(): string {
  const doc = readFileSync(apiDoc, 'utf8');
  const section = doc.slice(doc.indexOf('## From an empty store to a PDF act'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/api.md has no walkthrough block');
  return block;
}

function runBash(script: string, cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('docs/api.md: from an empty store to a PDF act', () => {
  let dir: string;
  let service: Service;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    service = await startService(join(dir, 'data'), { CLOCK: 'virtual:2026-03-01T09:00:00+03:00' });
  });
  afterAll(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written against a fresh engine on a test clock: act, VAT invoice, bill, PDF, payment', async () => {
    const lines = walkthrough().split('\n');
    // The reader pastes the printed keys into the first line; the test does the same.
    expect(lines[0]).toBe('KEY=bk_service_… OPS_KEY=bk_ops_… BASE=localhost:3000');
    lines[0] = `KEY=${KEYS.service} OPS_KEY=${KEYS.ops} BASE=127.0.0.1:${service.port}`;
    // Any answer that is not 2xx fails the run; each answer on its own line.
    const strict = `set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; echo; }\n`;
    const run = await runBash(strict + lines.join('\n'), dir);
    // On failure the last answer (a problem+json naming the rule) says which step broke.
    expect({
      code: run.code,
      err: run.err,
      last: run.code === 0 ? '' : run.out.trim().split('\n').at(-1),
    }).toEqual({
      code: 0,
      err: '',
      last: '',
    });

    const answers = run.out
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '');
    const json = answers
      .filter((line) => line.startsWith('{') || line.startsWith('['))
      .map((l) => JSON.parse(l));
    const documents = json.find(
      (a) => Array.isArray(a) && a.some((d: { kind?: string }) => d.kind === 'act'),
    );
    expect(documents).toEqual([
      expect.objectContaining({
        number: 'RU-MOSCOW-LLC-2026-000001',
        kind: 'act',
        date: '2026-03-31',
        totals: { net: '317.12', vat: '69.76', gross: '386.88' },
      }),
      expect.objectContaining({
        kind: 'vat-invoice',
        totals: { net: '317.12', vat: '69.76', gross: '386.88' },
      }),
      expect.objectContaining({ kind: 'bill', date: '2026-04-01' }),
    ]);
    expect(answers).toContain('TOTAL,,,,,,1386.88,1000,386.88,RUB');
    const pdf = readFileSync(join(dir, 'act.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // After the payment and past the due date: active, nothing owed, nothing suspended on the way.
    expect(json.at(-1)).toMatchObject({
      accountId: 'romashka',
      status: { value: 'active' },
      balance: '0',
      debt: '0',
      openBills: [],
    });
    const lastAdvance = json.filter((a) => a.kind === 'virtual').at(-1);
    expect(lastAdvance.now).toBe('2026-04-16T06:00:00.000Z');
    expect(JSON.stringify(lastAdvance.fired)).not.toContain('AccountSuspended');
  }, 60_000);
});
