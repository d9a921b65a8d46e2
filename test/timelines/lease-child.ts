// Child process for the timelines lease test: one instance of the timelines on a shared database. It prints
// `held` once it holds the timelines' lease and one `fired <id> <outcome>` line per deadline it fires.
import 'reflect-metadata';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { openReadModelDb } from '../../src/ops/projections/projections-runtime.js';
import { buildEngine } from '../support/engine.js';

const [storePath, timelinesDb, holder, now, ttlMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const store = SqliteEventStore.open({ path: storePath });
const built = await buildEngine({ start: now, store });
const db = openReadModelDb(timelinesDb);
const engine = built.timelines({ timelines: db }, { lease: { holder, ttlMs: Number(ttlMs) } });
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
