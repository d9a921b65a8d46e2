import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import type { Projection } from '../runner/projection.js';
import { withBatch, type BatchWrites, type ReadModelDb } from '../runner/read-model-db.js';

/** A batch state that applies events itself: read what they touch first, then apply each without an await. */
export interface EventBatch extends BatchWrites {
  apply(db: ReadModelDb, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * A projection's `apply` and `applyBatch` over such a batch state: one event is a batch of one, and the
 * state is keyed by the build's statements (`statements(table)`: one batch state per build in a transaction).
 */
export function appliedByBatch<S extends object>(
  statements: (table: (name: string) => string) => S,
  create: (sql: S) => EventBatch,
): Pick<Projection, 'apply' | 'applyBatch'> {
  const applyEvents = async (
    db: ReadModelDb,
    events: readonly RecordedEvent[],
    table: (name: string) => string,
  ): Promise<void> => {
    const sql = statements(table);
    await withBatch(
      db,
      sql,
      () => create(sql),
      (batch) => batch.apply(db, events),
    );
  };
  return {
    apply: (db, recorded, table) => applyEvents(db, [recorded], table),
    applyBatch: applyEvents,
  };
}
