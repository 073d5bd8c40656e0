import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { auctionStreamId } from '../../src/domain/auction/index.js';
import { InMemoryConnectionGateway } from '../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { makeAuctionCloseHandler } from '../../src/entrypoints/handlers/auction-close.js';
import { WsActionRegistry } from '../../src/entrypoints/handlers/ws-actions.js';
import { makeWsMessageHandler } from '../../src/entrypoints/handlers/ws-message.js';
import { makeAuctionRoutes } from '../../src/entrypoints/http/auction.routes.js';
import { auctionWsActions } from '../../src/entrypoints/ws/auction.ws-actions.js';
import { auctionFixture, CHANNEL, MINUTE, PRODUCT, SELLER } from '../application/auction/auction-fixture.js';
import { call } from './http-test-events.js';
import { silentLogger, toSqsEvent } from './sqs-test-driver.js';

const setup = async () => {
  const f = auctionFixture();
  await f.liveChannel();
  const routes = makeAuctionRoutes({
    openAuction: f.openAuction,
    placeBid: f.placeBid,
    getAuction: f.getAuction,
    now: () => f.clock.now(),
    onUnexpected: (e) => {
      throw e;
    },
  });
  const gateway = new InMemoryConnectionGateway({ acceptUnknownIds: true });
  const ws = makeWsMessageHandler({
    actions: new WsActionRegistry().register(...auctionWsActions({ placeBid: f.placeBid })),
    gateway,
    logger: silentLogger,
  });
  const wsEvent = (connectionId: string, frame: unknown, userId: string | null) =>
    ({
      body: typeof frame === 'string' ? frame : JSON.stringify(frame),
      isBase64Encoded: false,
      requestContext: {
        connectionId,
        routeKey: '$default',
        eventType: 'MESSAGE',
        requestTimeEpoch: 0,
        ...(userId ? { authorizer: { principalId: userId, userId } } : {}),
      },
    }) as unknown as APIGatewayProxyWebsocketEventV2;
  const framesOf = (connectionId: string) =>
    gateway.framesOf(connectionId).map((frame) => JSON.parse(frame) as Record<string, unknown>);
  const open = () =>
    call(routes, 'POST /api/channels/{channelId}/auctions', {
      path: { channelId: CHANNEL },
      body: { auctionId: 'a-1', productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 600 },
      as: SELLER,
    });
  return { f, routes, ws, wsEvent, framesOf, open };
};

