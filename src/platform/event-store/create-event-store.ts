import type { AppConfig } from '../config/config.js';
import type { EventStore } from './event-store.port.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

/** Opens the event store the configuration names; fails fast when it cannot be reached. */
export async function createEventStore(config: AppConfig['eventStore']): Promise<EventStore> {
  if (config.kind === 'sqlite') return SqliteEventStore.open({ path: config.path });
  const { EsdbEventStore } = await import('./esdb/esdb-event-store.js');
  return EsdbEventStore.connect(config.connectionString);
}
