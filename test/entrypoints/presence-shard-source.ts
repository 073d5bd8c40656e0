import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import type { InMemoryPresenceStream } from '../../src/adapters/in-memory/presence-stream-adapter-in-memory.js';

/**
 * What the simulated event source mapping reads: per shard, in order, records up to a limit.
 * `mark` fixes how far a poll may read, so the ticks a batch puts back wait for the next poll
 * (as records arriving during an invocation wait for the next batch).
 */
export interface ShardSource {
  shardCount(): Promise<number>;
  mark(shard: number): Promise<number>;
  read(shard: number, max: number, until: number): Promise<StreamRecord[]>;
}

export const inMemoryShardSource = (stream: InMemoryPresenceStream): ShardSource => {
  const positions = new Map<number, number>();
  return {
    shardCount: async () => stream.log.shardCount,
    mark: async (shard) => stream.log.length(shard),
    read: async (shard, max, until) => {
      const from = positions.get(shard) ?? 0;
      const records = stream.log.read(shard, from, Math.max(0, Math.min(max, until - from)));
      positions.set(shard, from + records.length);
      return [...records];
    },
  };
};

/**
 * kinesalite's shards through GetRecords, keeping each shard's iterator and a local buffer so
 * a batch can be cut at any size. `mark` counts what is readable now (read into the buffer).
 */
export const kinesisShardSource = (client: KinesisClient, streamName: string): ShardSource => {
  let ids: string[] | undefined;
  const iterators = new Map<number, string | undefined>();
  const buffers = new Map<number, StreamRecord[]>();
  const consumed = new Map<number, number>();
  const shardIds = async () => {
    if (!ids) {
      const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
      ids = Shards.map((s) => s.ShardId!).sort();
    }
    return ids;
  };
  const fill = async (shard: number) => {
    let iterator = iterators.get(shard);
    if (!iterators.has(shard)) {
      const id = (await shardIds())[shard]!;
      ({ ShardIterator: iterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }),
      ));
    }
    const buffer = buffers.get(shard) ?? [];
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      iterator = page.NextShardIterator;
      for (const r of page.Records ?? []) {
        buffer.push({
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          data: Buffer.from(r.Data!).toString('utf8'),
          approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
        });
      }
      if ((page.Records ?? []).length === 0) break;
    }
    iterators.set(shard, iterator);
    buffers.set(shard, buffer);
  };
  return {
    shardCount: async () => (await shardIds()).length,
    mark: async (shard) => {
      await fill(shard);
      return (consumed.get(shard) ?? 0) + (buffers.get(shard)?.length ?? 0);
    },
    read: async (shard, max, until) => {
      const done = consumed.get(shard) ?? 0;
      const buffer = buffers.get(shard) ?? [];
      const records = buffer.splice(0, Math.max(0, Math.min(max, until - done)));
      consumed.set(shard, done + records.length);
      return records;
    },
  };
};
