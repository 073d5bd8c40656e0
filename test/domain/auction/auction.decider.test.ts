import { describe, it } from 'vitest';
import { auctionDecider, type AuctionEvent } from '../../../src/domain/auction/index.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(auctionDecider);
const opened: AuctionEvent = {
  type: 'AuctionOpened',
  data: {
    auctionId: 'a1' as AuctionId,
    channelId: 'c1' as ChannelId,
    sellerId: 'seller' as UserId,
    productId: 'p1' as ProductId,
    startingPrice: 1000,
    minIncrement: 100,
    currency: 'KRW',
    endsAt: 60_000,
    extendWindowMs: 10_000,
    extendByMs: 15_000,
    openedAt: 0,
  },
};
const bid = (bidId: string, bidderId: string, amount: number, placedAt: number): AuctionEvent => ({
  type: 'BidPlaced',
  data: { bidId: bidId as BidId, bidderId: bidderId as UserId, amount, placedAt },
});
const placeBid = (bidId: string, bidderId: string, amount: number, at: number) =>
  ({ type: 'PlaceBid', bidId: bidId as BidId, bidderId: bidderId as UserId, amount, at }) as const;

describe('Auction', () => {
  it('accepts a first bid at the starting price', () => {
    spec.given([opened]).when(placeBid('b1', 'alice', 1000, 1000)).then([bid('b1', 'alice', 1000, 1000)]);
  });
  it('rejects a first bid below the starting price with BID_TOO_LOW', () => {
    spec.given([opened]).when(placeBid('b1', 'alice', 999, 1000)).thenFails('BID_TOO_LOW');
  });
  it('rejects a bid below highest + increment', () => {
    spec.given([opened, bid('b1', 'alice', 1000, 1)]).when(placeBid('b2', 'bob', 1099, 2)).thenFails('BID_TOO_LOW');
  });
  it('accepts a retried bid once', () => {
    spec.given([opened, bid('b1', 'alice', 1000, 1)]).when(placeBid('b1', 'alice', 1000, 1)).thenNothingHappens();
  });
});
