/** A session as the aggregator keeps it: its newest sequence and the time of its newest beat. */
export interface SessionEntry {
  readonly sessionId: string;
  readonly sequence: number;
  readonly at: number;
}

export interface StoredBucket {
  readonly bucket: number;
  /** Bumped by every write; a write names the revision it read (0: the bucket does not exist). */
  readonly revision: number;
  readonly sessions: readonly SessionEntry[];
}

/**
 * A sub-partition's count as its aggregator last measured it, with the expiries it already
 * knows: a reader at `now` subtracts `expiring` entries with `expiresAt <= now`, so expiry is
 * checked at read time, exactly, up to `exactUntil` (later than that the writer has fallen
 * behind, and the count may still hold sessions that expired since).
 */
export interface SubPartitionCount {
  readonly count: number;
  readonly asOf: number;
  /** [first instant a session no longer counts, sessions] for expiries in (asOf, exactUntil]. */
  readonly expiring: ReadonlyArray<readonly [number, number]>;
  readonly exactUntil: number;
}

export interface StoredSubPartition {
  readonly buckets: readonly StoredBucket[];
  /** The count item's revision (0: none yet). */
  readonly countRevision: number;
}

export interface BucketWrite {
  readonly bucket: number;
  readonly expectedRevision: number;
  readonly sessions: readonly SessionEntry[];
}

/**
 * Packed presence of one sub-partition (`<channel>#<k>`): B bucket items holding its sessions
 * and one small count item. Every write is conditional on the revision the writer read, so a
 * stale writer (a warm instance that missed a batch another instance handled) is refused and
 * must reload, never overwrite newer beats.
 */
export interface PresenceBucketStore {
  /** Every bucket and the count item's revision, strongly consistent (a cold consumer rebuilds from this). */
  load(partition: string): Promise<StoredSubPartition>;
  /** Writes the changed buckets and the count item; 'CONFLICT' if any revision moved (some items may be written: reload and re-apply). */
  save(
    partition: string,
    buckets: readonly BucketWrite[],
    count: SubPartitionCount,
    expectedCountRevision: number,
  ): Promise<'SAVED' | 'CONFLICT'>;
  /** The count items of these partitions (missing ones are absent from the map); eventually consistent. */
  counts(partitions: readonly string[]): Promise<ReadonlyMap<string, SubPartitionCount>>;
}

/** The channel count at `now` from one sub-partition's count item. */
export const countAt = (item: SubPartitionCount, now: number): number =>
  item.count - item.expiring.reduce((gone, [expiresAt, n]) => (expiresAt <= now ? gone + n : gone), 0);