describe('auction bad input (G7): clear errors, no crash, no state', () => {
  it.each([
    ['no productId', { startingPrice: 1000, minIncrement: 100, durationSeconds: 60 }, 'productId'],
    [
      'a negative starting price',
      { productId: PRODUCT, startingPrice: -5, minIncrement: 100, durationSeconds: 60 },
      'startingPrice',
    ],
    [
      'both an end time and a duration',
      { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 60, endsAt: 1 },
      'endsAt',
    ],
    ['neither an end time nor a duration', { productId: PRODUCT, startingPrice: 1000, minIncrement: 100 }, 'endsAt'],
    [
      'a duration longer than a week',
      { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 8 * 86_400 },
      'durationSeconds',
    ],
    [
      'a negative extension bound',
      { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 60, maxExtensionSeconds: -1 },
      'maxExtensionSeconds',
    ],
    [
      'an extension bound over a day',
      { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 60, maxExtensionSeconds: 86_401 },
      'maxExtensionSeconds',
    ],
    [
      'a fractional extension bound',
      { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 60, maxExtensionSeconds: 1.5 },
      'maxExtensionSeconds',
    ],
  ])('answers an opening with %s with 400 naming the field', async (_, body, field) => {
    const { f, routes } = await setup();
    const before = f.store.streamIds().length;
    const res = await call(routes, 'POST /api/channels/{channelId}/auctions', {
      path: { channelId: CHANNEL },
      body,
      as: SELLER,
    });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe(field);
    expect(f.store.streamIds().length).toBe(before);
    expect(f.queue.counts().total).toBe(0);
  });

  it('answers an unknown channel or product with 404 and opens nothing', async () => {
    const { f, routes } = await setup();
    const before = f.store.streamIds().length;
    const body = { productId: PRODUCT, startingPrice: 1000, minIncrement: 100, durationSeconds: 60 };
    const noChannel = await call(routes, 'POST /api/channels/{channelId}/auctions', {
      path: { channelId: 'nowhere' },
      body,
      as: SELLER,
    });
    expect(noChannel.status).toBe(404);
    expect(noChannel.body?.error.message).toContain('nowhere');
    const noProduct = await call(routes, 'POST /api/channels/{channelId}/auctions', {
      path: { channelId: CHANNEL },
      body: { ...body, productId: 'ghost' },
      as: SELLER,
    });
    expect(noProduct.status).toBe(404);
    expect(f.store.streamIds().length).toBe(before);
  });

  it('answers bad bids clearly and records none of them', async () => {
    const { f, routes, open } = await setup();
    expect((await open()).status).toBe(201);
    const bid = (body: unknown, auctionId = 'a-1', as: string | null = 'alice') =>
      call(routes, 'POST /api/auctions/{auctionId}/bids', {
        path: { auctionId },
        body,
        ...(as === null ? {} : { as }),
      });
    expect((await bid({ bidId: 'b-1', amount: 1000.5 })).body?.error.field).toBe('amount');
    expect((await bid({ bidId: 'b 1', amount: 1000 })).body?.error.field).toBe('bidId');
    expect((await bid({ bidId: 'b-1', amount: 1000 }, 'a-1', null)).status).toBe(401);
    expect((await bid({ bidId: 'b-1', amount: 1000 }, 'nope')).status).toBe(404);
    expect((await bid({ bidId: 'b-1', amount: 1000 }, 'a-1', SELLER)).status).toBe(403);
    const low = await bid({ bidId: 'b-1', amount: 999 });
    expect(low.status).toBe(409);
    expect(low.body?.error).toMatchObject({ code: 'BID_TOO_LOW', details: { minimum: 1000 } });
    expect((await f.store.read(auctionStreamId('a-1'))).events.map((e) => e.type)).toEqual(['AuctionOpened']);
  });

  it('answers bad bid frames with error frames: malformed, unauthenticated, too low', async () => {
    const { f, ws, wsEvent, framesOf, open } = await setup();
    await open();
    await ws(wsEvent('c-1', { action: 'bid', auctionId: 'a-1', amount: 'lots', bidId: 'b-1' }, 'alice'));
    await ws(wsEvent('c-1', { action: 'bid', auctionId: 'a-1', amount: 1000, bidId: 'b-1' }, null));
    await ws(wsEvent('c-1', { action: 'bid', auctionId: 'a-1', amount: 10, bidId: 'b-1' }, 'alice'));
    await ws(wsEvent('c-1', '{"action": "bid"', 'alice'));
    expect(framesOf('c-1')).toEqual([
      expect.objectContaining({ type: 'error', code: 'INVALID_FRAME', field: 'amount' }),
      expect.objectContaining({ type: 'error', code: 'UNAUTHENTICATED' }),
      expect.objectContaining({ type: 'error', code: 'BID_TOO_LOW' }),
      expect.objectContaining({ type: 'error', code: 'INVALID_FRAME' }),
    ]);
    await ws(wsEvent('c-2', { action: 'bid', auctionId: 'a-1', amount: 1000, bidId: 'b-ok' }, 'bob'));
    expect(framesOf('c-2')).toEqual([
      expect.objectContaining({ type: 'bid-accepted', bidId: 'b-ok', highest: { bidderId: 'bob', amount: 1000 } }),
    ]);
    expect((await f.store.read(auctionStreamId('a-1'))).events.map((e) => e.type)).toEqual([
      'AuctionOpened',
      'BidPlaced',
    ]);
  });

  it('fails malformed scheduler records one by one while a valid close in the same batch proceeds', async () => {
    const { f, open } = await setup();
    await open();
    f.clock.advance(10 * MINUTE);
    const handler = makeAuctionCloseHandler({ closeAuction: f.closeAuction, logger: silentLogger });
    f.queue.sendRaw('not json');
    f.queue.sendRaw(JSON.stringify({ auctionId: 'a-1', channelId: CHANNEL, endsAt: 'soon', hop: 1 }));
    const deliveries = f.queue.receive(10);
    const response = await handler(toSqsEvent(deliveries, f.queue.arn));
    const failed = response.batchItemFailures.map(
      (x) => deliveries.find((d) => d.messageId === x.itemIdentifier)?.rawBody,
    );
    expect(failed.sort()).toEqual(
      [JSON.stringify({ auctionId: 'a-1', channelId: CHANNEL, endsAt: 'soon', hop: 1 }), 'not json'].sort(),
    );
    expect((await f.getAuction('a-1' as never)).status).toBe('CLOSED');
  });
});
