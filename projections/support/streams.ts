import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
export { ledgerStreamParts } from '../../src/platform/event-store/stream-names.js';

/** Positions as fixed-width text sort in log order in both SQLite and PostgreSQL. */
export const sortablePosition = (event: RecordedEvent) => event.position.toString().padStart(20, '0');

/** The event's business time, falling back to when it was recorded. */
export const effectiveAt = (event: RecordedEvent) =>
  String(event.metadata.effectiveAt ?? event.metadata.recordedAt ?? '');
