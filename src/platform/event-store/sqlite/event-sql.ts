// SQL over the embedded log's events table. A compact row keeps its data in `body` (a binary record, see
// compact-encoding.ts) and '' in `data`, so SQL that reads an event's data asks `event_data(data, body)`
// for its JSON text instead of reading `data`: e.g. `json_extract(event_data(data, body), '$.amount')`.
import type { DatabaseSync } from 'node:sqlite';
import { decodeData } from './compact-encoding.js';

/** Defines `event_data(data, body)` on a connection to an event store file: the event's data as JSON text. */
export function defineEventSqlFunctions(db: DatabaseSync): void {
  db.function('event_data', { deterministic: true }, (data: unknown, body: unknown) => {
    if (typeof data === 'string' && data !== '') return data;
    if (body instanceof Uint8Array) return JSON.stringify(decodeData(body));
    return null;
  });
}
