import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsAuthorizerFor } from '../../support/auth.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type WsHandler = (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResultV2 | void>;

const wsEvent = (
  routeKey: '$default' | '$disconnect',
  connectionId: string,
  body?: string,
): APIGatewayProxyWebsocketEventV2 =>
  ({
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      connectionId,
      routeKey,
      eventType: routeKey === '$default' ? 'MESSAGE' : 'DISCONNECT',
      requestTimeEpoch: Date.now(),
      messageId: 'msg',
      domainName: 'localhost',
      stage: 'live',
      apiId: 'local',
      ...wsAuthorizerFor('ana'),
    },
  }) as unknown as APIGatewayProxyWebsocketEventV2;

describe('ws-message and ws-disconnect Lambda entries on their AWS containers (DynamoDB Local, fauxqs, @connections)', () => {
  let world: AwsEntryWorld;
  let message: WsHandler;
  let disconnect: WsHandler;

  const heartbeatBodies = async () => {
    const { Messages = [] } = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.queues.heartbeat.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return Messages.map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
  };
  const sessionItem = async (connectionId: string) =>
    (
      await world.clients.dynamodb.send(
        new GetItemCommand({
          TableName: world.names.connections,
          Key: { pk: { S: `session#${connectionId}` }, sk: { S: 'session' } },
          ConsistentRead: true,
        }),
      )
    ).Item;

  beforeAll(async () => {
    world = await awsEntryWorld();
    ({ handler: message } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/ws-message.handler.js'),
    )) as { handler: WsHandler });
    ({ handler: disconnect } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/ws-disconnect.handler.js'),
    )) as { handler: WsHandler });
  });
  afterAll(() => world?.stop());

  it('a heartbeat frame is queued on SQS and binds the session in DynamoDB; $disconnect ends that session at once', async () => {
    const connectionId = `c-${Date.now().toString(36)}`;
    world.connections.open.add(connectionId);
    await message(
      wsEvent(
        '$default',
        connectionId,
        JSON.stringify({ action: 'heartbeat', channelId: 'ch-live', sessionId: 'sess-1', sequence: 1 }),
      ),
    );
    expect(await heartbeatBodies()).toEqual([
      expect.objectContaining({ kind: 'beat', channelId: 'ch-live', sessionId: 'sess-1' }),
    ]);
    expect(await sessionItem(connectionId)).toMatchObject({ channelId: { S: 'ch-live' }, sessionId: { S: 'sess-1' } });

    await disconnect(wsEvent('$disconnect', connectionId));
    expect(await heartbeatBodies()).toEqual([
      expect.objectContaining({ kind: 'end', channelId: 'ch-live', sessionId: 'sess-1' }),
    ]);
    expect(await sessionItem(connectionId)).toBeUndefined();
  });

  it('a malformed frame is answered with an error frame naming the field, posted through the Management API', async () => {
    const connectionId = `c-bad-${Date.now().toString(36)}`;
    world.connections.open.add(connectionId);
    await message(
      wsEvent('$default', connectionId, JSON.stringify({ action: 'heartbeat', channelId: 'ch-live', sequence: 1 })),
    );
    const frames = world.connections.frames.get(connectionId) ?? [];
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('sessionId');
    expect(await sessionItem(connectionId)).toBeUndefined();
  });

  it("shares a user's chat budget across instances through DynamoDB: two instances, one bucket item", async () => {
    // A second module instance of the entry stands in for a second Lambda instance: its own memory, the same table.
    const { handler: other } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/ws-message.handler.js'),
    )) as { handler: WsHandler };
    const run = Date.now().toString(36);
    const [a, b] = [`c-chat-a-${run}`, `c-chat-b-${run}`];
    for (const [handler, connectionId] of [
      [message, a],
      [other, b],
    ] as const) {
      world.connections.open.add(connectionId);
      await handler(wsEvent('$default', connectionId, JSON.stringify({ action: 'join', channelId: `ch-chat-${run}` })));
      for (let i = 0; i < 3; i++)
        await handler(wsEvent('$default', connectionId, JSON.stringify({ action: 'chat', text: `hello ${i}` })));
    }
    const frames = [...(world.connections.frames.get(a) ?? []), ...(world.connections.frames.get(b) ?? [])];
    expect(frames.filter((f) => f.includes('"error"'))).toEqual([]);
    const { Item } = await world.clients.dynamodb.send(
      new GetItemCommand({
        TableName: world.names.connections,
        Key: { pk: { S: 'rate#chat-user#ana' }, sk: { S: 'rate' } },
        ConsistentRead: true,
      }),
    );
    // Six admitted chats from two instances, each a conditional write to the one item.
    expect(Item?.['version']).toEqual({ N: '6' });
  });
});
