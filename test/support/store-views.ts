import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import type { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';

/**
 * The embedded store seen through the port without readStreamForLoad, as the EventStoreDB adapter is: an
 * aggregate's load then reads the stream with readStream (the light read's tests compare the two).
 */
export const withoutLightRead = (store: SqliteEventStore): EventStore => ({
  append: (...args) => store.append(...args),
  readStream: (...args) => store.readStream(...args),
  streamRevision: (...args) => store.streamRevision(...args),
  readAll: (...args) => store.readAll(...args),
  headPosition: () => store.headPosition(),
  subscribeToAll: (...args) => store.subscribeToAll(...args),
  close: () => store.close(),
});
