import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { KinesisDataStreamRecord } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { DynamoDBRecord, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { decodeEventStreamRecord } from '../../../src/adapters/dynamodb/stream-record-decoder.js';
import { EventStoreChangeStream } from '../../../src/adapters/local/event-store-change-stream.js';
import { kinesisRecordFormat } from '../../../src/adapters/local/kinesis-record-format.js';
import { makeFanOut } from '../../../src/application/live/fan-out-feed.js';
import { makeRelayFeed } from '../../../src/application/live/relay-feed.js';
import { PublishError, type FeedPublisher } from '../../../src/application/ports/feed-publisher.port.js';
import { EnqueueError } from '../../../src/application/ports/message-queue.port.js';
import type { BroadcastMessage, FeedItem } from '../../../src/domain/live-feed/feed-item.js';
import { makeFanoutHandler } from '../../../src/entrypoints/handlers/fanout.js';
import { makeRelayHandler } from '../../../src/entrypoints/handlers/relay.js';
import { liveWorld } from '../../application/live/live-world.js';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** DynamoDB Streams records of a live channel's history, exactly as the emulation (and AWS) shape them. */
const streamRecords = async (): Promise<DynamoDBRecord[]> => {
  const world = await liveWorld();
  const changes = new EventStoreChangeStream({ subscribe: (l) => world.store.subscribe(l) }, { shardCount: 1 });
  for (const count of [10, 20, 30]) await world.run({ kind: 'viewers', count });
  // The store was written before the change stream listened for the set-up events: replay them all.
  const replay = new EventStoreChangeStream(
    { subscribe: (l) => (l(world.appended), () => undefined) },
    { shardCount: 1 },
  );
  changes.close();
  return [...replay.read(0, 0, 100)];
};

const seq = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber as string;

const recordingPublisher = () => {
  const calls: FeedItem[][] = [];
  const publisher: FeedPublisher = { publish: async (items) => void calls.push([...items]) };
  return { calls, publisher };
};

describe('relay handler (DynamoDB Streams → feed)', () => {
  it('takes the real stream record shape and publishes the whole batch with one put', async () => {
    const records = await streamRecords();
    for (const r of records) DynamoDBStreamRecord.parse(r);
    const { calls, publisher } = recordingPublisher();
    const handler = makeRelayHandler({
      relay: makeRelayFeed({ publisher }),
      decodeRecord: decodeEventStreamRecord,
      logger,
    });
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((i) => (i.kind === 'event' ? `${i.streamId}@${i.version}:${i.eventType}` : ''))).toContain(
      'channel-c1@7:VIEWER_COUNT_CHANGED',
    );
  });

  it('reports a poisoned record by its sequence number, publishes only the records before it, and skips REMOVEs', async () => {
    const records = await streamRecords();
    const poisoned: DynamoDBRecord = {
      ...records[3],
      dynamodb: { ...records[3]?.dynamodb, NewImage: { streamId: { S: 'channel-c1' }, version: { N: '4' } } },
    };
    const removal: DynamoDBRecord = { ...records[1], eventName: 'REMOVE' };
    const batch = [records[0], removal, records[2], poisoned, records[4], records[5]] as DynamoDBRecord[];
    const { calls, publisher } = recordingPublisher();
    const handler = makeRelayHandler({
      relay: makeRelayFeed({ publisher }),
      decodeRecord: decodeEventStreamRecord,
      logger,
    });
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [{ itemIdentifier: seq(poisoned) }] });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((i) => (i.kind === 'event' ? i.version : 0))).toEqual([1, 3]);
  });

  it('a record that is not even a stream record is a failed item, not a crash', async () => {
    const records = await streamRecords();
    const junk = { eventName: 'INSERT', dynamodb: { SequenceNumber: 'zzz' } } as DynamoDBRecord;
    const handler = makeRelayHandler({
      relay: makeRelayFeed(recordingPublisher()),
      decodeRecord: decodeEventStreamRecord,
      logger,
    });
    expect(await handler({ Records: [junk, records[0] as DynamoDBRecord] })).toEqual({
      batchItemFailures: [{ itemIdentifier: 'zzz' }],
    });
  });

  it('when the put refuses some items, resumes at the first record whose item was refused', async () => {
    const records = await streamRecords();
    const publisher: FeedPublisher = {
      publish: async (items) => {
        throw new PublishError(
          'throttled',
          items.filter((i) => i.kind === 'event' && i.version >= 3),
        );
      },
    };
    const handler = makeRelayHandler({
      relay: makeRelayFeed({ publisher }),
      decodeRecord: decodeEventStreamRecord,
      logger,
    });
    expect(await handler({ Records: records })).toEqual({
      batchItemFailures: [{ itemIdentifier: seq(records[2] as DynamoDBRecord) }],
    });
  });
});

describe('fanout handler (Kinesis → broadcast queue)', () => {
  const feedEvent = async (items: FeedItem[]): Promise<{ event: KinesisStreamEvent; feed: InMemoryFeedStream }> => {
    const feed = new InMemoryFeedStream({ shardCount: 1, sleeper: new FakeClock() });
    await feed.publish(items);
    return { event: kinesisRecordFormat(feed.arn).toEvent(feed.read(0, 0, 100), 0), feed };
  };
  const like = (channelId: string, count: number): FeedItem => ({
    kind: 'signal',
    signal: 'LIKES',
    channelId,
    count,
    at: 0,
  });
  const setup = async (channels: string[]) => {
    const registry = new InMemoryConnectionRegistry();
    for (const c of channels) await registry.join(`${c}-v`, c, null, 0);
    const queue = new InMemoryQueue<BroadcastMessage>();
    return { registry, queue };
  };

  it('decodes real Kinesis records, validates each, and reports the first bad one by sequence number', async () => {
    const { event } = await feedEvent([like('a', 1), like('b', 2), like('a', 3), like('b', 4)]);
    for (const r of event.Records) KinesisDataStreamRecord.parse(r);
    const bad = event.Records[2];
    if (bad) bad.kinesis.data = Buffer.from(JSON.stringify({ kind: 'event', channelId: 'a' })).toString('base64');
    const { registry, queue } = await setup(['a', 'b']);
    const handler = makeFanoutHandler({ fanOut: makeFanOut({ queue, registry }), logger });
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: bad?.kinesis.sequenceNumber }] });
    const sent = queue.receive(10).map((m) => m.body as BroadcastMessage);
    // Only the two records before the bad one were fanned out (one message per watched channel).
    expect(sent.map((m) => [m.channelId, m.payload.items.length])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('resumes at the first record of a channel whose messages could not be enqueued', async () => {
    const { event } = await feedEvent([like('a', 1), like('b', 2), like('a', 3)]);
    const { registry } = await setup(['a', 'b']);
    const queue = {
      send: async (messages: ReadonlyArray<{ body: BroadcastMessage }>) => {
        if (messages.some((m) => m.body.channelId === 'b')) throw new EnqueueError('throttled', messages);
      },
    };
    const handler = makeFanoutHandler({ fanOut: makeFanOut({ queue, registry }), logger });
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]?.kinesis.sequenceNumber }],
    });
  });
});
