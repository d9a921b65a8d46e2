import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { LEDGER_STREAM_PREFIX } from '../../src/application/ledger/stream-names.js';

/** `ledger-<accountId>@<periodId>` → its account and period; undefined for any other stream. */
export function ledgerStreamParts(streamId: string): { accountId: string; periodId: string } | undefined {
  if (!streamId.startsWith(LEDGER_STREAM_PREFIX)) return undefined;
  const at = streamId.lastIndexOf('@');
  if (at < 0) return undefined;
  return { accountId: streamId.slice(LEDGER_STREAM_PREFIX.length, at), periodId: streamId.slice(at + 1) };
}

/** Positions as fixed-width text sort in log order in both SQLite and PostgreSQL. */
export const sortablePosition = (event: RecordedEvent) => event.position.toString().padStart(20, '0');

/** The event's business time, falling back to when it was recorded. */
export const effectiveAt = (event: RecordedEvent) =>
  String(event.metadata.effectiveAt ?? event.metadata.recordedAt ?? '');
