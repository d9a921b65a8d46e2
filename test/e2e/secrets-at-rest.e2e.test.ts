import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type Service } from '../support/service-process.js';

/**
 * The service process as `npm start` runs it: a fresh data folder in development, then production, which
 * needs the master key from outside and refuses one that does not open the keys.
 */
// Each test starts real service processes (several in the last one): 120 s each, for a loaded machine.
describe('secrets at rest: the service process', () => {
  let root: string;
  let service: Service | undefined;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'secrets-'))));
  afterEach(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    service = undefined;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const dataDir = () => join(root, 'data');
  const noKeys = {
    API_KEYS: '',
    API_KEYS_FILE: '',
    PERSONAL_DATA_MASTER_KEY: '',
    PERSONAL_DATA_MASTER_KEY_FILE: '',
  };
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('a fresh development start: generated keys in 0600 files whose paths are logged, never the keys', async () => {
    service = await startService(dataDir(), { ...noKeys, NODE_ENV: 'development' });
    const generated = join(dataDir(), 'api-keys.generated.txt');
    const keys = Object.fromEntries(
      readFileSync(generated, 'utf8')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => line.split('=') as [string, string]),
    );
    expect(Object.keys(keys)).toEqual(['service', 'ops', 'auditor']);
    const warnings = service.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(generated),
        expect.stringContaining(join(dataDir(), 'personal-data-master.key')),
      ]),
    );
    // Personal data goes through the vault; the generated service key works.
    const response = await fetch(`${service.baseUrl}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.service}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        accountId: 'romashka',
        payerType: 'legal-entity',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'individual-contract',
        paymentScheme: 'postpaid',
        profileId: 'yc-legal-credit',
        legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
      }),
    });
    expect(response.status).toBe(201);
    const printed = JSON.stringify(service.logs) + service.stderr();
    for (const key of Object.values(keys)) expect(printed).not.toContain(key);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    // The data folder is the service user's only, and so is every file in it.
    expect(mode(dataDir())).toBe(0o700);
    const files = readdirSync(dataDir());
    expect(files).toEqual(
      expect.arrayContaining([
        'events.sqlite',
        'keys.sqlite',
        'idempotency.sqlite',
        'timelines.sqlite',
        'api-keys.json',
        'api-keys.generated.txt',
        'personal-data-master.key',
      ]),
    );
    expect(files.filter((f) => mode(join(dataDir(), f)) !== 0o600)).toEqual([]);
  }, 120_000);

  it('production (NODE_ENV=production) refuses to start without a master key, naming the variables', async () => {
    await expect(startService(dataDir(), { ...noKeys, NODE_ENV: 'production' })).rejects.toThrow(
      /PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE is required when NODE_ENV=production/,
    );
  }, 120_000);

  it('production starts with the key that wrapped the keys, and refuses another one', async () => {
    const other = join(root, 'other.key');
    writeFileSync(other, Buffer.alloc(32, 1).toString('base64'), { mode: 0o600 });
    await expect(
      startService(dataDir(), { ...noKeys, NODE_ENV: 'production', PERSONAL_DATA_MASTER_KEY_FILE: other }),
    ).rejects.toThrow(/The personal-data master key does not open .*keys\.sqlite/);
    service = await startService(dataDir(), {
      ...noKeys,
      NODE_ENV: 'production',
      PERSONAL_DATA_MASTER_KEY: readFileSync(join(dataDir(), 'personal-data-master.key'), 'utf8').trim(),
    });
    const warnings = service.logs
      .filter((l) => l.level === 'warn')
      .map((l) => l.message)
      .join('\n');
    expect(warnings).not.toMatch(/development master key/);
    // Until the developer deletes it, every start reminds them the plain keys are still on disk.
    expect(warnings).toContain('api-keys.generated.txt still holds the generated API keys');
  }, 120_000);
});
