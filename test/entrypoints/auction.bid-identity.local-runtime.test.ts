import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, connect, eventually, startQuietRuntime } from './local-runtime-client.js';

/**
 * Bid identity through the documented interface: a bid is (bidder, bidId). Everything here goes
 * over HTTP and WebSocket frames of the local runtime, as a client would send them.
 */
describe('bid identity and retries in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // A bid budget above the handful of bids (retries included) each user sends here.
    runtime = await startQuietRuntime({ bidBurst: 20 });
    await api(
      runtime,
      'POST',
      '/api/channels',
      { channelId: 'bids-e2e', title: 'Bid night', currency: 'KRW' },
      { as: 'seller-1' },
    );
    await api(runtime, 'POST', '/api/channels/bids-e2e/start', undefined, { as: 'seller-1' });
    await api(
      runtime,
      'POST',
      '/api/channels/bids-e2e/products',
      { productId: 'vase', name: 'Vase', price: 9_000, currency: 'KRW' },
      { as: 'seller-1' },
    );
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const openAuction = async (auctionId: string) => {
    const opened = await api(
      runtime,
      'POST',
      '/api/channels/bids-e2e/auctions',
      { auctionId, productId: 'vase', startingPrice: 1_000, minIncrement: 100, durationSeconds: 600 },
      { as: 'seller-1' },
    );
    expect(opened.status).toBe(201);
  };
  const bid = (auctionId: string, as: string, bidId: string, amount: number) =>
    api(runtime, 'POST', `/api/auctions/${auctionId}/bids`, { bidId, amount }, { as });
  /** Every BidPlaced of the auction's stream, read back through the recovery route. */
  const placedBids = async (auctionId: string) => {
    const page = await api(runtime, 'GET', `/api/streams/auction-${auctionId}/events?after=0`);
    return (page.body?.items as { sourceType: string; data: { bidderId: string; bidId: string; amount: number } }[])
      .filter((i) => i.sourceType === 'BidPlaced')
      .map((i) => i.data);
  };

  it("takes Alice's bid under an id Mallory used as Alice's own, and answers a retry alike on HTTP and WebSocket", async () => {
    await openAuction('ids-1');
    expect(await bid('ids-1', 'mallory', 'b-1', 1_000)).toMatchObject({
      status: 201,
      body: { accepted: true, retried: false },
    });

    const alices = await bid('ids-1', 'alice', 'b-1', 5_000);
    expect(alices).toMatchObject({
      status: 201,
      body: { accepted: true, retried: false, highest: { bidderId: 'alice', amount: 5_000 } },
    });

    // A client that timed out retries: over HTTP, then over a WebSocket frame.
    const httpRetry = await bid('ids-1', 'alice', 'b-1', 5_000);
    expect(httpRetry).toMatchObject({
      status: 200,
      body: { accepted: true, retried: true, highest: { bidderId: 'alice', amount: 5_000 } },
    });
    const socket = await connect(runtime, { as: 'alice' });
    socket.send({ action: 'bid', auctionId: 'ids-1', amount: 5_000, bidId: 'b-1' });
    const [frame] = await eventually(
      async () => socket.frames,
      (f) => f.length > 0,
    );
    await socket.close();
    const { type, ...wsAnswer } = frame ?? {};
    expect(type).toBe('bid-accepted');
    expect(wsAnswer).toEqual(httpRetry.body);

    expect(await placedBids('ids-1')).toEqual([
      expect.objectContaining({ bidderId: 'mallory', bidId: 'b-1', amount: 1_000 }),
      expect.objectContaining({ bidderId: 'alice', bidId: 'b-1', amount: 5_000 }),
    ]);
    // Mallory's own retry is still a retry of her bid, now outbid: accepted, and told the current highest.
    expect(await bid('ids-1', 'mallory', 'b-1', 1_000)).toMatchObject({
      status: 200,
      body: { retried: true, highest: { bidderId: 'alice', amount: 5_000 } },
    });
  });

  it('refuses the same bidder reusing a bid id with another amount: 409 BID_ID_REUSED over HTTP, an error frame over WebSocket', async () => {
    await openAuction('ids-2');
    expect(await bid('ids-2', 'alice', 'b-1', 2_000)).toMatchObject({ status: 201 });

    const http = await bid('ids-2', 'alice', 'b-1', 6_000);
    expect(http.status).toBe(409);
    expect(http.body?.error).toMatchObject({ code: 'BID_ID_REUSED', field: 'bidId' });

    const socket = await connect(runtime, { as: 'alice' });
    socket.send({ action: 'bid', auctionId: 'ids-2', amount: 7_000, bidId: 'b-1', requestId: 'r-1' });
    const [frame] = await eventually(
      async () => socket.frames,
      (f) => f.length > 0,
    );
    await socket.close();
    expect(frame).toMatchObject({ type: 'error', code: 'BID_ID_REUSED', field: 'bidId', requestId: 'r-1' });

    expect((await api(runtime, 'GET', '/api/auctions/ids-2')).body).toMatchObject({
      highest: { bidderId: 'alice', amount: 2_000 },
      minimumNextBid: 2_100,
    });
    expect(await placedBids('ids-2')).toHaveLength(1);
  });

  it('a bid racing its own retry (the client stopped reading and resent over HTTP) is placed once, and every answer says accepted', async () => {
    await openAuction('ids-3');
    const socket = await connect(runtime, { as: 'bob' });
    // The frame and the retry are in flight together; neither waits for the other's answer.
    socket.send({ action: 'bid', auctionId: 'ids-3', amount: 1_500, bidId: 'b-9' });
    const httpRetry = await bid('ids-3', 'bob', 'b-9', 1_500);
    const [frame] = await eventually(
      async () => socket.frames,
      (f) => f.length > 0,
    );
    await socket.close();
    const laterRetry = await bid('ids-3', 'bob', 'b-9', 1_500);

    expect(frame).toMatchObject({ type: 'bid-accepted', accepted: true, highest: { bidderId: 'bob', amount: 1_500 } });
    expect(httpRetry.body).toMatchObject({ accepted: true, highest: { bidderId: 'bob', amount: 1_500 } });
    // Whichever arrived first placed the bid; the other was its retry.
    expect([frame?.retried, httpRetry.body?.retried].sort()).toEqual([false, true]);
    expect(laterRetry).toMatchObject({ status: 200, body: { accepted: true, retried: true } });
    expect(await placedBids('ids-3')).toEqual([
      expect.objectContaining({ bidderId: 'bob', bidId: 'b-9', amount: 1_500 }),
    ]);
  });

  it('shows the anti-sniping terms, with the bound the seller set', async () => {
    const opened = await api(
      runtime,
      'POST',
      '/api/channels/bids-e2e/auctions',
      {
        auctionId: 'ids-4',
        productId: 'vase',
        startingPrice: 1_000,
        minIncrement: 100,
        endsAt: Date.now() + 600_000,
        extendWindowSeconds: 30,
        extendBySeconds: 60,
        maxExtensionSeconds: 300,
      },
      { as: 'seller-1' },
    );
    expect(opened.status).toBe(201);
    const body = opened.body ?? {};
    expect(body).toMatchObject({ extendWindowMs: 30_000, extendByMs: 60_000, maxExtensionMs: 300_000 });
    expect(body['latestEndsAt']).toBe(body['endsAt'] + 300_000);
  });
});
