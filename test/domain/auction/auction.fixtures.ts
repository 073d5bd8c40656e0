import type { AuctionCommand, AuctionEvent } from '../../../src/domain/auction/index.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';

/**
 * Starting price 1000, increment 100, ends at 60 s; a bid in the last 10 s pushes the end to
 * 15 s after it, but never past 90 s (30 s of extensions in all).
 */
export const openAuction: Extract<AuctionCommand, { type: 'OpenAuction' }> = {
  type: 'OpenAuction',
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
  maxExtensionMs: 30_000,
  at: 0,
};

export const opened: AuctionEvent = {
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
    maxExtensionMs: 30_000,
    openedAt: 0,
  },
};

export const bid = (bidId: string, bidderId: string, amount: number, placedAt: number): AuctionEvent => ({
  type: 'BidPlaced',
  data: { bidId: bidId as BidId, bidderId: bidderId as UserId, amount, placedAt },
});

export const placeBid = (bidId: string, bidderId: string, amount: number, at: number): AuctionCommand => ({
  type: 'PlaceBid',
  bidId: bidId as BidId,
  bidderId: bidderId as UserId,
  amount,
  at,
});

export const extended = (endsAt: number, byBidId: string): AuctionEvent => ({
  type: 'AuctionExtended',
  data: { endsAt, byBidId: byBidId as BidId },
});
export const closeAuction = (at: number): AuctionCommand => ({ type: 'CloseAuction', at });
