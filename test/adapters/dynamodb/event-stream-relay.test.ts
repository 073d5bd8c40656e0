import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { decodeEventStreamRecord } from '../../../src/adapters/dynamodb/stream-record-decoder.js';
import { eventsTable } from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { KinesisFeedPublisher } from '../../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { ensureStream } from '../../../src/adapters/kinesis/stream-provisioning.js';
import { DynamoDbStreamMirror } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { makeRelayFeed } from '../../../src/application/live/relay-feed.js';
import { channelCodec, channelDecider, channelStreamId } from '../../../src/domain/channel/index.js';
import type { ChannelId, UserId } from '../../../src/domain/shared/ids.js';
import { makeRelayHandler } from '../../../src/entrypoints/handlers/relay.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { readFeedItems } from '../../support/emulators/kinesis-support.js';

const { dynamodb, dynamodbStreams, kinesis } = emulatorClients();
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('DynamoDB Streams → relay → Kinesis (DynamoDB Local + kinesalite)', () => {
  it('turns the stream records of an append into the channel’s feed events, in version order', async () => {
    const table = uniqueName('events');
    const { streamArn } = await ensureTable(dynamodb, table, eventsTable);
    expect(streamArn).toBeDefined();
    const feed = uniqueName('feed');
    await ensureStream(kinesis, feed, 1);

    // F1: real commands through the command handler into DynamoDB Local.
    const store = new DynamoDbEventStore(documentClientFor(dynamodb), table);
    const clock = new FakeClock(1_700_000_000_000);
    const channels = new CommandHandler(channelDecider, channelCodec, {
      store,
      clock,
      ids: new SequentialIds('e'),
      sleeper: clock,
    });
    const channelId = 'ch-1' as ChannelId;
    const streamId = channelStreamId(channelId);
    const context = { channelId };
    await channels.handle(
      streamId,
      {
        type: 'ScheduleChannel',
        channelId,
        sellerId: 'seller-1' as UserId,
        title: 'Spring sale',
        currency: 'KRW',
        at: clock.now(),
      },
      context,
    );
    await channels.handle(streamId, { type: 'StartLive', at: clock.now() }, context);

    // Read DynamoDB Local's stream as Lambda's mapping would.
    const mirror = new DynamoDbStreamMirror(dynamodbStreams, streamArn!, { idlePollMs: 50, describeEveryMs: 100 });
    mirror.start();
    for (let i = 0; i < 200 && mirror.log.length(0) < 2; i++) await delay(50);
    await mirror.stop();
    const records = mirror.log.read(0, 0, 100);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
    expect(records[0]?.dynamodb?.StreamViewType).toBe('NEW_IMAGE');
    // The decoder sees exactly what the store reads back.
    expect(records.map(decodeEventStreamRecord)).toEqual((await store.read(streamId)).events);

    const relay = makeRelayHandler({
      relay: makeRelayFeed({ publisher: new KinesisFeedPublisher(kinesis, feed, { sleeper: clock }) }),
      decodeRecord: decodeEventStreamRecord,
      logger: quiet,
    });
    expect(await relay({ Records: [...records] })).toEqual({ batchItemFailures: [] });

    const items = await readFeedItems(kinesis, feed);
    expect(items).toMatchObject([
      { kind: 'event', channelId, streamId, eventType: 'CHANNEL_SCHEDULED', version: 1 },
      { kind: 'event', channelId, streamId, eventType: 'LIVE_STARTED', version: 2 },
    ]);
  });
});
