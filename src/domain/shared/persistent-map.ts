/**
 * An immutable string-keyed map with structural sharing, for aggregate state that grows with
 * every event of a hot stream (a trip's request outcomes, an auction's bid ids).
 *
 * Why not `new Map(old).set(k, v)`: the command handler folds one event at a time, so copying
 * a structure of n entries per event costs O(n²) over a stream — 50 million entry copies for a
 * 10,000-request booking rush. Here the entries live in a fixed number of buckets chosen by a
 * pure string hash; `set` copies the bucket array (256 pointers) and the one bucket it touches
 * (about n / 256 entries), and every other bucket is shared with the previous version. That is
 * a few hundred pointer copies per event whatever the stream's length, and no version is ever
 * mutated, so cached states stay valid. (A full HAMT would be O(log n); at the sizes of one
 * stream the flat table is as fast and much simpler.)
 */
const BUCKET_COUNT = 256;

type Entry<V> = readonly [key: string, value: V];
type Bucket<V> = readonly Entry<V>[];

/** FNV-1a over UTF-16 code units: pure and deterministic, so every replay builds the same table. */
const bucketOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKET_COUNT;
};

const EMPTY_BUCKET: Bucket<never> = Object.freeze([]);

/**
 * The read side of a map that a `PersistentMap` can start from and never mutates: a native Map
 * (`of`), or a decoded snapshot's own lookup, which can answer a few `get`s by scanning its
 * columns before it pays for building an index (`over`).
 */
export interface MapBase<V> extends Iterable<readonly [string, V]> {
  readonly size: number;
  get(key: string): V | undefined;
  has(key: string): boolean;
}

export class PersistentMap<V> {
  private static readonly EMPTY = new PersistentMap<never>(
    Object.freeze(new Array<Bucket<never>>(BUCKET_COUNT).fill(EMPTY_BUCKET)),
    0,
    null,
  );

  /** `size`, once asked: with a base it takes a lookup in the base per key set since. */
  private knownSize: number | null;

  /**
   * @param base entries the map was built with by `of` or `over` (a decoded snapshot), which
   *   nothing ever mutates: building it costs one pass, where `set` per entry copies the bucket
   *   array each time. Entries set later live in the buckets and shadow the base; `set` does not
   *   ask the base whether it holds the key (a lazy base, a snapshot's columns, would have to be
   *   searched on every event folded after it), so the size is counted when it is asked for.
   * @param bucketEntries how many entries the buckets hold.
   */
  private constructor(
    private readonly buckets: readonly Bucket<V>[],
    private readonly bucketEntries: number,
    private readonly base: MapBase<V> | null,
  ) {
    this.knownSize = base ? null : bucketEntries;
  }

  get size(): number {
    if (this.knownSize === null) {
      let shadowing = 0;
      for (const bucket of this.buckets) for (const [key] of bucket) if (this.base?.has(key)) shadowing++;
      this.knownSize = (this.base?.size ?? 0) + this.bucketEntries - shadowing;
    }
    return this.knownSize;
  }

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY as PersistentMap<V>;
  }

  /** A map of these entries (a repeated key: the last value wins). */
  static of<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    const base = new Map(entries);
    return PersistentMap.over(base);
  }

  /** A map that starts as `base` (which must hold each key once: its `size` is taken as is). */
  static over<V>(base: MapBase<V>): PersistentMap<V> {
    return base.size === 0 ? PersistentMap.empty<V>() : new PersistentMap(PersistentMap.EMPTY.buckets, 0, base);
  }

  get(key: string): V | undefined {
    for (const [k, v] of this.bucket(key)) if (k === key) return v;
    return this.base?.get(key);
  }

  has(key: string): boolean {
    return this.bucket(key).some(([k]) => k === key) || (this.base?.has(key) ?? false);
  }

  /** A new map with `key` set; this one is unchanged. */
  set(key: string, value: V): PersistentMap<V> {
    const index = bucketOf(key);
    const bucket = this.buckets[index] ?? EMPTY_BUCKET;
    const at = bucket.findIndex(([k]) => k === key);
    const entry: Entry<V> = [key, value];
    const nextBucket = at === -1 ? [...bucket, entry] : bucket.with(at, entry);
    return new PersistentMap(this.buckets.with(index, nextBucket), this.bucketEntries + (at === -1 ? 1 : 0), this.base);
  }

  /** The base's entries not set since, then the buckets' entries (in insertion order within a bucket). */
  *entries(): IterableIterator<readonly [string, V]> {
    if (this.base) for (const entry of this.base) if (!this.bucket(entry[0]).some(([k]) => k === entry[0])) yield entry;
    for (const bucket of this.buckets) yield* bucket;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<readonly [string, V]> {
    return this.entries();
  }

  private bucket(key: string): Bucket<V> {
    return this.buckets[bucketOf(key)] ?? EMPTY_BUCKET;
  }
}

/** A set of strings on top of `PersistentMap`, with the same per-`add` cost. */
export class PersistentSet {
  private static readonly EMPTY = new PersistentSet(PersistentMap.empty<true>());

  private constructor(private readonly map: PersistentMap<true>) {}

  static empty(): PersistentSet {
    return PersistentSet.EMPTY;
  }

  static of(values: Iterable<string>): PersistentSet {
    return new PersistentSet(PersistentMap.of(Array.from(values, (value): [string, true] => [value, true])));
  }

  get size(): number {
    return this.map.size;
  }

  has(value: string): boolean {
    return this.map.has(value);
  }

  /** A new set with `value` added (or this one if it is already there). */
  add(value: string): PersistentSet {
    return this.map.has(value) ? this : new PersistentSet(this.map.set(value, true));
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.map.keys();
  }
}
