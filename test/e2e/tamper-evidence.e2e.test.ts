import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { spawnTs } from '../support/child-process.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { individual, usage } from '../support/requests.js';

describe('tamper evidence: editing the SQLite file directly is detected', () => {
  let api: TestApi;
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    path = join(dir, 'events.sqlite');
    api = await startTestApi('2026-03-20T09:00:00.000Z', path);
    await api.call('POST', '/v1/accounts', individual('anna'));
    await api.call('POST', '/v1/accounts/anna/top-ups', {
      paymentId: 'p1',
      amount: '100',
      currency: 'RUB',
      channel: 'card',
    });
    await api.call('POST', '/v1/accounts/anna/usage', usage('u1', 'test.unit', '30'));
    await api.call('POST', '/v1/accounts/anna/usage', usage('u2', 'test.unit', '20'));
  });
  afterEach(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = () => api.call('GET', '/v1/audit/accounts/anna/verify', undefined, { role: 'auditor' });
  const tamper = (sql: string) => {
    const db = new DatabaseSync(path);
    // Compact rows keep their data in `body`: an edit writes the edited JSON text into `data`, which wins.
    defineEventSqlFunctions(db);
    db.exec(sql);
    db.close();
  };

  it('reports an intact history', async () => {
    const result = await verify();
    expect(result.body).toMatchObject({ intact: true });
    expect(result.body.streams.map((s: { streamId: string }) => s.streamId)).toEqual([
      'account-anna',
      'ledger-anna@2026-03',
      'payment-p1',
    ]);
  });

  it('names the first edited event', async () => {
    tamper(
      `UPDATE events SET data = json_set(event_data(data, body), '$.amount', '3') WHERE type = 'ResourceConsumed' AND revision = 2`,
    );
    const result = await verify();
    expect(result.body.intact).toBe(false);
    expect(result.body.streams[1]).toMatchObject({
      intact: false,
      firstBreak: { revision: 2, problem: 'edited' },
    });
  });

  it('the audit CLI reports the same break and exits with 1', async () => {
    tamper(
      `UPDATE events SET data = json_set(event_data(data, body), '$.amount', '3') WHERE type = 'ResourceConsumed' AND revision = 2`,
    );
    const cli = fileURLToPath(new URL('../../src/audit/audit-cli.ts', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      // No anchor here (its file does not exist): the chains alone; tamper-anchor.e2e.test.ts has the anchor.
      const child = spawnTs(cli, ['verify', 'anna'], {
        EVENT_STORE: 'sqlite',
        SQLITE_PATH: path,
        ANCHOR_DB: join(dir, 'anchor.sqlite'),
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { streamId: string; intact: boolean; firstBreak?: unknown });
    expect(lines).toEqual([
      expect.objectContaining({ streamId: 'account-anna', intact: true }),
      expect.objectContaining({
        streamId: 'ledger-anna@2026-03',
        intact: false,
        firstBreak: expect.objectContaining({ revision: 2, problem: 'edited' }),
      }),
      expect.objectContaining({ streamId: 'payment-p1', intact: true }),
    ]);
  }, 30_000);

  it('names the event after a removed one', async () => {
    tamper(`DELETE FROM events WHERE stream_id = 'ledger-anna@2026-03' AND revision = 1`);
    const result = await verify();
    expect(result.body.streams[1]).toMatchObject({
      intact: false,
      firstBreak: { revision: 2, problem: 'revision-gap' },
    });
  });

  it('detects reordered events', async () => {
    tamper(`UPDATE events SET revision = -1 WHERE stream_id = 'ledger-anna@2026-03' AND revision = 2;
            UPDATE events SET revision = 2 WHERE stream_id = 'ledger-anna@2026-03' AND revision = 3;
            UPDATE events SET revision = 3 WHERE stream_id = 'ledger-anna@2026-03' AND revision = -1;`);
    const result = await verify();
    expect(result.body.streams[1]).toMatchObject({ intact: false, firstBreak: { revision: 2 } });
  });
});
