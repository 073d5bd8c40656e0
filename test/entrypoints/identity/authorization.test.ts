import { describe, expect, it } from 'vitest';
import { auctionStreamId } from '../../../src/domain/auction/index.js';
import { channelStreamId } from '../../../src/domain/channel/index.js';
import { tripStreamId } from '../../../src/domain/booking/index.js';
import { LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { LOCAL_BOOKING_TOKENS } from '../../../src/entrypoints/local/booking.feature.js';
import { BOOKING_TOKENS } from '../../../src/entrypoints/composition/booking.module.js';
import { inMemorySystem, type InMemorySystem } from '../../support/in-memory-system.js';
import { toSqsEvent } from '../sqs-test-driver.js';

const SELLER = 'mina';

/** A live channel of `mina` with one product and an open auction. */
const liveChannel = async (s: InMemorySystem) => {
  expect(
    (
      await s.http('POST /api/channels', {
        body: { channelId: 'c1', title: 'Night market', currency: 'KRW' },
        as: SELLER,
      })
    ).status,
  ).toBe(201);
  expect((await s.http('POST /api/channels/c1/start', { as: SELLER })).status).toBe(200);
  expect(
    (
      await s.http('POST /api/channels/c1/products', {
        body: { productId: 'lamp', name: 'Lamp', price: 50_000, currency: 'KRW' },
        as: SELLER,
      })
    ).status,
  ).toBe(201);
  const opened = await s.http('POST /api/channels/c1/auctions', {
    body: { auctionId: 'a1', productId: 'lamp', startingPrice: 10_000, minIncrement: 1_000, durationSeconds: 600 },
    as: SELLER,
  });
  expect(opened.status).toBe(201);
};

const versions = async (s: InMemorySystem, ...streams: string[]) => {
  const store = s.container.get(LOCAL_TOKENS.InMemoryEventStore);
  return Promise.all(streams.map(async (id) => (await store.read(id)).version));
};

describe('identity: the caller is the token subject, never a body field', () => {
  it('attributes a bid whose body names another bidder to the token subject (HTTP and WebSocket)', async () => {
    const s = await inMemorySystem();
    await liveChannel(s);
    const bid = await s.http('POST /api/auctions/a1/bids', {
      body: { bidId: 'b1', amount: 10_000, bidderId: 'alice' },
      as: 'mallory',
    });
    expect(bid.status).toBe(201);
    expect(bid.body?.auction.highest).toEqual({ bidderId: 'mallory', amount: 10_000 });

    const bob = await s.connectAs('bob');
    await bob.send({ action: 'bid', auctionId: 'a1', amount: 11_000, bidId: 'b2', bidderId: 'alice' });
    expect(bob.frames()).toEqual([
      expect.objectContaining({ type: 'bid-accepted', highest: { bidderId: 'bob', amount: 11_000 } }),
    ]);
    const { events } = await s.container.get(LOCAL_TOKENS.InMemoryEventStore).read(auctionStreamId('a1'));
    expect(events.filter((e) => e.type === 'BidPlaced').map((e) => (e.data as { bidderId: string }).bidderId)).toEqual([
      'mallory',
      'bob',
    ]);
  });

  it('makes whoever schedules a channel its seller, whatever sellerId the body names', async () => {
    const s = await inMemorySystem();
    await s.http('POST /api/channels', {
      body: { channelId: 'c9', sellerId: 'mina', title: 'Not yours', currency: 'KRW' },
      as: 'mallory',
    });
    const { events } = await s.container.get(LOCAL_TOKENS.InMemoryEventStore).read(channelStreamId('c9'));
    expect(events[0]?.data).toMatchObject({ sellerId: 'mallory' });
    // …so the one it named cannot run it, and the scheduler can.
    expect((await s.http('POST /api/channels/c9/start', { as: 'mina' })).status).toBe(403);
    expect((await s.http('POST /api/channels/c9/start', { as: 'mallory' })).status).toBe(200);
  });

  it.each([
    ['end the channel', 'POST /api/channels/c1/end', undefined],
    ['start the channel again', 'POST /api/channels/c1/start', undefined],
    ['change a price', 'PUT /api/channels/c1/products/lamp/price', { price: 1, currency: 'KRW' }],
    [
      'list a product',
      'POST /api/channels/c1/products',
      { productId: 'fake', name: 'Fake', price: 1, currency: 'KRW' },
    ],
    [
      'open an auction',
      'POST /api/channels/c1/auctions',
      { auctionId: 'a2', productId: 'lamp', startingPrice: 1, minIncrement: 1, durationSeconds: 60 },
    ],
  ])("refuses a viewer's attempt to %s with 403 FORBIDDEN and changes nothing", async (_, routeKey, body) => {
    const s = await inMemorySystem();
    await liveChannel(s);
    const before = await versions(s, channelStreamId('c1'), auctionStreamId('a1'), auctionStreamId('a2'));
    const refused = await s.http(routeKey, { ...(body === undefined ? {} : { body }), as: 'viewer-1' });
    expect(refused.status).toBe(403);
    expect(refused.body?.error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining("only the channel's seller"),
    });
    expect(await versions(s, channelStreamId('c1'), auctionStreamId('a1'), auctionStreamId('a2'))).toEqual(before);
    // Without a token the same call never reaches the handler: 401 from the authorizer.
    const anonymous = await s.http(routeKey, body === undefined ? {} : { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(await versions(s, channelStreamId('c1'), auctionStreamId('a1'), auctionStreamId('a2'))).toEqual(before);
  });

  it("refuses reading or cancelling someone else's booking, and lets the passenger do both", async () => {
    const s = await inMemorySystem();
    const trip = {
      tripId: 'seoul-busan',
      route: 'Seoul → Busan',
      departsAt: s.clock.now() + 86_400_000,
      capacity: 10,
      maxSeatsPerBooking: 4,
    };
    expect((await s.http('POST /api/trips', { body: trip, as: 'operator' })).status).toBe(201);
    const booked = await s.http('POST /api/trips/seoul-busan/bookings', {
      body: { seats: 2, requestId: 'r-kim', passengerId: 'lee' },
      as: 'kim',
    });
    expect(booked.status).toBe(202);
    // The booking consumer decides it (a batch straight from the queue, as the event source would hand it).
    const queue = s.container.get(LOCAL_BOOKING_TOKENS.BookingQueue);
    await s.container.get(BOOKING_TOKENS.Handler)(toSqsEvent(queue.receive(10), queue.arn));

    const read = await s.http('GET /api/bookings/r-kim', { as: 'lee' });
    expect(read.status).toBe(403);
    expect(read.body?.error.code).toBe('FORBIDDEN');
    expect(read.body?.error.message).not.toMatch(/seat/i);
    const before = await versions(s, tripStreamId('seoul-busan'));
    const cancel = await s.http('DELETE /api/bookings/r-kim', { as: 'lee', query: { passengerId: 'kim' } });
    expect(cancel.status).toBe(403);
    expect(cancel.body?.error.code).toBe('FORBIDDEN');
    expect(await versions(s, tripStreamId('seoul-busan'))).toEqual(before);
    expect((await s.http('GET /api/bookings/r-kim')).status).toBe(401);

    expect(await s.http('GET /api/bookings/r-kim', { as: 'kim' })).toMatchObject({
      status: 200,
      body: { passengerId: 'kim', status: 'CONFIRMED' },
    });
    expect(await s.http('DELETE /api/bookings/r-kim', { as: 'kim' })).toMatchObject({
      status: 200,
      body: { status: 'CANCELLED' },
    });
  });

  it('lets anonymous viewers join and watch any channel, but not bid, chat or like', async () => {
    const s = await inMemorySystem();
    await liveChannel(s);
    const viewer = await s.connect();
    if (viewer.refused !== null) throw new Error('anonymous viewer refused');
    await viewer.send({ action: 'join', channelId: 'c1' });
    await viewer.send({ action: 'chat', text: 'hello' });
    await viewer.send({ action: 'like' });
    await viewer.send({ action: 'bid', auctionId: 'a1', amount: 10_000, bidId: 'b-anon' });
    expect(viewer.frames().map((f) => (f['type'] === 'error' ? f['code'] : f['type']))).toEqual([
      'joined',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(viewer.frames()[1]?.['message']).toMatch(/sign in to chat/);
    expect(await versions(s, auctionStreamId('a1'))).toEqual([1]);
    expect(s.container.get(LOCAL_TOKENS.FeedStream).puts).toBe(0);
    expect((await s.http('GET /api/channels/c1')).status).toBe(200);
  });
});
