import { describe, expect, it } from 'vitest';
import { auctionDecider, auctionSnapshot, type AuctionEvent } from '../../../src/domain/auction/index.js';
import { acceptedBid, type AuctionState } from '../../../src/domain/auction/auction.state.js';
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

describe('the auction snapshot (schema 4)', () => {
  it('names each bidder once and stores amounts as steps, bids in ascending amount, each column one string', () => {
    const { bids } = auctionSnapshot.encode(state) as {
      bids: { count: number; ids: string; bidderNames: string[]; bidders: string; amountSteps: string };
    };
    expect(bids.count).toBe(40);
    expect(bids.bidderNames).toEqual(['u0', 'u1', 'u2']);
    expect(bids.ids).toBe(Array.from({ length: 40 }, (_, i) => `b${i}`).join(' '));
    expect(bids.bidders.split(' ').slice(0, 4)).toEqual(['0', '1', '2', '0']);
    // Base 36: 100 is "2s".
    expect(bids.amountSteps).toBe(['2s', ...Array.from({ length: 39 }, () => '5')].join(' '));
    expect(canonical(auctionSnapshot.decode(JSON.parse(JSON.stringify(auctionSnapshot.encode(state)))))).toBe(
      canonical(state),
    );
  });

  it('decodes an auction without bids', () => {
    const opening = fold(auctionDecider, auctionDecider.initialState, [opened]);
    const decoded = auctionSnapshot.decode(JSON.parse(JSON.stringify(auctionSnapshot.encode(opening))));
    expect(canonical(decoded)).toBe(canonical(opening));
    expect(acceptedBid(decoded, 'u0' as UserId, 'b0' as BidId)).toBeUndefined();
  });

  it('refuses an item that is not what encode wrote', () => {
    const good = JSON.parse(JSON.stringify(auctionSnapshot.encode(state))) as {
      bids: { count: number; ids: string; bidderNames: string[]; bidders: string; amountSteps: string };
    };
    const broken = [
      (s: typeof good) => (s.bids.bidders = s.bids.bidders.replace(/^0 1 2/, '0 1 7')), // no such bidder
      (s: typeof good) => (s.bids.amountSteps = s.bids.amountSteps.replace(/ 5$/, ' -5')), // amounts never go down
      (s: typeof good) => (s.bids.amountSteps = s.bids.amountSteps.replace(/^2s/, '0')), // not a Money amount
      (s: typeof good) => (s.bids.ids = s.bids.ids.replace(/ b39$/, '')), // a column one short
      (s: typeof good) => (s.bids.count = 41), // every column one short
      (s: typeof good) => (s.bids.ids = s.bids.ids.replace('b3 ', 'b3  ')), // an empty id
      (s: typeof good) => (s.bids.ids = s.bids.ids.replace('b3', 'b/3')), // not an id
      (s: typeof good) => (s.bids.bidders = s.bids.bidders.replace(/^0/, 'Z')), // not base 36
      (s: typeof good) => (s.bids.bidderNames[1] = 'u 1'), // not a user id
      (s: typeof good) => (s.bids.amountSteps = [1, 2] as unknown as string), // arrays: schema 3
    ];
    for (const breakIt of broken) {
      const copy = structuredClone(good);
      breakIt(copy);
      expect(() => auctionSnapshot.decode(copy)).toThrow(/bids: \{ count, ids, bidderNames, bidders, amountSteps \}/);
    }
  });

  it('finds every bid of a decoded state, whether it scans the columns or has built their index', () => {
    const stored = JSON.stringify(auctionSnapshot.encode(state));
    const decode = () => auctionSnapshot.decode(JSON.parse(stored)) as AuctionState;
    const bids = Array.from({ length: 40 }, (_, i) => ({ bidId: `b${i}` as BidId, bidderId: `u${i % 3}` as UserId }));
    // A fresh decode per lookup: the first lookups of a decoded state scan the columns.
    for (const { bidId, bidderId } of bids) {
      expect(acceptedBid(decode(), bidderId, bidId)).toEqual(acceptedBid(state, bidderId, bidId));
      // The same id from another bidder, and a key spelled with the same characters, are other bids.
      expect(acceptedBid(decode(), `u${(Number(bidId.slice(1)) + 1) % 3}` as UserId, bidId)).toBeUndefined();
      expect(acceptedBid(decode(), `${bidderId}b` as UserId, bidId.slice(1) as BidId)).toBeUndefined();
    }
    // One decoded state asked for every bid: past the first lookups it answers from an index.
    const one = decode();
    for (const { bidId, bidderId } of bids)
      expect(acceptedBid(one, bidderId, bidId)).toEqual(acceptedBid(state, bidderId, bidId));
    expect(acceptedBid(one, 'u0' as UserId, 'b1' as BidId)).toBeUndefined();
  });
});
