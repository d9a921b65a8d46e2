import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import { StoredEventPublished } from './stored-event-published.js';

/**
 * Feeds the event bus from the durable subscription: every stored event, in log order, published once per
 * checkpoint advance. It builds no tables; its checkpoint is how far the bus has been fed.
 */
export const EVENT_BUS_FEED: ProjectionIdentity = { name: 'event-bus', version: 1 };

export function eventBusFeedProjection(publish: (event: StoredEventPublished) => void): Projection {
  // The runner applies a batch again after a rollback (say, up to a failing reaction); reactions already
  // delivered by this process are not delivered twice. Across a crash they are (at least once).
  let delivered: bigint | undefined;
  // The runner sets up before each start: each start is a new run, which may follow a gap (StoredEventPublished).
  let run = 0;
  return {
    ...EVENT_BUS_FEED,
    async setup() {
      run += 1;
    },
    async apply(_db, recorded) {
      if (delivered !== undefined && recorded.position <= delivered) return;
      const published = new StoredEventPublished(recorded, run);
      publish(published);
      // One event at a time: handlers see the log in order, and a failing reaction stops the feed at it.
      await published.settled();
      delivered = recorded.position;
    },
  };
}
