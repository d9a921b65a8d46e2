import type { AllFilter, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import type { ReadModelDb } from './read-model-db.js';

/**
 * A read model: a pure function of the events it sees plus its storage schema. `apply` must be
 * deterministic (no clock, no randomness) so a rebuild from scratch equals live processing.
 */
export interface Projection {
  name: string;
  /** Bump to rebuild from scratch beside the live version (blue/green). */
  version: number;
  filter?: AllFilter;
  /** Tables, in a schema both SQLite and PostgreSQL accept; idempotent. */
  setup(db: ReadModelDb, table: (name: string) => string): Promise<void>;
  apply(db: ReadModelDb, event: RecordedEvent, table: (name: string) => string): Promise<void>;
  /**
   * Optional: a whole batch (the runner's transaction) at once, in log order, with the same result as
   * `apply` on each event in turn — so a projection can read the rows of all its events in one statement
   * and apply them without an await per event. When it throws, the runner rolls the batch back and applies
   * it again event by event with `apply`, which names the poison event and commits the ones before it.
   */
  applyBatch?(db: ReadModelDb, events: RecordedEvent[], table: (name: string) => string): Promise<void>;
  /**
   * For a worker (LeasedRunner): its apply only writes its own tables — it sends no command and waits on
   * nothing — so it may take the process's shared log reader in lockstep with the read models instead of
   * reading and decoding the whole log once more on its own.
   */
  sharesLogReader?: boolean;
}

/** What status, lag and ops requests need to know of a consumer, without the dependencies it applies with. */
export type ProjectionIdentity = Pick<Projection, 'name' | 'version' | 'filter'>;
