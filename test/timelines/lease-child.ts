// Child process for the timelines lease test: one instance of the timelines on a shared database. It prints
// `held` once it holds the timelines' lease and one `fired <id> <outcome>` line per deadline it fires.
import 'reflect-metadata';
import { BillingService } from '../../src/application/billing/billing.service.js';
import { VirtualClock } from '../../src/application/clock/clock.js';
import { PersonalDataVault } from '../../src/application/personal-data/personal-data-vault.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { openReadModelDb } from '../../src/ops/projections-runtime.js';
import { TimelineEngine } from '../../src/timelines/timeline-engine.js';
import { testCatalog } from '../e2e/harness.js';

const [storePath, timelinesDb, holder, now, ttlMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const store = SqliteEventStore.open({ path: storePath });
const clock = new VirtualClock(now);
const profiles = new ProfileRegistry();
const billing = new BillingService(store, clock, profiles, testCatalog(), new PersonalDataVault(':memory:'));
const db = openReadModelDb(timelinesDb);
const engine = new TimelineEngine(store, billing, clock, db, profiles, undefined, {
  lease: { holder, ttlMs: Number(ttlMs) },
});
await engine.start();
process.stdout.write('started\n');
let announced = false;
for (;;) {
  if (engine.firesDeadlines && !announced) {
    announced = true;
    process.stdout.write('held\n');
  }
  for (const fired of await engine.fireDue().catch(() => []))
    process.stdout.write(`fired ${fired.id} ${fired.outcome}\n`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
