import fc from 'fast-check';
import { emptyIdSet, idSetOf, idSetShape, type IdSet } from './id-set.js';

const ids = (count: number, prefix = 'u') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('IdSet: an immutable set of usage record and payment ids', () => {
  it('holds exactly the ids added, like a Set', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 300 }), (added) => {
        const expected = new Set<string>();
        let set = emptyIdSet();
        for (const id of added) {
          set = set.add(id);
          expected.add(id);
        }
        expect(set.size).toBe(expected.size);
        expect(added.every((id) => set.has(id))).toBe(true);
        expect(set.has('never added, longer than four')).toBe(false);
      }),
    );
  });

  it('leaves every earlier version as it was, even when two versions grow from the same one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (shared, left, right) => {
          const base = idSetOf(ids(shared));
          const leftSet = ids(left, 'l').reduce<IdSet>((set, id) => set.add(id), base);
          const rightSet = ids(right, 'r').reduce<IdSet>((set, id) => set.add(id), base);
          expect(base.size).toBe(shared);
          expect(base.has('l0') || base.has('r0')).toBe(false);
          expect(leftSet.size).toBe(shared + left);
          expect(rightSet.size).toBe(shared + right);
          expect(leftSet.has('r0')).toBe(false);
          expect(rightSet.has('l0')).toBe(false);
          expect(ids(shared).every((id) => leftSet.has(id) && rightSet.has(id))).toBe(true);
        },
      ),
    );
  });

  it('returns the same set when the id is already in it', () => {
    const set = idSetOf(['p1', 'p2']);
    expect(set.add('p1')).toBe(set);
  });

  it('copies about log2(n) times each id in all: doubling the ids about doubles the copying', () => {
    const copied = (count: number) => idSetShape(idSetOf(ids(count))).idsCopied;
    const twenty = copied(20_000);
    expect(twenty).toBeLessThanOrEqual(20_000 * (16 + Math.log2(20_000)));
    expect(twenty / copied(10_000)).toBeLessThan(2.3);
  });

  it('keeps at most log2(n / 16) + 1 chunks and a tail of fewer than 16 ids', () => {
    for (const count of [0, 1, 15, 16, 17, 1_000, 20_000, 20_001]) {
      const shape = idSetShape(idSetOf(ids(count)));
      expect(shape.tailLength).toBeLessThan(16);
      expect(shape.chunkSizes.length).toBeLessThanOrEqual(
        Math.floor(Math.log2(Math.max(count, 16) / 16)) + 1,
      );
      expect(shape.chunkSizes.reduce((sum, size) => sum + size, shape.tailLength)).toBe(count);
    }
  });
});
