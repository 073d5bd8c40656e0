import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { channelStreamId } from '../../src/domain/channel/index.js';
import { makeConnectionPresence } from '../../src/application/presence/connection-presence.js';
import { makeEndViewerSession } from '../../src/application/presence/accept-heartbeat.js';
import { InMemoryConnectionGateway } from '../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionSessions } from '../../src/adapters/in-memory/connection-sessions-adapter-in-memory.js';
import { WsActionRegistry } from '../../src/entrypoints/handlers/ws-actions.js';
import { makeWsMessageHandler } from '../../src/entrypoints/handlers/ws-message.js';
import { makePresenceRoutes } from '../../src/entrypoints/http/presence.routes.js';
import { presenceWsActions } from '../../src/entrypoints/ws/presence.ws-actions.js';
import { call } from './http-test-events.js';
import { CHANNEL, presenceWorld } from './presence-simulation.js';
import { silentLogger, toSqsEvent } from './sqs-test-driver.js';

const wsEvent = (connectionId: string, body: string, userId: string | null = null): APIGatewayProxyWebsocketEventV2 =>
  ({
    body,
    isBase64Encoded: false,
    requestContext: {
      connectionId,
      routeKey: '$default',
      eventType: 'MESSAGE',
      requestTimeEpoch: 0,
      ...(userId ? { authorizer: { principalId: userId, userId } } : {}),
    },
  }) as unknown as APIGatewayProxyWebsocketEventV2;

const setup = async () => {
  const world = presenceWorld({ seed: 3, duplicateRate: 0, reorder: false });
  await world.openChannel();
  const routes = makePresenceRoutes({
    acceptHeartbeat: world.acceptHeartbeat,
    onUnexpected: (e) => {
      throw e;
    },
  });
  const gateway = new InMemoryConnectionGateway({ acceptUnknownIds: true });
  const connections = makeConnectionPresence({
    sessions: new InMemoryConnectionSessions(),
    endViewerSession: makeEndViewerSession({ queue: world.queue, clock: world.clock }),
  });
  const ws = makeWsMessageHandler({
    actions: new WsActionRegistry().register(
      ...presenceWsActions({ acceptHeartbeat: world.acceptHeartbeat, connections }),
    ),
    gateway,
    logger: silentLogger,
  });
  return { world, routes, gateway, ws };
};

describe('presence bad input (G7): clear errors, no crash, no state', () => {
  it.each([
    ['a body that is not JSON', { rawBody: 'beat' }, 'body'],
    ['a missing sessionId', { body: { sequence: 1 } }, 'sessionId'],
    ['a negative sequence', { body: { sessionId: 's-1', sequence: -1 } }, 'sequence'],
    ['a fractional sequence', { body: { sessionId: 's-1', sequence: 1.5 } }, 'sequence'],
    ['a sequence as a string', { body: { sessionId: 's-1', sequence: '7' } }, 'sequence'],
  ])('answers an HTTP heartbeat with %s with 400 naming the field', async (_, options, field) => {
    const { world, routes } = await setup();
    const res = await call(routes, 'POST /api/channels/{channelId}/heartbeats', {
      path: { channelId: CHANNEL },
      ...options,
    });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe(field);
    expect(world.queue.counts().total).toBe(0);
  });

  it('answers a heartbeat for a malformed channel id with 400 naming channelId', async () => {
    const { world, routes } = await setup();
    const res = await call(routes, 'POST /api/channels/{channelId}/heartbeats', {
      path: { channelId: 'bad channel' },
      body: { sessionId: 's', sequence: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe('channelId');
    expect(world.queue.counts().total).toBe(0);
  });

  it.each([
    ['not JSON', 'heartbeat please', undefined],
    ['no sessionId', JSON.stringify({ action: 'heartbeat', channelId: CHANNEL, sequence: 1 }), 'sessionId'],
    [
      'a sequence below zero',
      JSON.stringify({ action: 'heartbeat', channelId: CHANNEL, sessionId: 's', sequence: -5 }),
      'sequence',
    ],
    [
      'a channel id with spaces',
      JSON.stringify({ action: 'heartbeat', channelId: 'a b', sessionId: 's', sequence: 1 }),
      'channelId',
    ],
  ])('answers a heartbeat frame with %s with an error frame', async (_, body, field) => {
    const { world, gateway, ws } = await setup();
    await expect(ws(wsEvent('conn-1', body))).resolves.toEqual({ statusCode: 200 });
    const frames = gateway.framesOf('conn-1').map((f) => JSON.parse(f));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'error', code: 'INVALID_FRAME' });
    if (field) expect(frames[0].field).toBe(field);
    expect(world.queue.counts().total).toBe(0);
  });

  it('fails malformed heartbeat-queue records one by one; valid records of the batch still count', async () => {
    const { world } = await setup();
    const now = world.clock.now();
    world.queue.sendRaw('{oops');
    world.queue.sendRaw(
      JSON.stringify({ kind: 'beat', channelId: CHANNEL, sessionId: 's-bad', userId: null, sequence: -1, at: now }),
    );
    world.queue.sendRaw(JSON.stringify({ kind: 'shout', channelId: CHANNEL }));
    await world.acceptHeartbeat({ channelId: CHANNEL, sessionId: 's-good' as never, userId: null, sequence: 1 });
    const deliveries = world.queue.receive(10);
    const response = await world.handler(toSqsEvent(deliveries, world.queue.arn));
    const failedBodies = response.batchItemFailures.map(
      (f) => deliveries.find((d) => d.messageId === f.itemIdentifier)?.rawBody,
    );
    expect(failedBodies).toHaveLength(3);
    expect(failedBodies.some((b) => b?.includes('s-good'))).toBe(false);
    expect(await world.presence.count(CHANNEL, now)).toBe(1);
    expect(await world.publishedCount()).toBe(1);
  });

  it('drops beats for a channel that does not exist: nothing stored, no channel stream created', async () => {
    const { world } = await setup();
    await world.acceptHeartbeat({ channelId: 'ghost' as never, sessionId: 's-1' as never, userId: null, sequence: 1 });
    const deliveries = world.queue.receive(10);
    const response = await world.handler(toSqsEvent(deliveries, world.queue.arn));
    expect(response.batchItemFailures).toEqual([]);
    expect(await world.presence.count('ghost', world.clock.now())).toBe(0);
    expect(world.presence.channelIds()).not.toContain('ghost');
    expect(world.store.streamIds()).not.toContain(channelStreamId('ghost'));
  });
});
