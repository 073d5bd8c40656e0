import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, eventually, startQuietRuntime } from './local-runtime-client.js';

describe('auctions in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('opens an auction on a listed product, takes bids, and closes it at its end through the scheduler queue', async () => {
    await api(
      runtime,
      'POST',
      '/api/channels',
      { channelId: 'auction-e2e', title: 'Auction night', currency: 'KRW' },
      { as: 'seller-1' },
    );
    await api(runtime, 'POST', '/api/channels/auction-e2e/start', undefined, { as: 'seller-1' });
    await api(
      runtime,
      'POST',
      '/api/channels/auction-e2e/products',
      { productId: 'lamp', name: 'Lamp', category: 'home', price: 50_000, currency: 'KRW' },
      { as: 'seller-1' },
    );

    const opened = await api(
      runtime,
      'POST',
      '/api/channels/auction-e2e/auctions',
      {
        auctionId: 'auc-1',
        productId: 'lamp',
        startingPrice: 10_000,
        minIncrement: 1_000,
        durationSeconds: 1,
      },
      { as: 'seller-1' },
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      auctionId: 'auc-1',
      channelId: 'auction-e2e',
      status: 'OPEN',
      sellerId: 'seller-1',
    });

    const bid = await api(
      runtime,
      'POST',
      '/api/auctions/auc-1/bids',
      { bidId: 'b-1', amount: 10_000 },
      { as: 'alice' },
    );
    expect(bid.status).toBe(201);
    const low = await api(runtime, 'POST', '/api/auctions/auc-1/bids', { bidId: 'b-2', amount: 10_500 }, { as: 'bob' });
    expect(low.status).toBe(409);
    expect(low.body?.error).toMatchObject({ code: 'BID_TOO_LOW' });

    const closed = await eventually(
      async () => (await api(runtime, 'GET', '/api/auctions/auc-1')).body,
      (a) => a?.status === 'CLOSED',
    );
    expect(closed).toMatchObject({ status: 'CLOSED', highest: { bidderId: 'alice', amount: 10_000 } });
    const after = await api(
      runtime,
      'POST',
      '/api/auctions/auc-1/bids',
      { bidId: 'b-3', amount: 20_000 },
      { as: 'bob' },
    );
    expect(after.body?.error).toMatchObject({ code: 'AUCTION_CLOSED' });

    // The channel's snapshot shows the auction attached and closed: its events went through the relay.
    const snapshot = await eventually(
      async () => (await api(runtime, 'GET', '/api/channels/auction-e2e')).body,
      (s) => s?.view?.attachedAuctions?.['auc-1'] === 'lamp',
    );
    expect(snapshot?.view?.attachedAuctions).toEqual({ 'auc-1': 'lamp' });
  });
});
