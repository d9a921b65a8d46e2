// The projector child of a service with PROJECTOR=separate (projector-process.ts): the read models of
// projections/all-projections.ts on the service's event store and read-model files, nothing else.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../platform/config/config.js';
import { createEventStore } from '../../platform/event-store/create-event-store.js';
import { JsonLogger } from '../../platform/http/json-logger.js';
import { loadProjectionsConfig, ProjectionsRuntime } from './projections-runtime.js';

/** How long a graceful stop waits for each read model to reach the head: a stuck one must not hold the exit. */
const CATCH_UP_AT_STOP_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  Logger.overrideLogger(new JsonLogger(config.logLevel));
  const store = await createEventStore(config.eventStore);
  const runtime = ProjectionsRuntime.open(store, loadProjectionsConfig(config.dataDir));
  await runtime.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // The service stops its projector after its last append. In the service's process the read models would
    // have received those events already; here they come through reading the log, so take them in first.
    await runtime.catchUpToHead(CATCH_UP_AT_STOP_MS);
    await runtime.close();
    await store.close();
    process.exit(0);
  };
  // SIGTERM from the service on its shutdown: catch up to the head, commit, hand back the leases, close.
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined);
  // A closed channel: the service died (even kill -9). The read models die with it at once, as in-process
  // ones would: a batch in flight rolls back with its checkpoint, the leases stay with the instance (its
  // restart takes them at once). No graceful close: closing the store's last connection checkpoints its
  // WAL under an exclusive lock, which whoever reads the dead service's store, or restarts it, would meet
  // as "database is locked" (kill-under-load did).
  process.on('disconnect', () => process.exit(0));
  process.send?.({ kind: 'started' });
}

main().catch((error: unknown) => {
  console.error('Projector start-up failed:', error);
  process.exit(1);
});
