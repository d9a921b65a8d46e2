import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('embedded SQLite, in memory', async () => {
  const store = SqliteEventStore.open({ path: ':memory:' });
  return { store, dispose: () => store.close() };
});

describeEventStoreContract('embedded SQLite, file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
