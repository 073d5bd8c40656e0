import { fnv1a } from '../../application/presence-stream/sub-partitions.js';

const HASH_SPACE = 2n ** 128n;

/**
 * The shard a sub-partition is placed on. A channel's K sub-partitions take K consecutive shards
 * from a slot hashed from the channel id, so no two sub-partitions of one channel share a shard
 * (each stays under a shard's 1,000 records/s by construction). Sub-partitions of different
 * channels can still meet on a shard, as they would under MD5 placement: the capacity model
 * assumes an even spread (ceil(keys / shards) per shard) and provisions headroom for it.
 */
export const presenceShardOf = (channelId: string, k: number, shardCount: number): number =>
  (fnv1a(channelId) + k) % shardCount;

/**
 * An explicit hash key in the middle of shard `shard`'s range, for a stream whose N shards split
 * the 128-bit hash key space evenly (what CreateStream does with ShardCount = N, and what a
 * CDK stream with `shardCount` gets). Resharding unevenly breaks this placement, not correctness.
 */
export const explicitHashKeyOf = (shard: number, shardCount: number): string =>
  ((HASH_SPACE * BigInt(2 * shard + 1)) / BigInt(2 * shardCount)).toString();
