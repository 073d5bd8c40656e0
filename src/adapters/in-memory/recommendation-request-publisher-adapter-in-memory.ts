import { createHash } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.port.js';
import type { RecommendationRequestPublisher } from '../../application/ports/recommendation-request-publisher.port.js';
import { RecommendationRequest } from '../../domain/recommendation/recommendation-request.js';

/** One record as a shard holds it: the fields a Kinesis event source hands to Lambda. */
export interface RequestStreamRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** JSON text as written; Lambda delivers it base64-encoded. */
  readonly data: string;
  /** Seconds since the epoch, with fractions (`approximateArrivalTimestamp`). */
  readonly approximateArrivalTimestamp: number;
}

export interface InMemoryRecommendationRequestStreamOptions {
  readonly streamName?: string;
  /** The seed's stream has 2 shards. */
  readonly shardCount?: number;
  /** Records kept per shard (Kinesis keeps 24 h); older ones are trimmed, positions stay absolute. */
  readonly retainPerShard?: number;
  readonly clock?: Clock;
}

/**
 * The request stream's in-memory twin: records go to shards by the MD5 of their partition key
 * (userId), as Kinesis maps keys to hash ranges, so one user's requests stay in order. It
 * offers the same reading surface as the live-feed twin (`read`, `length`, `onAppend`), so the
 * local event-source emulation can feed the consumer from it in batches.
 */
export class InMemoryRecommendationRequestStream implements RecommendationRequestPublisher {
  readonly streamName: string;
  private readonly shards: RequestStreamRecord[][];
  private readonly trimmed: number[];
  private readonly listeners = new Set<() => void>();
  private readonly clock: Clock;
  private sequence = 0;

  constructor(private readonly options: InMemoryRecommendationRequestStreamOptions = {}) {
    this.streamName = options.streamName ?? 'recommend-requests';
    this.shards = Array.from({ length: Math.max(1, options.shardCount ?? 2) }, () => []);
    this.trimmed = this.shards.map(() => 0);
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  get arn(): string {
    return `arn:aws:kinesis:local:000000000000:stream/${this.streamName}`;
  }

  get shardCount(): number {
    return this.shards.length;
  }

  async publish(requests: readonly RecommendationRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const arrival = this.clock.now() / 1000;
    for (const request of requests) {
      // Validated on the way in, as the Kinesis adapter does: a producer bug fails at the producer.
      const valid = RecommendationRequest.parse(request);
      this.append(valid.userId, JSON.stringify(valid), arrival);
    }
    for (const listener of this.listeners) listener();
  }

  /** Appends raw text as a foreign producer could (malformed-record tests, the local runtime's admin). */
  appendRaw(partitionKey: string, data: string): RequestStreamRecord {
    const record = this.append(partitionKey, data, this.clock.now() / 1000);
    for (const listener of this.listeners) listener();
    return record;
  }

  /** Up to `max` records of a shard from absolute position `from` (trimmed ones are skipped). */
  read(shard: number, from: number, max: number): readonly RequestStreamRecord[] {
    const start = Math.max(0, from - (this.trimmed[shard] ?? 0));
    return (this.shards[shard] ?? []).slice(start, start + max);
  }

  /** The absolute position of the record at `read(shard, from, …)[0]`. */
  firstPosition(shard: number, from: number): number {
    return Math.max(from, this.trimmed[shard] ?? 0);
  }

  /** The absolute position after a shard's last record. */
  length(shard: number): number {
    return (this.trimmed[shard] ?? 0) + (this.shards[shard]?.length ?? 0);
  }

  /** Called after each accepted publish; returns an unsubscribe. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The shard a partition key maps to: MD5 → 128-bit hash key, shards own equal ranges. */
  shardOf(partitionKey: string): number {
    const top64 = createHash('md5').update(partitionKey).digest().readBigUInt64BE(0);
    return Number((top64 * BigInt(this.shards.length)) >> 64n);
  }

  private append(partitionKey: string, data: string, arrival: number): RequestStreamRecord {
    const shard = this.shardOf(partitionKey);
    const record = { sequenceNumber: String(++this.sequence).padStart(24, '0'), partitionKey, data, approximateArrivalTimestamp: arrival };
    const records = this.shards[shard] as RequestStreamRecord[];
    records.push(record);
    const keep = this.options.retainPerShard ?? 100_000;
    // Trimmed in halves so appends stay amortised O(1).
    if (records.length > keep * 2) {
      const drop = records.length - keep;
      records.splice(0, drop);
      this.trimmed[shard] = (this.trimmed[shard] ?? 0) + drop;
    }
    return record;
  }
}
