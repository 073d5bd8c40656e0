/**
 * Where a session's beats go. K sub-partitions per channel (K fixed by configuration, sized so
 * one stays under a Kinesis shard's 1,000 records/s: K = ceil(beats/s per channel ÷ 800)), and
 * B packed bucket items per sub-partition (sized so a bucket stays well under DynamoDB's
 * 400 KB item limit). Both are hashes of the session id, so a session always lands on the same
 * sub-partition and bucket: one record per session, in one place, with one writer.
 * Changing K or B re-homes sessions; do it only between live events.
 */

/** FNV-1a, 32 bit: stable across processes and runtimes (no seed), cheap, spreads short ids well. */
export const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
};

export interface PresenceLayout {
  /** Sub-partitions per channel (K). */
  readonly subPartitions: number;
  /** Bucket items per sub-partition (B). */
  readonly buckets: number;
}

export const subPartitionOf = (sessionId: string, layout: PresenceLayout): number =>
  fnv1a(sessionId) % layout.subPartitions;

/** Uses the hash's other digits than `subPartitionOf`, so the buckets of one sub-partition fill evenly. */
export const bucketOf = (sessionId: string, layout: PresenceLayout): number =>
  Math.floor(fnv1a(sessionId) / layout.subPartitions) % layout.buckets;

/** The presence stream's partition key and the bucket items' partition: `<channel>#<k>`. */
export const partitionKeyOf = (channelId: string, k: number): string => `${channelId}#${k}`;

export const partitionsOf = (channelId: string, layout: PresenceLayout): string[] =>
  Array.from({ length: layout.subPartitions }, (_, k) => partitionKeyOf(channelId, k));

export const presenceLayout = (layout: PresenceLayout): PresenceLayout => {
  for (const [name, value] of Object.entries(layout)) {
    if (!Number.isSafeInteger(value) || value < 1 || value > 1_000)
      throw new RangeError(`presence layout ${name} must be an integer 1..1000, got ${value}`);
  }
  return layout;
};
