import { hash } from 'node:crypto';

/** Namespace for the engine's name-based (v5) event ids. */
const NAMESPACE = 'b3f1c9a2-5d1e-4c8f-9a7b-2e6d4f0a1c3e';
/** Its 16 bytes, parsed once (every event id hashes them first). */
const NAMESPACE_BYTES = Buffer.from(NAMESPACE.replaceAll('-', ''), 'hex');
/** Where an id's input is laid out (ids are made one at a time, synchronously). */
const NAME_BUFFER = Buffer.alloc(1024);

/**
 * A UUID (version 5, RFC 9562) derived from a name such as `${commandId}/0`, so a retried command
 * produces the same event ids and the store recognises the retry.
 */
export function deterministicEventId(name: string): string {
  // SHA-1 of the namespace's bytes then the name's UTF-8, in one call (no Hash object per id): the bytes are
  // laid out in a buffer kept for the purpose (a longer name gets a buffer of its own).
  const length = NAMESPACE_BYTES.length + Buffer.byteLength(name, 'utf8');
  const input = length <= NAME_BUFFER.length ? NAME_BUFFER : Buffer.allocUnsafe(length);
  NAMESPACE_BYTES.copy(input, 0);
  input.write(name, NAMESPACE_BYTES.length, 'utf8');
  const digest = hash('sha1', input.subarray(0, length), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
