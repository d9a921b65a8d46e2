import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { MasterKey } from '../../src/platform/secrets/master-key.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { DeliveryOutbox } from '../../projections/workers/document-delivery.projection.js';
import { startTestApi } from '../support/api.js';
import { creditLegal, usage } from '../support/requests.js';
import { startChild, type Worker } from '../projections/support/worker-process.js';
import { eventually, signatureValid, startReceiver } from './support/receivers.js';

const child = fileURLToPath(new URL('./support/delivery-child.ts', import.meta.url));
const SECRET = 'whsec-crash-0123456789';

/**
 * kill -9 between "sent" and "recorded": the receiver has the call, the worker never records its answer.
 * The restarted worker sends it again with the same delivery id (at least once, never lost), and no
 * delivery ever goes out under a new id.
 */
describe('a crash of the delivery worker between sending and recording', () => {
  let dir: string;
  let workers: Worker[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-crash-'));
  });
  afterAll(async () => {
    for (const w of workers) await w.killHard().catch(() => undefined);
    if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
    else console.log('kept', dir);
  });

  it('sends again with the same delivery id after kill -9, and never under a new id', async () => {
    const storePath = join(dir, 'events.sqlite');
    const vaultPath = join(dir, 'keys.sqlite');
    const dbPath = join(dir, 'document-delivery.sqlite');
    const key = MasterKey.random();
    const receiver = await startReceiver();

    // The history, written by the service with its own delivery worker off: a subscription, then a month
    // of a postpaid legal entity whose month end issues a UPD and a bill.
    const api = await startTestApi(
      '2026-03-02T09:00:00.000Z',
      storePath,
      {},
      { DELIVERY_WORKER: 'off' },
      () => ({
        vault: new PersonalDataVault(vaultPath, key),
      }),
    );
    expect(
      (await api.call('POST', '/v1/ops/webhooks', { url: receiver.url, secret: SECRET }, { role: 'ops' }))
        .status,
    ).toBe(201);
    await api.call('POST', '/v1/accounts', {
      ...creditLegal('crash-vektor'),
      profileId: 'vk-legal-postpaid',
    });
    await api.advanceTo('2026-03-10T12:00:00+03:00');
    await api.call('POST', '/v1/accounts/crash-vektor/usage', usage('crash-u1', 'test.unit', '1220'));
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    const documents = (
      await api.call('GET', '/v1/accounts/crash-vektor/documents', undefined, { role: 'auditor' })
    ).body as Array<{ number: string }>;
    expect(documents).toHaveLength(2);
    await api.close();
    expect(receiver.calls).toHaveLength(0);

    const env = { MASTER_KEY: key.bytes.toString('hex') };
    const args = [storePath, vaultPath, dbPath];
    // The first worker is killed the moment its first call arrives: sent, not recorded.
    const first = startChild(child, args, 'delivery-child-1', env);
    workers.push(first);
    await first.waitForLine((line) => line === 'held');
    let killed: Promise<void> | undefined;
    receiver.onCall = () => {
      killed ??= first.killHard();
    };
    await eventually(() => killed !== undefined || undefined);
    await killed;
    receiver.onCall = undefined;
    expect(receiver.calls).toHaveLength(1);
    const killedId = String(receiver.calls[0]!.headers['x-billing-delivery-id']);

    // Nothing recorded: the delivery is still pending, not one attempt on record.
    const db = new SqliteReadModelDb(dbPath);
    const outbox = new DeliveryOutbox(db);
    const before = await outbox.get(killedId);
    expect(before).toMatchObject({ status: 'pending', attempts: 0, history: [] });

    // A new process: the same delivery goes out again, with the same id; then the rest.
    const second = startChild(child, args, 'delivery-child-2', env);
    workers.push(second);
    const delivered = await eventually(async () => {
      const log = await outbox.log({ channel: 'webhook' });
      return log.length === 2 && log.every((d) => d.status === 'delivered') ? log : undefined;
    }, 30_000);
    await second.stop();
    workers = [];

    const ids = receiver.calls.map((c) => String(c.headers['x-billing-delivery-id']));
    // Every call carries an id of the outbox (none new), each document's delivery arrived, the killed one twice.
    expect(new Set(ids)).toEqual(new Set(delivered.map((d) => d.deliveryId)));
    expect(ids.filter((id) => id === killedId)).toHaveLength(2);
    expect(ids).toHaveLength(3);
    expect(receiver.calls.every((c) => signatureValid(c, SECRET))).toBe(true);
    expect(new Set(receiver.calls.map((c) => JSON.parse(c.body).document.number))).toEqual(
      new Set(documents.map((d) => d.number)),
    );
    expect(await outbox.get(killedId)).toMatchObject({ status: 'delivered', attempts: 1 });
    await db.close();
    await receiver.close();
  }, 90_000);
});
