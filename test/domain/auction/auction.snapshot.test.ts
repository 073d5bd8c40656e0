import { describe, expect, it } from 'vitest';
import { auctionDecider, auctionSnapshot, type AuctionEvent } from '../../../src/domain/auction/index.js';
import { fold } from '../../../src/domain/shared/decider.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import { canonical } from '../decider-harness.js';

const opened: AuctionEvent = {
  type: 'AuctionOpened',
  data: {
    auctionId: 'a1' as AuctionId,
    channelId: 'c1' as ChannelId,
    sellerId: 'seller' as UserId,
    productId: 'p1' as ProductId,
    startingPrice: 100,
    minIncrement: 5,
    currency: 'EUR',
    endsAt: 1_000_000,
    extendWindowMs: 0,
    extendByMs: 0,
    maxExtensionMs: 0,
    openedAt: 0,
  },
};
const placed = (n: number, bidder: string): AuctionEvent => ({
  type: 'BidPlaced',
  data: { bidId: `b${n}` as BidId, bidderId: bidder as UserId, amount: 100 + 5 * n, placedAt: n },
});
const state = fold(auctionDecider, auctionDecider.initialState, [
  opened,
  ...Array.from({ length: 40 }, (_, i) => placed(i, `u${i % 3}`)),
]);

describe('the auction snapshot (schema 3)', () => {
  it('names each bidder once and stores amounts as steps, bids in ascending amount', () => {
    const { bids } = auctionSnapshot.encode(state) as {
      bids: { ids: string[]; bidderNames: string[]; bidders: number[]; amountSteps: number[] };
    };
    expect(bids.bidderNames).toEqual(['u0', 'u1', 'u2']);
    expect(bids.ids).toEqual(Array.from({ length: 40 }, (_, i) => `b${i}`));
    expect(bids.bidders.slice(0, 4)).toEqual([0, 1, 2, 0]);
    expect(bids.amountSteps).toEqual([100, ...Array.from({ length: 39 }, () => 5)]);
    expect(canonical(auctionSnapshot.decode(JSON.parse(JSON.stringify(auctionSnapshot.encode(state)))))).toBe(
      canonical(state),
    );
  });

  it('refuses an item that is not what encode wrote', () => {
    const good = JSON.parse(JSON.stringify(auctionSnapshot.encode(state))) as {
      bids: { bidders: number[]; amountSteps: number[]; ids: string[] };
    };
    const broken = [
      (s: typeof good) => (s.bids.bidders[3] = 7), // no such bidder
      (s: typeof good) => (s.bids.amountSteps[5] = -1), // amounts never go down
      (s: typeof good) => (s.bids.amountSteps[0] = 0), // not a Money amount
      (s: typeof good) => s.bids.ids.pop(), // columns of different lengths
    ];
    for (const breakIt of broken) {
      const copy = structuredClone(good);
      breakIt(copy);
      expect(() => auctionSnapshot.decode(copy)).toThrow(/bids: \{ ids, bidderNames, bidders, amountSteps \}/);
    }
  });
});
