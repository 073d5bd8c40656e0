import type { Clock } from '../../application/ports/clock.port.js';
import type { PresenceStream } from '../../application/ports/presence-stream.port.js';
import type { PresenceStreamRecord } from '../../application/presence-stream/beat-record.js';
import { partitionKeyOf } from '../../application/presence-stream/sub-partitions.js';
import { presenceShardOf } from '../kinesis/presence-stream-shards.js';
import { InMemoryShardedLog } from '../local/sharded-log.js';
import type { StreamRecord } from './feed-publisher-adapter-in-memory.js';

/**
 * The presence stream's twin: records land on the shard the Kinesis adapter's explicit hash key
 * names, in order per shard, as `StreamRecord`s a stream event source turns into Kinesis events.
 */
export class InMemoryPresenceStream implements PresenceStream {
  readonly log: InMemoryShardedLog<StreamRecord>;
  private sequence = 0;

  constructor(
    private readonly options: {
      readonly shardCount: number;
      readonly clock: Clock;
      readonly streamName?: string;
      readonly retainPerShard?: number;
    },
  ) {
    this.log = new InMemoryShardedLog<StreamRecord>(options.shardCount, options.retainPerShard ?? 200_000);
  }

  get arn(): string {
    return `arn:aws:kinesis:local:000000000000:stream/${this.options.streamName ?? 'presence'}`;
  }

  async publish(records: readonly PresenceStreamRecord[]): Promise<void> {
    const perShard = new Map<number, StreamRecord[]>();
    const arrival = this.options.clock.now() / 1000;
    for (const r of records) {
      const shard = presenceShardOf(r.channelId, r.k, this.log.shardCount);
      const list = perShard.get(shard) ?? [];
      list.push({
        sequenceNumber: String(++this.sequence).padStart(21, '0'),
        partitionKey: partitionKeyOf(r.channelId, r.k),
        data: JSON.stringify(r),
        approximateArrivalTimestamp: arrival,
      });
      perShard.set(shard, list);
    }
    let appended = false;
    for (const [shard, list] of perShard) appended = this.log.write(shard, list) || appended;
    if (appended) this.log.notifyAppend();
  }
}
