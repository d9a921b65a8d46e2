import { createHash } from 'node:crypto';

/** Namespace for the engine's name-based (v5) event ids. */
const NAMESPACE = 'b3f1c9a2-5d1e-4c8f-9a7b-2e6d4f0a1c3e';
/** Its 16 bytes, parsed once (every event id hashes them first). */
const NAMESPACE_BYTES = Buffer.from(NAMESPACE.replaceAll('-', ''), 'hex');

/**
 * A UUID (version 5, RFC 9562) derived from a name such as `${commandId}/0`, so a retried command
 * produces the same event ids and the store recognises the retry.
 */
export function deterministicEventId(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
