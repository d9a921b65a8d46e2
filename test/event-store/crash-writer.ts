// Child process for the crash test: appends batches forever until killed.
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { randomUUID } from 'node:crypto';

const [path, batchSizeArg] = process.argv.slice(2);
const batchSize = Number(batchSizeArg);
const store = SqliteEventStore.open({ path: path! });
let batch = 0;
let announced = false;
for (;;) {
  // Several appends in flight at once, so the kill can land inside a group commit.
  const inFlight = Array.from({ length: 4 }, () => {
    const id = batch++;
    return store.append(
      `crash-${id % 7}`,
      Array.from({ length: batchSize }, (_, i) => ({
        id: randomUUID(),
        type: 'Filler',
        data: { batch: id, index: i, payload: 'x'.repeat(200) },
      })),
    );
  });
  await Promise.all(inFlight);
  if (!announced) {
    announced = true;
    process.stdout.write('ready\n');
  }
}
