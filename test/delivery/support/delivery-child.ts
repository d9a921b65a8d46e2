/**
 * The document delivery worker alone in a child process, for the kill -9 test.
 * argv: <event store path> <vault path> <delivery db path>; env: MASTER_KEY (64 hex digits), and for e-mail
 * SMTP_URL and DELIVERY_FROM (without them e-mail deliveries are recorded as skipped, as in the service).
 * Prints `held` once it holds the worker's lease, then delivers until killed (SIGTERM: stops cleanly).
 */
import 'reflect-metadata';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { PersonalDataVault } from '../../../src/platform/personal-data/personal-data-vault.js';
import { parseMasterKey } from '../../../src/platform/secrets/master-key.js';
import { SystemClock } from '../../../src/platform/clock/clock.js';
import { loadDeliveryConfig } from '../../../src/platform/config/config.js';
import { AccountBook } from '../../../src/accounts/account-book.js';
import { WebhookBook } from '../../../src/delivery/webhooks/webhook-book.js';
import { documentSender } from '../../../src/delivery/document-sender.js';
import { DeliveryWorker } from '../../../src/delivery/delivery-worker.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';

const [storePath, vaultPath, dbPath] = process.argv.slice(2) as [string, string, string];
const store = SqliteEventStore.open({ path: storePath });
const vault = new PersonalDataVault(vaultPath, parseMasterKey(process.env.MASTER_KEY!)!);
const clock = new SystemClock();
// E-mail goes out when the test gives SMTP_URL (and DELIVERY_FROM), read as the service reads them.
const problems: string[] = [];
const config = {
  ...loadDeliveryConfig(
    { SMTP_URL: process.env.SMTP_URL, DELIVERY_FROM: process.env.DELIVERY_FROM },
    problems,
  ),
  retry: { baseMs: 100, maxMs: 1_000, maxAttempts: 20 },
};
if (problems.length > 0) throw new Error(problems.join('; '));
const sender = documentSender({
  store,
  accounts: new AccountBook(store, clock, vault),
  webhooks: new WebhookBook(store, clock, vault),
  config,
});
const worker = new DeliveryWorker(store, new SqliteReadModelDb(dbPath), sender, {
  // A stable holder: the restarted process takes its lease back at once.
  lease: { holder: 'delivery-child', ttlMs: 1_000 },
  retry: config.retry,
  pollMs: 25,
  log: (message) => console.log(`log ${message}`),
});

await worker.start();
// The worker's timers do not keep a process alive (the service's server does): this one does.
const alive = setInterval(() => undefined, 60_000);
console.log(worker.held ? 'held' : 'waiting');
process.on('SIGTERM', () => {
  clearInterval(alive);
  void worker.stop().then(async () => {
    sender.close();
    await store.close();
    vault.close();
    process.exit(0);
  });
});
