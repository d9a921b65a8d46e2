import { hash } from 'node:crypto';
import type { EventMetadata, NewEvent, RecordedEvent } from './event-store.port.js';

/** The first event of every stream chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Tamper evidence: each event's metadata carries `prevHash` and `hash`, where `hash` covers the stream,
 * revision, id, type, data and the rest of the metadata plus `prevHash`. Editing, removing or reordering
 * a stored event breaks the chain at that event.
 */
export function eventHash(
  streamId: string,
  revision: number,
  event: Pick<NewEvent, 'id' | 'type' | 'data' | 'metadata'>,
): string {
  const { hash: _hash, ...metadata } = event.metadata ?? {};
  return hashOf(streamId, revision, event, metadata);
}

function hashOf(
  streamId: string,
  revision: number,
  event: Pick<NewEvent, 'id' | 'type' | 'data'>,
  metadataWithoutHash: EventMetadata,
): string {
  // One-shot hash (no Hash object per event): the same SHA-256 of the same UTF-8 text.
  return hash(
    'sha256',
    JSON.stringify([streamId, revision, event.id, event.type, event.data, metadataWithoutHash]),
    'hex',
  );
}

/** Adds prevHash/hash to events about to be appended after `previousHash` at `firstRevision`. */
export function chainEvents(
  streamId: string,
  firstRevision: number,
  previousHash: string,
  events: NewEvent[],
): NewEvent[] {
  let prevHash = previousHash;
  return events.map((event, index) => {
    // One copy of the metadata per event: hashed without `hash` (a new event has none), then given it.
    const { hash: _hash, ...metadata } = event.metadata ?? {};
    metadata.prevHash = prevHash;
    const hash = hashOf(streamId, firstRevision + index, event, metadata);
    prevHash = hash;
    metadata.hash = hash;
    return { ...event, metadata };
  });
}

export interface ChainBreak {
  streamId: string;
  revision: number;
  eventId: string;
  problem: 'edited' | 'removed-or-reordered' | 'revision-gap';
}

/** Verifies a whole stream read forwards from revision 0; returns the first break, if any. */
export function verifyChain(events: RecordedEvent[]): ChainBreak | undefined {
  let prevHash = GENESIS_HASH;
  let expectedRevision = 0;
  for (const event of events) {
    const at = { streamId: event.streamId, revision: event.revision, eventId: event.id };
    if (event.revision !== expectedRevision) return { ...at, problem: 'revision-gap' };
    if (event.metadata.prevHash !== prevHash) return { ...at, problem: 'removed-or-reordered' };
    if (eventHash(event.streamId, event.revision, event) !== event.metadata.hash)
      return { ...at, problem: 'edited' };
    prevHash = event.metadata.hash as string;
    expectedRevision += 1;
  }
  return undefined;
}
