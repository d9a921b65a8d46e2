import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
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
  // The event whose delivery or reaction failed in applyBatch: the runner applies the batch again one by one
  // to find it, and is given the same failure there rather than the event delivered a second time.
  let failed: { position: bigint; error: unknown } | undefined;

  /**
   * Publishes one event; a promise only when a handler handed in work to wait for. Most events get no
   * tracked reaction, and awaiting nothing on each cost the command path a few µs (issue 18).
   */
  const deliver = (recorded: RecordedEvent): Promise<void> | undefined => {
    if (delivered !== undefined && recorded.position <= delivered) return undefined;
    const published = new StoredEventPublished(recorded, run);
    publish(published);
    if (!published.reacting) {
      delivered = recorded.position;
      return undefined;
    }
    // One event at a time: handlers see the log in order, and a failing reaction stops the feed at it.
    return published.settled().then(() => {
      delivered = recorded.position;
    });
  };

  return {
    ...EVENT_BUS_FEED,
    async setup() {
      run += 1;
      failed = undefined;
    },
    async apply(_db, recorded) {
      if (failed?.position === recorded.position) {
        const { error } = failed;
        failed = undefined;
        throw error;
      }
      await deliver(recorded);
    },
    // The whole batch in one call: no await per event unless a reaction was handed in.
    async applyBatch(_db, events) {
      for (const recorded of events) {
        try {
          const reaction = deliver(recorded);
          if (reaction) await reaction;
        } catch (error) {
          failed = { position: recorded.position, error };
          throw error;
        }
      }
    },
  };
}
