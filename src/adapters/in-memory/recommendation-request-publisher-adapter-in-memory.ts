import type { Clock } from '../../application/ports/clock.port.js';
import type { RecommendationRequestPublisher } from '../../application/ports/recommendation-request-publisher.port.js';
import { RecommendationRequest, toRequestRecord } from '../../domain/recommendation/recommendation-request.js';
import { InMemoryShardedLog, kinesisShardOf, ShardedLogView } from '../local/sharded-log.js';

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
export class InMemoryRecommendationRequestStream
  extends ShardedLogView<RequestStreamRecord>
  implements RecommendationRequestPublisher
{
  readonly streamName: string;
  private readonly clock: Clock;
  private sequence = 0;

  constructor(options: InMemoryRecommendationRequestStreamOptions = {}) {
    super(new InMemoryShardedLog<RequestStreamRecord>(options.shardCount ?? 2, options.retainPerShard ?? 100_000));
    this.streamName = options.streamName ?? 'recommend-requests';
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  get arn(): string {
    return `arn:aws:kinesis:local:000000000000:stream/${this.streamName}`;
  }

  async publish(requests: readonly RecommendationRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const arrival = this.clock.now() / 1000;
    for (const request of requests) {
      // Validated on the way in, as the Kinesis adapter does: a producer bug fails at the producer.
      const valid = RecommendationRequest.parse(request);
      this.append(valid.userId, JSON.stringify(toRequestRecord(valid)), arrival);
    }
    this.log.notifyAppend();
  }

  /** Appends raw text as a foreign producer could (malformed-record tests, the local runtime's admin). */
  appendRaw(partitionKey: string, data: string): RequestStreamRecord {
    const record = this.append(partitionKey, data, this.clock.now() / 1000);
    this.log.notifyAppend();
    return record;
  }

  read(shard: number, from: number, max: number): readonly RequestStreamRecord[] {
    return this.log.read(shard, from, max);
  }

  /** The shard a partition key maps to: MD5 → 128-bit hash key, shards own equal ranges. */
  shardOf(partitionKey: string): number {
    return kinesisShardOf(partitionKey, this.log.shardCount);
  }

  private append(partitionKey: string, data: string, arrival: number): RequestStreamRecord {
    const record = {
      sequenceNumber: String(++this.sequence).padStart(24, '0'),
      partitionKey,
      data,
      approximateArrivalTimestamp: arrival,
    };
    this.log.write(this.shardOf(partitionKey), [record]);
    return record;
  }
}
