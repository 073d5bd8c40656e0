import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConnectionRegistry } from '../../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { realSleeper, systemClock } from '../../../src/adapters/system/system-clock.js';
import type { BroadcastMessage } from '../../../src/domain/live-feed/feed-item.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type BroadcastHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

const sqsEvent = (messages: readonly { id: string; body: string }[], queueArn: string): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.id,
    receiptHandle: `rh-${m.id}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDALOCAL',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  })),
});

describe('broadcast Lambda entry on its AWS container (DynamoDB Local registry, @connections over HTTP)', () => {
  let world: AwsEntryWorld;
  let broadcast: BroadcastHandler;
  let registry: DynamoDbConnectionRegistry;

  beforeAll(async () => {
    world = await awsEntryWorld();
    registry = new DynamoDbConnectionRegistry(documentClientFor(world.clients.dynamodb), world.names.connections, {
      shardSize: 500,
      clock: systemClock,
      sleeper: realSleeper,
    });
    ({ handler: broadcast } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/broadcast.handler.js'),
    )) as { handler: BroadcastHandler });
  });
  afterAll(() => world?.stop());

  it('posts the frame to every open connection of the shard and removes the gone ones', async () => {
    const channelId = `ch-${Date.now().toString(36)}`;
    for (const id of ['c-open-1', 'c-open-2', 'c-gone']) await registry.join(id, channelId, null, Date.now());
    world.connections.open.add('c-open-1');
    world.connections.open.add('c-open-2');
    const message: BroadcastMessage = {
      channelId,
      shardNo: 0,
      payload: { channelId, items: [{ kind: 'signal', signal: 'LIKES', channelId, count: 7, at: Date.now() }] },
    };

    const response = await broadcast(
      sqsEvent([{ id: 'm-1', body: JSON.stringify(message) }], world.queues.broadcast.arn),
    );
    expect(response.batchItemFailures).toEqual([]);
    for (const id of ['c-open-1', 'c-open-2']) {
      expect(world.connections.frames.get(id)).toHaveLength(1);
      expect(world.connections.frames.get(id)?.[0]).toContain('"count":7');
    }
    expect(await registry.get('c-gone')).toBeNull();
    expect(await registry.get('c-open-1')).not.toBeNull();
  });

  it('reports a malformed message as a failed batch item', async () => {
    const response = await broadcast(sqsEvent([{ id: 'm-bad', body: '{"channelId":""}' }], world.queues.broadcast.arn));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
  });
});
