import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventMetadata } from '../event-store.port.js';
import {
  decodeId,
  decodeMetadata,
  decodeMetadataValue,
  encodeId,
  encodeMetadata,
  isCompactId,
} from './compact-encoding.js';

/** What the first row format gave back for this metadata: the rule the compact one must keep. */
const viaJson = (metadata: EventMetadata): unknown => JSON.parse(JSON.stringify(metadata));

function roundTrip(metadata: EventMetadata): EventMetadata {
  const encoded = encodeMetadata(metadata);
  if (!encoded) throw new Error('expected a compact form');
  return decodeMetadata(encoded);
}

const engineMetadata = (): EventMetadata => ({
  commandId: 'usage/2026-03/x-000001/0',
  correlationId: 'usage/2026-03/x-000001/0',
  causationId: 'usage/2026-03/x-000001/0',
  actor: 'service:bench-generator',
  recordedAt: '2026-03-01T18:00:00.000Z',
  effectiveAt: '2026-03-01T01:59:59.999Z',
  schemaVersion: 1,
  prevHash: '83d1bd4b236a160a549658a2d7ae4f2f382c62e1a28d8df2975fc2b4564fda44',
  hash: '384373f44176ee3ab35e43eeb6e88126ceb8963a8c62e9ef6d71ed53cd8e5b21',
});

describe('compact event encoding', () => {
  it('gives back the metadata the engine writes, keys in the same order, as JSON text identical', () => {
    const metadata = engineMetadata();
    const decoded = roundTrip(metadata);
    expect(decoded).toEqual(viaJson(metadata));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(metadata));
  });

  it('stores the engine metadata in 150 bytes instead of 409', () => {
    const metadata = engineMetadata();
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(409);
    // Keys in one byte, two hashes in 32 bytes each, the repeated command id once, times in 6 bytes.
    expect(encodeMetadata(metadata)!.length).toBeLessThanOrEqual(150);
  });

  it('keeps key order, unknown keys, UUIDs, nested values and numbers that are not counts', () => {
    const metadata: EventMetadata = {
      hash: 'f'.repeat(64),
      tenant: 'acme',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      nested: { b: [1, 'two', null, { c: true }], a: -1.5 },
      schemaVersion: 3,
      negative: -4,
      fraction: 0.25,
      flag: false,
      nothing: null,
      recordedAt: '1969-07-20T20:17:40.000Z',
      big: Number.MAX_SAFE_INTEGER,
      unsafe: 2 ** 60,
      ключ: 'значение ✓',
      '': 'empty key',
      upper: 'A1B2C3D4-0000-4000-8000-000000000000',
    };
    const decoded = roundTrip(metadata);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(metadata));
    expect(Object.keys(decoded)).toEqual(Object.keys(metadata));
  });

  it('treats values JSON would change exactly as JSON did', () => {
    const metadata: EventMetadata = {
      skipped: undefined,
      when: new Date('2026-03-01T00:00:00.000Z'),
      notANumber: Number.NaN,
      minusZero: -0,
      lone: 'a\uD800b',
      emoji: 'ok 👍',
      almostTime: '2026-02-30T00:00:00.000Z',
      shortTime: '2026-03-01T00:00:00Z',
      hexUpper: 'F'.repeat(64),
    };
    expect(roundTrip(metadata)).toEqual(viaJson(metadata));
    expect(Object.keys(roundTrip(metadata))).toEqual(Object.keys(viaJson(metadata) as object));
  });

  it('leaves metadata JSON would parse differently from an assignment to JSON rows', () => {
    expect(encodeMetadata(JSON.parse('{"__proto__": {"polluted": true}}') as EventMetadata)).toBeUndefined();
    expect(encodeMetadata(new (class Custom {})() as EventMetadata)).toBeUndefined();
  });

  it('round-trips any JSON-shaped metadata exactly as JSON did (property)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.uuid(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31') }).map((d) => d.toISOString()),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.jsonValue(),
    );
    const key = fc.oneof(
      fc.constantFrom('commandId', 'hash', 'prevHash', 'recordedAt', 'actor'),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value), (metadata) => {
        const encoded = encodeMetadata(metadata);
        if (!encoded) return Object.keys(metadata).includes('__proto__');
        const decoded = decodeMetadata(encoded);
        return JSON.stringify(decoded) === JSON.stringify(viaJson(metadata));
      }),
      { numRuns: 2000, seed: 18 },
    );
  });

  it('reads one value of the metadata as the whole record gives it, repeats and unknown keys included (property)', () => {
    const value = fc.oneof(fc.string(), fc.uuid(), fc.integer(), fc.jsonValue(), fc.constant('same'));
    const key = fc.oneof(fc.constantFrom('commandId', 'hash', 'correlationId', 'actor'), fc.string());
    const wanted = ['commandId', 'hash', 'correlationId', 'actor', 'absent'];
    let found = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value), (metadata) => {
        const encoded = encodeMetadata(metadata);
        if (!encoded) return;
        const decoded = decodeMetadata(encoded);
        for (const name of wanted) {
          const expected = Object.hasOwn(decoded, name) ? decoded[name] : undefined;
          if (expected !== undefined) found++;
          expect(decodeMetadataValue(encoded, name)).toEqual(expected);
        }
      }),
      { numRuns: 2000, seed: 18 },
    );
    expect(found).toBeGreaterThan(500);
    const engine = encodeMetadata(engineMetadata())!;
    expect(decodeMetadataValue(engine, 'commandId')).toBe('usage/2026-03/x-000001/0');
    // correlationId repeats the command id (a back-reference): it must resolve to the text, not an index.
    expect(decodeMetadataValue(engine, 'correlationId')).toBe('usage/2026-03/x-000001/0');
    expect(decodeMetadataValue(engine, 'hash')).toBe(engineMetadata().hash);
    expect(() => decodeMetadataValue(Uint8Array.of(9, 1), 'commandId')).toThrow(/format 9/);
  });

  it('stores lowercase UUID ids in 16 bytes and nothing else', () => {
    const id = randomUUID();
    expect(isCompactId(id)).toBe(true);
    expect(encodeId(id)).toHaveLength(16);
    expect(decodeId(encodeId(id))).toBe(id);
    expect(isCompactId(id.toUpperCase())).toBe(false);
    expect(isCompactId('order-42')).toBe(false);
  });

  it('refuses a record of an unknown format rather than guessing', () => {
    expect(() => decodeMetadata(Uint8Array.of(9, 1))).toThrow(/format 9/);
    expect(() => decodeMetadata(Uint8Array.of(1, 1, 2, 16))).toThrow(/Truncated/);
  });
});
