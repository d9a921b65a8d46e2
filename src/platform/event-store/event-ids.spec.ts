import { createHash } from 'node:crypto';
import { deterministicEventId } from './event-ids.js';

describe('deterministicEventId', () => {
  it('gives the same UUID v5 for the same name and different ones for different names', () => {
    const a = deterministicEventId('cmd-1/0');
    expect(a).toBe(deterministicEventId('cmd-1/0'));
    expect(a).not.toBe(deterministicEventId('cmd-1/1'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

// Pinned: stored logs carry these ids and a retry is recognised by its id, so the derivation may be made
// faster but never different (values computed by the implementation of 2026-12-01).
describe('deterministicEventId, pinned', () => {
  it.each([
    ['ledger-acc-1-2026-03/cmd-1/0', '4d5dd257-2369-54ae-8f5e-5f338e3af11c'],
    ['Σ/ünïcode/1', '88fd932d-a272-5270-913d-8cc0e1b24f31'],
  ])('%s → %s', (name, id) => {
    expect(deterministicEventId(name)).toBe(id);
  });
});

// Issue 18: the id is hashed in one call from a reused buffer; it must equal the RFC 9562 derivation through a
// Hash object for any name — short, non-ASCII, longer than the buffer — and names made one after another.
describe('deterministicEventId, one-shot hashing', () => {
  const reference = (name: string) => {
    const digest = createHash('sha1')
      .update(Buffer.from('b3f1c9a25d1e4c8f9a7b2e6d4f0a1c3e', 'hex'))
      .update(name, 'utf8')
      .digest();
    digest[6] = (digest[6]! & 0x0f) | 0x50;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    const hex = digest.subarray(0, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  let seed = 18;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const alphabet = ['a', 'Z', '0', '/', '-', '@', 'ü', 'Σ', '€', '😀', ' '];
  const randomName = (maxLength: number) =>
    Array.from(
      { length: Math.floor(random() * maxLength) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join('');

  it('equals the reference on 2 000 random names, a long one (past the buffer) between short ones', () => {
    const names = Array.from({ length: 2000 }, (_, i) => randomName(i % 97 === 0 ? 2000 : 80));
    names.push('', 'x'.repeat(1008), 'x'.repeat(1009), 'é'.repeat(504), 'é'.repeat(505));
    for (const name of names) expect(deterministicEventId(name)).toBe(reference(name));
  });
});
