/**
 * An immutable string-keyed map that is set one key per event for a whole period (running totals per
 * SKU and billing hour). Setting returns a new map and leaves the old one as it was, without copying what
 * the old one holds — the IdSet's layout (src/domain/shared/id-set.ts) with values: a small copied tail
 * and sealed chunks that every version shares, a newer chunk swallowing the older ones not larger than
 * itself. A key set again shadows its older value; a lookup asks the tail, then the chunks newest first.
 */
export interface PersistentMap<V> {
  get(key: string): V | undefined;
  /** A map that also maps `key` to `value`; this map is unchanged. */
  set(key: string, value: V): PersistentMap<V>;
}

/** Keys kept in the copied tail before it is sealed into a chunk. */
const TAIL_LIMIT = 16;

class ChunkedMap<V> implements PersistentMap<V> {
  constructor(
    /** Oldest (largest) first. */
    private readonly chunks: readonly ReadonlyMap<string, V>[],
    private readonly tail: ReadonlyMap<string, V>,
  ) {}

  get(key: string): V | undefined {
    if (this.tail.has(key)) return this.tail.get(key);
    for (let i = this.chunks.length - 1; i >= 0; i -= 1) {
      const chunk = this.chunks[i]!;
      if (chunk.has(key)) return chunk.get(key);
    }
    return undefined;
  }

  set(key: string, value: V): PersistentMap<V> {
    const tail = new Map(this.tail);
    tail.set(key, value);
    if (tail.size < TAIL_LIMIT) return new ChunkedMap(this.chunks, tail);
    const chunks = [...this.chunks];
    let sealed: Map<string, V> = tail;
    while (chunks.length > 0 && chunks.at(-1)!.size <= sealed.size) {
      const merged = new Map(chunks.pop()!);
      for (const [k, v] of sealed) merged.set(k, v);
      sealed = merged;
    }
    chunks.push(sealed);
    return new ChunkedMap(chunks, new Map());
  }
}

const EMPTY = new ChunkedMap<never>([], new Map<string, never>());

export const emptyPersistentMap = <V>(): PersistentMap<V> => EMPTY as PersistentMap<V>;
