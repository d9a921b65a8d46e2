import fc from 'fast-check';
import { emptyPersistentMap, type PersistentMap } from './persistent-map.js';

describe('PersistentMap: an immutable map set one key at a time', () => {
  it('answers like a Map, and every earlier version stays as it was', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 300 }),
        (sets) => {
          const versions: Array<{ map: PersistentMap<number>; expected: Map<string, number> }> = [];
          let map = emptyPersistentMap<number>();
          const expected = new Map<string, number>();
          for (const [key, value] of sets) {
            versions.push({ map, expected: new Map(expected) });
            map = map.set(key, value);
            expected.set(key, value);
          }
          versions.push({ map, expected });
          for (const version of versions) {
            for (const [key] of sets) expect(version.map.get(key)).toBe(version.expected.get(key));
          }
          expect(map.get('never set, longer than three')).toBeUndefined();
        },
      ),
    );
  });
});
