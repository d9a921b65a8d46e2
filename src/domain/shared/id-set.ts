/**
 * An immutable set of ids (usage records, payments) that grows by one id per event for a whole period.
 * Adding returns a new set and leaves the old one as it was, without copying what the old one holds:
 * replaying a period of 10 000+ usage records must stay linear, not copy 10 000 ids per event.
 */
export interface IdSet {
  readonly size: number;
  has(id: string): boolean;
  /** A set that also holds `id`; this set is unchanged (and returned as is when it already holds `id`). */
  add(id: string): IdSet;
}

/** What an IdSet is made of, for specs that check it stays small to copy. */
export interface IdSetShape {
  /** Ids added since the last chunk was sealed, copied on every add. */
  readonly tailLength: number;
  /** Sizes of the sealed chunks, largest (oldest) first. */
  readonly chunkSizes: readonly number[];
  /** Ids copied to build this set since it was empty, over its whole history. */
  readonly idsCopied: number;
}

/** Ids kept in the copied tail before it is sealed into a chunk. */
const TAIL_LIMIT = 16;

/**
 * Sealed chunks are never changed after they are built, so every version of the set shares them. Like a
 * binary counter, a new chunk swallows the chunks not larger than itself: every id is copied about
 * log2(n) times in all, and a lookup asks at most log2(n / 16) + 1 chunks and the tail.
 */
class ChunkedIdSet implements IdSet {
  constructor(
    private readonly chunks: readonly ReadonlySet<string>[],
    private readonly tail: readonly string[],
    readonly size: number,
    readonly idsCopied: number,
  ) {}

  has(id: string): boolean {
    if (this.tail.includes(id)) return true;
    for (const chunk of this.chunks) if (chunk.has(id)) return true;
    return false;
  }

  add(id: string): IdSet {
    if (this.has(id)) return this;
    const tail = [...this.tail, id];
    let copied = this.idsCopied + tail.length;
    if (tail.length < TAIL_LIMIT) return new ChunkedIdSet(this.chunks, tail, this.size + 1, copied);
    const chunks = [...this.chunks];
    let sealed = new Set(tail);
    copied += sealed.size;
    while (chunks.length > 0 && chunks.at(-1)!.size <= sealed.size) {
      const older = chunks.pop()!;
      const merged = new Set(older);
      for (const each of sealed) merged.add(each);
      copied += merged.size;
      sealed = merged;
    }
    chunks.push(sealed);
    return new ChunkedIdSet(chunks, [], this.size + 1, copied);
  }

  get shape(): IdSetShape {
    return {
      tailLength: this.tail.length,
      chunkSizes: this.chunks.map((chunk) => chunk.size),
      idsCopied: this.idsCopied,
    };
  }
}

const EMPTY: IdSet = new ChunkedIdSet([], [], 0, 0);

export const emptyIdSet = (): IdSet => EMPTY;

export const idSetOf = (ids: Iterable<string>): IdSet => {
  let set = EMPTY;
  for (const id of ids) set = set.add(id);
  return set;
};

export function idSetShape(set: IdSet): IdSetShape {
  if (!(set instanceof ChunkedIdSet)) throw new TypeError('not an IdSet built by emptyIdSet or idSetOf');
  return set.shape;
}
