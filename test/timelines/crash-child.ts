// Child process for the timeline crash test: fires due deadlines and, when told to, dies with SIGKILL right
// after a deadline's command has stored its events — before the deadline is marked as fired.
import 'reflect-metadata';
import { BillingService } from '../../src/application/billing/billing.service.js';
import { VirtualClock } from '../../src/application/clock/clock.js';
import { PersonalDataVault } from '../../src/application/personal-data/personal-data-vault.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { TimelineEngine } from '../../src/timelines/timeline-engine.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { testCatalog } from '../e2e/harness.js';

const [storePath, timelinesPath, now, crash] = process.argv.slice(2) as [string, string, string, string];
const store = SqliteEventStore.open({ path: storePath });
const clock = new VirtualClock(now);
const profiles = new ProfileRegistry();
const billing = new BillingService(store, clock, profiles, testCatalog(), new PersonalDataVault(':memory:'));
if (crash === 'crash') {
  const onLedger = billing.onLedger.bind(billing);
  billing.onLedger = async (...args) => {
    const outcome = await onLedger(...args);
    if (outcome.eventTypes.includes('AccountSuspended')) process.kill(process.pid, 'SIGKILL');
    return outcome;
  };
}
const db = new SqliteReadModelDb(timelinesPath);
const engine = new TimelineEngine(store, billing, clock, db, profiles);
await engine.start();
const fired = await engine.fireDue();
process.stdout.write(
  JSON.stringify(fired.map((f) => [f.id.split('/').slice(1).join('/'), f.outcome])) + '\n',
);
await engine.stop();
await db.close();
await store.close();
