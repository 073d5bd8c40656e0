import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { PublishError } from '../../application/ports/feed-publisher.port.js';
import type { PresenceStream } from '../../application/ports/presence-stream.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { PresenceStreamRecord } from '../../application/presence-stream/beat-record.js';
import { partitionKeyOf } from '../../application/presence-stream/sub-partitions.js';
import { backoff, defaultBackoffPolicy, mapWithConcurrency, type BackoffPolicy } from '../aws-shared/backoff.js';
import { explicitHashKeyOf, presenceShardOf } from './presence-stream-shards.js';

export interface KinesisPresenceStreamOptions {
  readonly sleeper: Sleeper;
  /** The stream's shard count (evenly split), for explicit hash keys; omit to let Kinesis MD5 the partition key. */
  readonly shardCount?: number;
  readonly backoff?: BackoffPolicy;
  readonly concurrency?: number;
}

interface Entry {
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
  readonly Data: Uint8Array;
}

/** PutRecords takes at most 500 records (and 5 MiB: 500 beat records are ~50 KB). */
const MAX_RECORDS_PER_PUT = 500;

/**
 * The presence stream on Kinesis. Order within a sub-partition does not matter to the
 * aggregator (a beat older than the newest seen changes nothing), so refused records are
 * simply retried, alone, with full-jitter back-off — no per-key ordering dance as on the feed.
 */
export class KinesisPresenceStream implements PresenceStream {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly options: KinesisPresenceStreamOptions,
  ) {}

  async publish(records: readonly PresenceStreamRecord[]): Promise<void> {
    const { shardCount } = this.options;
    let pending: Entry[] = records.map((r) => ({
      PartitionKey: partitionKeyOf(r.channelId, r.k),
      ...(shardCount
        ? { ExplicitHashKey: explicitHashKeyOf(presenceShardOf(r.channelId, r.k, shardCount), shardCount) }
        : {}),
      Data: Buffer.from(JSON.stringify(r)),
    }));
    const policy = this.options.backoff ?? defaultBackoffPolicy;
    let reasons: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        if (attempt > policy.maxAttempts) {
          throw new PublishError(
            `${pending.length} of ${records.length} presence records were refused by ${this.streamName} after ${policy.maxAttempts} attempts (${reasons.join('; ')}); add shards`,
            pending,
          );
        }
        await backoff(this.options.sleeper, policy, attempt - 1);
      }
      const chunks: Entry[][] = [];
      for (let i = 0; i < pending.length; i += MAX_RECORDS_PER_PUT)
        chunks.push(pending.slice(i, i + MAX_RECORDS_PER_PUT));
      const refused = await mapWithConcurrency(chunks, this.options.concurrency ?? 4, async (chunk) => {
        const response = await this.client.send(new PutRecordsCommand({ StreamName: this.streamName, Records: chunk }));
        return chunk.flatMap((entry, i) => {
          const result = response.Records?.[i];
          return result && !result.ErrorCode ? [] : [{ entry, reason: result?.ErrorCode ?? 'NoResult' }];
        });
      });
      pending = refused.flat().map((r) => r.entry);
      reasons = [...new Set(refused.flat().map((r) => r.reason))];
    }
  }
}
