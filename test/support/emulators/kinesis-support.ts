import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { decodeFeedRecord } from '../../../src/adapters/kinesis/feed-record-codec.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';

/** Every record of a stream, shard by shard from the start, as raw data. */
export const readStream = async (client: KinesisClient, streamName: string): Promise<Uint8Array[]> => {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const records: Uint8Array[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
      for (const r of page.Records ?? []) if (r.Data) records.push(r.Data);
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
};

export const readFeedItems = async (client: KinesisClient, streamName: string): Promise<FeedItem[]> =>
  (await readStream(client, streamName)).flatMap((data) => decodeFeedRecord(data));

/**
 * A Kinesis client that refuses chosen records with ProvisionedThroughputExceededException and
 * forwards the rest to the real emulator. kinesalite never throttles, so this is the one place
 * a per-record failure has to be injected; everything accepted really lands in kinesalite.
 */
export const refusingKinesisClient = (client: KinesisClient) => {
  const rules: { remaining: number; which: (item: FeedItem) => boolean }[] = [];
  let putCalls = 0;
  const refuses = (data: Uint8Array): boolean => {
    const items = decodeFeedRecord(data);
    const rule = rules.find((r) => r.remaining > 0 && items.some(r.which));
    if (!rule) return false;
    rule.remaining--;
    return true;
  };
  const wrapped = {
    send: async (command: unknown) => {
      if (!(command instanceof PutRecordsCommand)) return client.send(command as never);
      putCalls++;
      const records = command.input.Records ?? [];
      const refused = records.map((r) => (r.Data ? refuses(r.Data) : false));
      const accepted = records.filter((_, i) => !refused[i]);
      const forwarded = accepted.length
        ? await client.send(new PutRecordsCommand({ ...command.input, Records: accepted }))
        : ({ Records: [], FailedRecordCount: 0, $metadata: {} } as PutRecordsCommandOutput);
      let next = 0;
      const results = records.map((_, i) =>
        refused[i]
          ? {
              ErrorCode: 'ProvisionedThroughputExceededException',
              ErrorMessage: 'Rate exceeded for shard (injected by the test)',
            }
          : forwarded.Records![next++]!,
      );
      return {
        ...forwarded,
        Records: results,
        FailedRecordCount: results.filter((r) => 'ErrorCode' in r && r.ErrorCode).length,
      };
    },
  };
  return {
    client: wrapped as unknown as KinesisClient,
    refuse: (count: number, which: (item: FeedItem) => boolean) => rules.push({ remaining: count, which }),
    get putCalls() {
      return putCalls;
    },
  };
};
