import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyWebsocketEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { InMemoryConnectionGateway } from '../../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionGateway as Gateway } from '../../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryBlobStore } from '../../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { decodeQueueBody, encodeOffloadPointer } from '../../../src/adapters/sqs/queue-body-codec.js';
import { makeBroadcast } from '../../../src/application/live/broadcast-feed.js';
import type { BroadcastMessage } from '../../../src/domain/live-feed/feed-item.js';
import { createLocalContainer, LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { makeBroadcastHandler } from '../../../src/entrypoints/handlers/broadcast.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';
import { wsAuthorizerFor } from '../../support/auth.js';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

const sqsRecord = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `${messageId}#1`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:broadcast',
  awsRegion: 'local',
});

describe('broadcast handler (SQS → WebSocket)', () => {
  it('posts each message to its shard, removes gone connections without failing, and reports only the poisoned message', async () => {
    const registry = new InMemoryConnectionRegistry({ shardSize: 10 });
    const gateway = new Gateway();
    for (const id of ['v1', 'v2', 'v3']) {
      await registry.join(id, 'c1', null, 0);
      gateway.connect(id);
    }
    gateway.markGone('v2');
    const handler = makeBroadcastHandler({
      broadcast: makeBroadcast({ registry, gateway, retryQueue: new InMemoryQueue() }),
      logger,
    });
    const message: BroadcastMessage = {
      channelId: 'c1',
      shardNo: 0,
      payload: { channelId: 'c1', items: [{ kind: 'signal', signal: 'LIKES', channelId: 'c1', count: 3, at: 1 }] },
    };
    const event: SQSEvent = {
      Records: [
        sqsRecord('m1', JSON.stringify(message)),
        sqsRecord('m2', '{"channelId":"c1","shardNo":-1}'),
        sqsRecord('m3', 'not json'),
      ],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(await registry.get('v2')).toBeNull();
    expect(gateway.parsedFramesOf('v1')).toEqual([{ type: 'feed', channelId: 'c1', items: message.payload.items }]);
    expect(gateway.framesOf('v3')).toHaveLength(1);
  });

  it('reads an offloaded body back from the blob store, and fails the message whose object is gone', async () => {
    const registry = new InMemoryConnectionRegistry({ shardSize: 10 });
    await registry.join('v1', 'c1', null, 0);
    const gateway = new Gateway();
    gateway.connect('v1');
    const blobs = new InMemoryBlobStore();
    const handler = makeBroadcastHandler({
      broadcast: makeBroadcast({ registry, gateway, retryQueue: new InMemoryQueue() }),
      logger,
      readBody: (body) => decodeQueueBody(body, blobs),
    });
    const message: BroadcastMessage = {
      channelId: 'c1',
      shardNo: 0,
      payload: { channelId: 'c1', items: [{ kind: 'signal', signal: 'LIKES', channelId: 'c1', count: 9, at: 1 }] },
    };
    const body = JSON.stringify(message);
    await blobs.put('offload/broadcast/a.json', body, 'application/json');
    const event: SQSEvent = {
      Records: [
        sqsRecord('m1', encodeOffloadPointer('offload/broadcast/a.json', body.length)),
        sqsRecord('m2', encodeOffloadPointer('offload/broadcast/gone.json', body.length)),
      ],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(gateway.parsedFramesOf('v1')).toEqual([{ type: 'feed', channelId: 'c1', items: message.payload.items }]);
  });
});

const wsEvent = (
  connectionId: string,
  body?: string,
  routeKey = '$default',
  userId: string | null = 'u1',
): APIGatewayProxyWebsocketEventV2 => ({
  requestContext: {
    ...(wsAuthorizerFor(userId) as object),
    routeKey,
    messageId: 'm',
    eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
    extendedRequestId: 'x',
    requestTime: '',
    messageDirection: 'IN',
    stage: 'local',
    connectedAt: 0,
    requestTimeEpoch: 0,
    requestId: 'r',
    domainName: 'localhost',
    connectionId,
    apiId: 'local',
  },
  isBase64Encoded: false,
  ...(body !== undefined ? { body } : {}),
});

describe('WebSocket routes', () => {
  const setup = () => {
    // These route tests send frames without modelling $connect: the twin takes any connection id.
    const container = createLocalContainer({
      config: parseLocalConfig({ logLevel: 'SILENT', chatBurst: 2, chatPerSecond: 0 }),
      gateway: new Gateway({ acceptUnknownIds: true }),
    });
    const gateway = container.get(TOKENS.ConnectionGateway) as InMemoryConnectionGateway;
    const message = container.get(TOKENS.WsMessageHandler);
    const frames = (id: string) => gateway.parsedFramesOf<Record<string, unknown>>(id);
    return { container, gateway, message, frames };
  };

  it('joins a channel and answers with the shard', async () => {
    const { message, frames, container } = setup();
    await message(wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: 'c1', requestId: 'r1' })));
    expect(frames('conn-1')).toEqual([
      { type: 'joined', channelId: 'c1', shardNo: 0, connectionId: 'conn-1', requestId: 'r1' },
    ]);
    expect((await container.get(LOCAL_TOKENS.ConnectionRegistry).get('conn-1'))?.channelId).toBe('c1');
  });

  it.each([
    ['not json', 'INVALID_FRAME', undefined],
    ['[]', 'INVALID_FRAME', 'action'],
    ['{"channelId":"c1"}', 'INVALID_FRAME', 'action'],
    ['{"action":"dance"}', 'UNKNOWN_ACTION', 'action'],
    ['{"action":"join","channelId":"bad id!"}', 'INVALID_FRAME', 'channelId'],
    ['{"action":"chat","text":"   "}', 'INVALID_FRAME', 'text'],
    ['{"action":"like","count":1000}', 'INVALID_FRAME', 'count'],
    ['{"action":"chat","text":"hi"}', 'NOT_JOINED', undefined],
  ])('answers the frame %s with an error frame %s naming %s, never a crash', async (body, code, field) => {
    const { message, frames } = setup();
    expect(await message(wsEvent('conn-1', body))).toEqual({ statusCode: 200 });
    const [frame] = frames('conn-1');
    expect(frame).toMatchObject({ type: 'error', code });
    expect(frame?.['field']).toBe(field);
    expect(typeof frame?.['message']).toBe('string');
  });

  it('publishes chat and likes to the feed, rate-limited per connection', async () => {
    const { message, frames, container } = setup();
    await message(wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: 'c1' })));
    for (let i = 0; i < 3; i++) await message(wsEvent('conn-1', JSON.stringify({ action: 'chat', text: `hi ${i}` })));
    await message(wsEvent('conn-1', JSON.stringify({ action: 'like', count: 5 })));
    expect(frames('conn-1').slice(1)).toEqual([
      { type: 'error', code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: expect.any(Number) },
    ]);
    const feed = container.get(LOCAL_TOKENS.FeedStream);
    const published = Array.from({ length: feed.shardCount }, (_, s) =>
      feed.read(s, 0, 100).map((r) => JSON.parse(r.data)),
    ).flat();
    expect(published.filter((p) => p.signal !== 'WATCHED').map((p) => p.text ?? p.count)).toEqual(['hi 0', 'hi 1', 5]);
  });

  const feedItems = (container: ReturnType<typeof setup>['container']) => {
    const feed = container.get(LOCAL_TOKENS.FeedStream);
    return Array.from({ length: feed.shardCount }, (_, s) =>
      feed.read(s, 0, 100).map((r) => JSON.parse(r.data) as Record<string, unknown>),
    ).flat();
  };

  it("puts a signed-in viewer's join on the feed as WATCHED (watch history for recommendations), an anonymous one's not", async () => {
    const { message, container } = setup();
    await message(wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: 'c1' }), '$default', 'u1'));
    await message(wsEvent('conn-2', JSON.stringify({ action: 'join', channelId: 'c1' }), '$default', null));
    expect(feedItems(container)).toEqual([
      { kind: 'signal', signal: 'WATCHED', channelId: 'c1', userId: 'u1', at: expect.any(Number) },
    ]);
  });

  it('records at most a few joins per connection as WATCHED: re-joining in a loop still works but adds no feed records', async () => {
    const { message, container, frames } = setup();
    for (let i = 0; i < 8; i++)
      await message(wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: `c${i % 2}` }), '$default', 'u1'));
    expect(frames('conn-1').filter((f) => f['type'] === 'joined')).toHaveLength(8);
    expect(feedItems(container).filter((p) => p['signal'] === 'WATCHED')).toHaveLength(5);
  });

  it('still answers joined when the watch history cannot be published', async () => {
    const container = createLocalContainer({
      config: parseLocalConfig({ logLevel: 'SILENT' }),
      gateway: new Gateway({ acceptUnknownIds: true }),
    });
    container.rebind(TOKENS.FeedPublisher).toConstantValue({
      publish: () => Promise.reject(new Error('Kinesis is down')),
    });
    const gateway = container.get(TOKENS.ConnectionGateway) as InMemoryConnectionGateway;
    await container.get(TOKENS.WsMessageHandler)(
      wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: 'c1' })),
    );
    expect(gateway.parsedFramesOf<Record<string, unknown>>('conn-1')).toEqual([
      { type: 'joined', channelId: 'c1', shardNo: 0, connectionId: 'conn-1' },
    ]);
    expect((await container.get(LOCAL_TOKENS.ConnectionRegistry).get('conn-1'))?.channelId).toBe('c1');
  });

  it('leaves the channel on $disconnect and accepts $connect', async () => {
    const { message, container } = setup();
    await message(wsEvent('conn-1', JSON.stringify({ action: 'join', channelId: 'c1' })));
    expect(await container.get(TOKENS.WsConnectHandler)(wsEvent('conn-2', undefined, '$connect'))).toEqual({
      statusCode: 200,
    });
    await container.get(TOKENS.WsDisconnectHandler)(wsEvent('conn-1', undefined, '$disconnect'));
    expect(await container.get(LOCAL_TOKENS.ConnectionRegistry).get('conn-1')).toBeNull();
  });
});
