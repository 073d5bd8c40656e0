import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { PublishError, type FeedPublisher } from '../../application/ports/feed-publisher.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../aws-shared/backoff.js';
import { deliverInKeyOrder, type EntryOutcome } from '../aws-shared/ordered-delivery.js';
import { encodeFeedRecord } from './feed-record-codec.js';

/** PutRecords limits: 500 records and 5 MiB per call; 1 MiB per record; partition keys ≤ 256 characters. */
export const KINESIS_MAX_RECORDS_PER_PUT = 500;
export const KINESIS_MAX_BYTES_PER_PUT = 5 * 1024 * 1024;
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;
const MAX_PARTITION_KEY_LENGTH = 256;

export interface KinesisFeedPublisherOptions {
  readonly sleeper: Sleeper;
  readonly backoff?: BackoffPolicy;
  /** PutRecords calls of one round in flight at once (only when a round exceeds one call). */
  readonly concurrency?: number;
  /** Cap on one record's size (data + key); lower than 1 MiB only to exercise splitting in tests. */
  readonly maxRecordBytes?: number;
  /**
   * Partition keys a channel's chat and like signals are spread over (default 16). Versioned
   * events stay on the channel id (their order matters); signals carry no version, so spreading
   * them lets a channel's likes use more than one shard's 1,000 records/s.
   */
  readonly signalPartitions?: number;
}

interface PendingRecord {
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly items: readonly FeedItem[];
  readonly bytes: number;
}

/** The bytes of `{"items":[]}` around the items. */
const AGGREGATE_OVERHEAD = Buffer.byteLength(encodeFeedRecord([]));

/**
 * The live feed on Kinesis Data Streams, partition key = channelId.
 *
 * Order per channel under partial failure: a channel's consecutive items are packed into one
 * record (see feed-record-codec.ts) and a PutRecords call carries at most one record per
 * channel (`deliverInKeyOrder`). A refused record (FailedRecordCount > 0, e.g.
 * ProvisionedThroughputExceededException) is retried alone with full-jitter back-off, and a
 * channel's next record is sent only once the previous one is in the shard. SequenceNumberForOrdering
 * exists only on single-record PutRecord, which would cost one call per item.
 */
