// Child process for the timeline crash test: fires due deadlines and, when told to, dies with SIGKILL right
// after a deadline's command has stored its events — before the deadline is marked as fired.
import 'reflect-metadata';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { buildEngine } from '../support/engine.js';

const [storePath, timelinesPath, now, crash] = process.argv.slice(2) as [string, string, string, string];
const store = SqliteEventStore.open({ path: storePath });
const built = await buildEngine({ start: now, store });
if (crash === 'crash') {
  const decide = built.ledger.decide.bind(built.ledger);
  built.ledger.decide = async (...args) => {
    const outcome = await decide(...args);
    if (outcome.eventTypes.includes('AccountSuspended')) process.kill(process.pid, 'SIGKILL');
    return outcome;
  };
}
const db = new SqliteReadModelDb(timelinesPath);
const engine = built.timelines({ timelines: db });
await engine.start();
const fired = await engine.fireDue();
process.stdout.write(
  JSON.stringify(fired.map((f) => [f.id.split('/').slice(1).join('/'), f.outcome])) + '\n',
);
await built.close();
await db.close();
await store.close();
