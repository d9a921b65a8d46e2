import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { MasterKey } from '../../src/platform/secrets/master-key.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { DeliveryOutbox } from '../../projections/workers/document-delivery.projection.js';
import { startTestApi } from '../support/api.js';
import { creditLegal, legalPostpaid, usage } from '../support/requests.js';
import { startChild, type Worker } from '../projections/support/worker-process.js';
import {
  attachmentsOf,
  eventually,
  headerOf,
  signatureValid,
  startReceiver,
  startSmtp,
} from './support/receivers.js';

const child = fileURLToPath(new URL('./support/delivery-child.ts', import.meta.url));
const SECRET = 'whsec-crash-0123456789';

/**
 * kill -9 between "sent" and "recorded": the receiver has the call (or the SMTP server the message), the
 * worker never records its answer.
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

  it('e-mail: the message the SMTP server took goes out again under the same delivery id after kill -9', async () => {
    const storePath = join(dir, 'mail-events.sqlite');
    const vaultPath = join(dir, 'mail-keys.sqlite');
    const dbPath = join(dir, 'mail-document-delivery.sqlite');
    const key = MasterKey.random();
    const smtp = await startSmtp();
    const owner = 'edo@crash-vektor.example';

    // The history, written with the service's own worker off: a postpaid legal entity on EDM whose owner
    // gave an e-mail; its month end issues a UPD (PDF + XML) and a bill (PDF).
    const api = await startTestApi(
      '2026-03-02T09:00:00.000Z',
      storePath,
      {},
      { DELIVERY_WORKER: 'off' },
      () => ({ vault: new PersonalDataVault(vaultPath, key) }),
    );
    const opened = await api.call('POST', '/v1/accounts', {
      ...legalPostpaid('crash-mail'),
      edm: true,
      ownerEmail: owner,
    });
    expect(opened.status).toBe(201);
    await api.advanceTo('2026-03-10T12:00:00+03:00');
    await api.call('POST', '/v1/accounts/crash-mail/usage', usage('crash-m1', 'test.unit', '1220'));
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    const documents = (
      await api.call('GET', '/v1/accounts/crash-mail/documents', undefined, { role: 'auditor' })
    ).body as Array<{ number: string; kind: string }>;
    expect(documents.map((d) => d.kind).sort()).toEqual(['bill', 'upd']);
    await api.close();
    expect(smtp.mails).toHaveLength(0);

    const env = {
      MASTER_KEY: key.bytes.toString('hex'),
      SMTP_URL: smtp.url,
      DELIVERY_FROM: 'billing@example.com',
    };
    const args = [storePath, vaultPath, dbPath];
    // The first worker is killed once the server has the whole message and before it answers 250: the
    // message is received, the worker never learns so. The answer waits for the kill (deterministic).
    const first = startChild(child, args, 'delivery-mail-child-1', env);
    workers.push(first);
    await first.waitForLine((line) => line === 'held');
    let killed: Promise<void> | undefined;
    smtp.onMail = () => (killed ??= first.killHard());
    await eventually(() => killed !== undefined || undefined);
    await killed;
    smtp.onMail = undefined;
    expect(smtp.mails).toHaveLength(1);
    const killedId = headerOf(smtp.mails[0]!.raw, 'x-billing-delivery-id')!;
    expect(killedId).toMatch(/^dlv_/);
    expect(headerOf(smtp.mails[0]!.raw, 'message-id')).toBe(`<${killedId}@billing-engine>`);

    // Nothing recorded: the delivery is still pending, not one attempt on record.
    const db = new SqliteReadModelDb(dbPath);
    const outbox = new DeliveryOutbox(db);
    expect(await outbox.get(killedId)).toMatchObject({
      channel: 'email',
      status: 'pending',
      attempts: 0,
      history: [],
    });

    // A new process: the same e-mail goes out again, with the same ids; then the other document's.
    const second = startChild(child, args, 'delivery-mail-child-2', env);
    workers.push(second);
    const delivered = await eventually(async () => {
      const log = await outbox.log({ channel: 'email' });
      return log.length === 2 && log.every((d) => d.status === 'delivered') ? log : undefined;
    }, 30_000);
    await second.stop();
    workers = [];

    const ids = smtp.mails.map((m) => headerOf(m.raw, 'x-billing-delivery-id'));
    // Every message carries an id of the outbox (none new) as its Message-ID too; the killed one came twice.
    expect(new Set(ids)).toEqual(new Set(delivered.map((d) => d.deliveryId)));
    expect(ids.filter((id) => id === killedId)).toHaveLength(2);
    expect(ids).toHaveLength(3);
    for (const mail of smtp.mails) {
      expect(mail.to).toEqual([owner]);
      expect(headerOf(mail.raw, 'message-id')).toBe(
        `<${headerOf(mail.raw, 'x-billing-delivery-id')}@billing-engine>`,
      );
    }
    // Every document's e-mail arrived; the one sent again carries the same files (the XML byte for byte).
    const pdfs = smtp.mails.flatMap((m) =>
      attachmentsOf(m.raw)
        .map((a) => a.filename)
        .filter((f) => f.endsWith('.pdf')),
    );
    expect(new Set(pdfs)).toEqual(new Set(documents.map((d) => `${d.number}.pdf`)));
    const [firstTry, again] = smtp.mails
      .filter((m) => headerOf(m.raw, 'x-billing-delivery-id') === killedId)
      .map((m) => attachmentsOf(m.raw));
    expect(again!.map((a) => a.filename)).toEqual(firstTry!.map((a) => a.filename));
    // The UPD carries its XML, the bill none, on both tries; the XML is the same bytes again.
    const killedDocument = documents.find((d) => firstTry!.some((a) => a.filename === `${d.number}.pdf`))!;
    const xmlOf = (files: typeof firstTry) => files!.filter((a) => a.filename.endsWith('.xml'));
    expect(xmlOf(firstTry)).toHaveLength(killedDocument.kind === 'upd' ? 1 : 0);
    expect(xmlOf(again).map((a) => a.body)).toEqual(xmlOf(firstTry).map((a) => a.body));
    expect(await outbox.get(killedId)).toMatchObject({ status: 'delivered', attempts: 1 });
    await db.close();
    await smtp.close();
  }, 90_000);
});