export class KinesisFeedPublisher implements FeedPublisher {
  private readonly maxRecordBytes: number;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly options: KinesisFeedPublisherOptions,
  ) {
    this.maxRecordBytes = Math.min(options.maxRecordBytes ?? KINESIS_MAX_RECORD_BYTES, KINESIS_MAX_RECORD_BYTES);
  }

  async publish(items: readonly FeedItem[]): Promise<void> {
    if (items.length === 0) return;
    const records = this.pack(items);
    const policy = this.options.backoff ?? defaultBackoffPolicy;
    const { undelivered, reasons } = await deliverInKeyOrder({
      entries: records.map((record) => ({ key: record.partitionKey, entry: record })),
      chunk: chunkRecords,
      send: (batch) => this.put(batch),
      sleeper: this.options.sleeper,
      policy,
      concurrency: this.options.concurrency ?? 4,
    });
    if (undelivered.length > 0) {
      const failed = undelivered.flatMap((r) => r.items);
      const channels = new Set(undelivered.map((r) => r.partitionKey)).size;
      throw new PublishError(
        `${failed.length} of ${items.length} feed items (${channels} channel(s)) were not published to ${this.streamName} after ${policy.maxAttempts} attempts ` +
          `(${reasons.join('; ')}); add shards (ProvisionedThroughputExceeded) or check the stream`,
        failed,
      );
    }
  }

  /** Groups items per channel (order kept) into records of at most `maxRecordBytes`. */
  private pack(items: readonly FeedItem[]): PendingRecord[] {
    const perChannel = new Map<string, FeedItem[]>();
    const signalPartitions = this.options.signalPartitions ?? DEFAULT_SIGNAL_PARTITIONS;
    for (const item of items) {
      const key = partitionKeyOf(item, signalPartitions);
      const list = perChannel.get(key);
      if (list) list.push(item);
      else perChannel.set(key, [item]);
    }
    const tooLarge: FeedItem[] = [];
    const records: PendingRecord[] = [];
    for (const [key, channelItems] of perChannel) {
      if (key.length > MAX_PARTITION_KEY_LENGTH) {
        throw new PublishError(
          `channel id of ${key.length} characters exceeds the 256-character Kinesis partition key`,
          channelItems,
        );
      }
      const keyBytes = Buffer.byteLength(key);
      let current: FeedItem[] = [];
      let size = AGGREGATE_OVERHEAD + keyBytes;
      const flush = () => {
        if (current.length === 0) return;
        const data = Buffer.from(encodeFeedRecord(current));
        records.push({ partitionKey: key, data, items: current, bytes: data.length + keyBytes });
        current = [];
        size = AGGREGATE_OVERHEAD + keyBytes;
      };
      for (const item of channelItems) {
        const itemBytes = Buffer.byteLength(JSON.stringify(item));
        if (AGGREGATE_OVERHEAD + keyBytes + itemBytes > this.maxRecordBytes) {
          tooLarge.push(item);
          continue;
        }
        const comma = () => (current.length > 0 ? 1 : 0);
        if (size + comma() + itemBytes > this.maxRecordBytes) flush();
        size += comma() + itemBytes;
        current.push(item);
      }
      flush();
    }
    if (tooLarge.length > 0) {
      // Nothing is sent: Kinesis would refuse such a record on every attempt.
      throw new PublishError(
        `${tooLarge.length} feed item(s) exceed the ${this.maxRecordBytes}-byte Kinesis record limit; shrink them`,
        tooLarge,
      );
    }
    return records;
  }

  private async put(batch: readonly PendingRecord[]): Promise<EntryOutcome[]> {
    const response = await this.client.send(
      new PutRecordsCommand({
        StreamName: this.streamName,
        Records: batch.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
      }),
    );
    return batch.map((_, i): EntryOutcome => {
      const result = response.Records?.[i];
      if (result && !result.ErrorCode) return { ok: true };
      const code = result?.ErrorCode ?? 'NoResult';
      // ProvisionedThroughputExceeded and InternalFailure are the documented per-record errors; both are transient.
      return { ok: false, retryable: true, reason: `${code}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}` };
    });
  }
}

const DEFAULT_SIGNAL_PARTITIONS = 16;

/**
 * Versioned events: the channel id, so one channel's events stay ordered in one shard. Signals:
 * `<channelId>#s<n>`, n from the author of a chat or watch signal (a user's stay in order) or the like's time.
 * The fan-out groups by the item's channelId, never by the key, so the suffix is invisible downstream.
 */
export const partitionKeyOf = (item: FeedItem, signalPartitions: number): string => {
  if (item.kind === 'event' || signalPartitions <= 1) return item.channelId;
  const spread = item.signal === 'LIKES' ? String(item.at) : item.userId;
  let hash = 0x811c9dc5;
  for (let i = 0; i < spread.length; i++) hash = Math.imul(hash ^ spread.charCodeAt(i), 0x01000193) >>> 0;
  return `${item.channelId}#s${hash % signalPartitions}`;
};

/** Splits a round into PutRecords calls of ≤ 500 records and ≤ 5 MiB. */
const chunkRecords = (round: readonly PendingRecord[]): PendingRecord[][] => {
  const calls: PendingRecord[][] = [];
  let call: PendingRecord[] = [];
  let bytes = 0;
  for (const record of round) {
    if (
      call.length > 0 &&
      (call.length >= KINESIS_MAX_RECORDS_PER_PUT || bytes + record.bytes > KINESIS_MAX_BYTES_PER_PUT)
    ) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(record);
    bytes += record.bytes;
  }
  if (call.length > 0) calls.push(call);
  return calls;
};
