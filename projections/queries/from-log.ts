import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import type { Projection } from '../runner/projection.js';
import { SqliteReadModelDb } from '../runner/sqlite-read-model-db.js';
import type { ReadModelDb } from '../runner/read-model-db.js';
import type { ReadModelQuery } from './read-models.js';

const BATCH = 1000;

/**
 * Answers `query` from the log itself when the live read model cannot: the projection's own code folds
 * every event it reads into a private in-memory database, so the answer is the one a caught-up build would
 * give. It reads the projection's whole share of the log — a fallback, counted as one, never the usual path.
 */
export async function queryFromLog<T>(
  store: EventStore,
  projection: Projection,
  query: ReadModelQuery<T>,
): Promise<T> {
  const db = await foldLog(store, projection);
  try {
    return await query(db, (name) => name);
  } finally {
    await db.close();
  }
}

/**
 * The projection's whole share of the log folded into a private in-memory database (tables unprefixed),
 * for a fallback that reads it longer than one query (a streamed answer); the caller closes it.
 */
export async function foldLog(store: EventStore, projection: Projection): Promise<ReadModelDb> {
  const db = new SqliteReadModelDb(':memory:');
  const table = (name: string) => name;
  try {
    await projection.setup(db, table);
    let after: bigint | undefined;
    for (;;) {
      const events = await store.readAll({
        afterPosition: after,
        maxCount: BATCH,
        filter: projection.filter,
      });
      if (events.length === 0) break;
      for (const event of events) await projection.apply(db, event, table);
      after = events.at(-1)!.position;
    }
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
