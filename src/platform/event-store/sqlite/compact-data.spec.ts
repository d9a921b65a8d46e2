import fc from 'fast-check';
import { decodeData, encodeData } from './compact-encoding.js';
import { DATA_DICTIONARIES } from './data-dictionary.js';
import { engineChargeData } from './compact-data.fixtures.js';

/** What the JSON rows gave back for this data: the rule compact data must keep. */
const viaJson = (data: unknown): unknown => JSON.parse(JSON.stringify(data));

function roundTrip(data: unknown): unknown {
  const encoded = encodeData(data);
  if (!encoded) throw new Error('expected a compact form');
  return decodeData(encoded);
}

describe('compact event data', () => {
  it('gives back the usage charge the engine writes, as identical JSON text', () => {
    const charge = engineChargeData();
    const decoded = roundTrip(charge);
    expect(decoded).toEqual(viaJson(charge));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(charge));
  });

  it('stores that charge in at most 135 bytes instead of 555', () => {
    expect(Buffer.byteLength(JSON.stringify(engineChargeData()))).toBe(555);
    // Its keys as a shape (5 bytes), catalog words in 2, amounts as packed digits, hours in 5, repeats in 2.
    expect(encodeData(engineChargeData())!.length).toBeLessThanOrEqual(135);
  });

  it('names its dictionary in the first byte and refuses one it does not know rather than guessing', () => {
    const encoded = encodeData({ amount: '1.00' })!;
    expect(encoded[0]).toBe(1);
    expect(DATA_DICTIONARIES.has(encoded[0]!)).toBe(true);
    const other = Uint8Array.from(encoded);
    other[0] = 200;
    expect(() => decodeData(other)).toThrow(/dictionary 200/);
    expect(() => decodeData(encoded.subarray(0, encoded.length - 1))).toThrow(/Truncated/);
    expect(() => decodeData(Uint8Array.of(...encoded, 0))).toThrow(/Trailing/);
  });

  it('keeps key order, unknown keys, nesting and every kind of value', () => {
    const data = {
      zeta: 1,
      amount: '-0012.3400',
      '10': 'integer-like key',
      '2': 'sorted first by JSON too',
      nested: { deeper: [[], {}, [null, true, false, 0, -1, 1.5, 2 ** 60, Number.MAX_SAFE_INTEGER]] },
      uuid: '2f1e7a52-8c1b-4d7e-9d4b-0a1b2c3d4e5f',
      upperUuid: '2F1E7A52-8C1B-4D7E-9D4B-0A1B2C3D4E5F',
      hash: 'ab'.repeat(32),
      times: ['1969-07-20T20:17:40.000Z', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00Z'],
      dates: ['2026-03-01', '2026-03'],
      repeated: ['x-1', 'x-1', 'x-1', 'compute', 'compute'],
      digitsOnly: ['.', '-', '..', '007', '1e5', ''],
      text: 'значение ✓ 👍',
      ключ: 'a',
      '': 'empty key',
      // A shape's keys: some of them in its order, all of them out of order, one more than it has.
      draws: [
        { grantId: 'g-1', amount: '1' },
        { amount: '1', grantId: 'g-1' },
      ],
      parts: [{ source: 'card', amount: '2' }, { source: 'card', amount: '2', extra: true }, { source: 'x' }],
    };
    const decoded = roundTrip(data);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(data));
    expect(decoded).toEqual(viaJson(data));
  });

  it('treats values JSON would change exactly as JSON did', () => {
    const data = {
      skipped: undefined,
      fn: () => 1,
      inArray: [undefined, () => 1, Symbol('s')],
      notANumber: Number.NaN,
      infinite: Number.POSITIVE_INFINITY,
      minusZero: -0,
      lone: 'a\uD800b',
      nullProto: Object.assign(Object.create(null) as object, { a: '1' }),
    };
    expect(JSON.stringify(roundTrip(data))).toBe(JSON.stringify(data));
    expect(roundTrip(data)).toEqual(viaJson(data));
  });

  it('leaves data JSON would write differently from its fields to JSON text', () => {
    expect(encodeData({ when: new Date('2026-03-01T00:00:00.000Z') })).toBeUndefined();
    expect(encodeData({ custom: { toJSON: () => 'x' } })).toBeUndefined();
    expect(encodeData({ instance: new (class Amount {})() })).toBeUndefined();
    expect(encodeData({ list: new (class List extends Array<number> {})() })).toBeUndefined();
    expect(encodeData({ inherited: Object.create({ a: 1 }) as object })).toBeUndefined();
    expect(encodeData(JSON.parse('{"__proto__": {"polluted": true}}'))).toBeUndefined();
    expect(encodeData({ ['\uD800']: 1 })).toBeUndefined();
    expect(encodeData(undefined)).toBeUndefined();
    expect(encodeData({ big: 1n })).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(encodeData(cyclic)).toBeUndefined();
  });

  it('stores plain objects and arrays of another realm (structuredClone, vm contexts) compactly too', () => {
    const data = { skus: [{ sku: 'compute.vcpu.hour', pricing: { model: 'flat', unitPrice: '1.08' } }] };
    const cloned = structuredClone(data);
    expect(Object.getPrototypeOf(cloned)).not.toBe(Object.prototype);
    expect(encodeData(cloned)).toEqual(encodeData(data));
    expect(roundTrip(cloned)).toEqual(viaJson(data));
  });

  it('round-trips any JSON value exactly as JSON did (property)', () => {
    const word = fc.constantFrom(
      ...DATA_DICTIONARIES.get(1)!.words,
      '54.72',
      '2026-03-01T01:00:00.000Z',
      '2f1e7a52-8c1b-4d7e-9d4b-0a1b2c3d4e5f',
    );
    const key = fc.oneof(fc.constantFrom(...DATA_DICTIONARIES.get(1)!.keys), fc.string());
    const leaf = fc.oneof(
      word,
      fc.string(),
      fc.stringMatching(/^[0-9.-]{1,30}$/),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc
        .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      // On the hour, as usage windows and billing hours are, back to year 0000.
      fc.integer({ min: -17_268_672, max: 10_000_000 }).map((h) => new Date(h * 3_600_000).toISOString()),
      fc.stringMatching(/^[0-9a-f]{64}$/),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('value')),
        fc.dictionary(key, tie('value')),
      ),
    }));
    // Objects made of a shape's keys, in its order or not, so shapes and their fallback are both exercised.
    const shaped = fc
      .constantFrom(...DATA_DICTIONARIES.get(1)!.shapes)
      .chain((shape) => fc.oneof(fc.subarray([...shape]), fc.shuffledSubarray([...shape])))
      .chain((keys) =>
        fc
          .tuple(...keys.map(() => leaf))
          .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]]))),
      );
    fc.assert(
      fc.property(fc.oneof(value, fc.jsonValue(), shaped, fc.array(shaped)), (data) => {
        const encoded = encodeData(data);
        if (!encoded) return JSON.stringify(data).includes('"__proto__"');
        return JSON.stringify(decodeData(encoded)) === JSON.stringify(viaJson(data));
      }),
      { numRuns: 3000, seed: 18 },
    );
  });
});
