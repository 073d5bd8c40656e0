import type { Clock } from '../../application/ports/clock.port.js';
import { PublishError, type FeedPublisher } from '../../application/ports/feed-publisher.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import { InMemoryShardedLog, kinesisShardOf, ShardedLogView } from '../local/sharded-log.js';

/** Kinesis PutRecords limits: 500 records and 5 MiB per call; 1 MiB per record (data + key). */
export const KINESIS_MAX_RECORDS_PER_PUT = 500;
export const KINESIS_MAX_BYTES_PER_PUT = 5 * 1024 * 1024;
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

/** One record as a shard holds it (the fields a Kinesis event source hands to Lambda). */
export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The record's data as written (JSON text); Lambda delivers it base64-encoded. */
  readonly data: string;
  /** Seconds since the epoch, with fractions, as in `approximateArrivalTimestamp`. */
  readonly approximateArrivalTimestamp: number;
}

export interface InMemoryFeedStreamOptions {
  readonly streamName?: string;
  readonly shardCount?: number;
  /** Attempts per record before `publish` gives up with `PublishError` (first included). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Chance that the service refuses a record (ProvisionedThroughputExceeded), for retry tests. */
  readonly failureRate?: number;
  /**
   * Records kept per shard (Kinesis keeps them for its retention period); older ones are
   * trimmed, so a long local run does not grow without bound. Positions stay absolute.
   */
  readonly retainPerShard?: number;
  readonly clock?: Clock;
  readonly sleeper?: Sleeper;
}

const realSleeper: Sleeper = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random };

/**
 * A Kinesis twin: records are placed on shards by the MD5 of their partition key (as Kinesis
 * maps keys to hash-key ranges), each shard keeps order and numbers its records, and a put is
 * chunked at the service limits. A refused record is retried with full-jitter back-off, the
 * way the Kinesis adapter must handle `FailedRecordCount` > 0, before `PublishError`.
 */
export class InMemoryFeedStream extends ShardedLogView<StreamRecord> implements FeedPublisher {
  readonly streamName: string;
  private readonly clock: Clock;
  private readonly sleeper: Sleeper;
  private pendingFailures: Array<(item: FeedItem) => boolean> = [];
  private sequence = 0;
  private putCalls = 0;
  private refused = 0;

  constructor(private readonly options: InMemoryFeedStreamOptions = {}) {
    super(new InMemoryShardedLog<StreamRecord>(options.shardCount ?? 4, options.retainPerShard ?? 200_000));
    this.streamName = options.streamName ?? 'live-feed';
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleeper = options.sleeper ?? realSleeper;
  }

  get arn(): string {
    return `arn:aws:kinesis:local:000000000000:stream/${this.streamName}`;
  }

  /** PutRecords calls made so far (one per chunk per attempt). */
  get puts(): number {
    return this.putCalls;
  }

  /** Records refused so far (and retried or given up). */
  get refusedRecords(): number {
    return this.refused;
  }

  /** The next `count` records (or those matching `which`, once each) are refused, to exercise retries. */
  injectFailures(count: number, which: (item: FeedItem) => boolean = () => true): void {
    for (let i = 0; i < count; i++) this.pendingFailures.push(which);
  }

  async publish(items: readonly FeedItem[]): Promise<void> {
    if (items.length === 0) return;
    const encoded = items.map((item) => ({ item, partitionKey: item.channelId, data: JSON.stringify(item) }));
    const tooLarge = encoded.filter(
      (e) => Buffer.byteLength(e.data) + Buffer.byteLength(e.partitionKey) > KINESIS_MAX_RECORD_BYTES,
    );
    if (tooLarge.length > 0) {
      // Kinesis rejects the whole request (ValidationException): retrying cannot help.
      throw new PublishError(
        `${tooLarge.length} feed item(s) exceed the 1 MiB Kinesis record limit`,
        tooLarge.map((e) => e.item),
      );
    }
    for (const chunk of chunks(encoded)) await this.putWithRetries(chunk);
  }

  read(shard: number, from: number, max: number): readonly StreamRecord[] {
    return this.log.read(shard, from, max);
  }

  /** The shard a partition key maps to: MD5 → 128-bit hash key, shards own equal ranges. */
  shardOf(partitionKey: string): number {
    return kinesisShardOf(partitionKey, this.log.shardCount);
  }

  private async putWithRetries(chunk: readonly Encoded[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      pending = this.put(pending);
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new PublishError(
          `${pending.length} of ${chunk.length} feed records were refused ${maxAttempts} times (ProvisionedThroughputExceeded); add shards or slow the producer`,
          pending.map((e) => e.item),
        );
      }
      const cap = Math.min(this.options.maxDelayMs ?? 1_000, (this.options.baseDelayMs ?? 20) * 2 ** (attempt - 1));
      await this.sleeper.sleep(Math.floor(this.sleeper.random() * cap));
    }
  }

  /** One PutRecords call: accepted records are appended in request order; returns the refused ones. */
  private put(entries: readonly Encoded[]): Encoded[] {
    this.putCalls++;
    const refused: Encoded[] = [];
    const arrival = this.clock.now() / 1000;
    // Once a record of a channel is refused, its later records in this call are held back with
    // it (retried behind it), so a refusal can never let a channel's later item overtake it.
    const heldBack = new Set<string>();
    for (const entry of entries) {
      if (heldBack.has(entry.partitionKey) || this.refuses(entry.item)) {
        heldBack.add(entry.partitionKey);
        refused.push(entry);
        continue;
      }
      const sequenceNumber = String(++this.sequence).padStart(24, '0');
      const record = {
        sequenceNumber,
        partitionKey: entry.partitionKey,
        data: entry.data,
        approximateArrivalTimestamp: arrival,
      };
      this.log.write(this.shardOf(entry.partitionKey), [record]);
    }
    this.refused += refused.length;
    if (refused.length < entries.length) this.log.notifyAppend();
    return refused;
  }

  private refuses(item: FeedItem): boolean {
    const at = this.pendingFailures.findIndex((which) => which(item));
    if (at >= 0) {
      this.pendingFailures.splice(at, 1);
      return true;
    }
    const rate = this.options.failureRate ?? 0;
    return rate > 0 && this.sleeper.random() < rate;
  }
}

interface Encoded {
  readonly item: FeedItem;
  readonly partitionKey: string;
  readonly data: string;
}

function* chunks(entries: readonly Encoded[]): Iterable<Encoded[]> {
  let chunk: Encoded[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.data) + Buffer.byteLength(entry.partitionKey);
    if (chunk.length > 0 && (chunk.length >= KINESIS_MAX_RECORDS_PER_PUT || bytes + size > KINESIS_MAX_BYTES_PER_PUT)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
