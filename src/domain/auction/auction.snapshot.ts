import { z } from 'zod';
import type { StateSerializer } from '../shared/decider.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { Money } from './auction.events.js';
import { bidKey, type AcceptedBid, type AuctionState } from './auction.state.js';

const Bid = z.object({ bidId: BidId, bidderId: UserId, amount: Money });
const Terms = z.object({
  auctionId: AuctionId,
  channelId: ChannelId,
  sellerId: UserId,
  productId: ProductId,
  startingPrice: Money,
  minIncrement: Money,
  currency: z.string(),
  extendWindowMs: z.number().int().nonnegative(),
  extendByMs: z.number().int().nonnegative(),
  maxExtensionMs: z.number().int().nonnegative(),
});
const Standing = z.object({
  terms: Terms,
  endsAt: z.number().int(),
  latestEndsAt: z.number().int(),
  highest: Bid.nullable(),
  // Tuples, not objects: a hot auction's snapshot holds thousands of bids (bytes read on a cold load).
  bids: z.array(z.tuple([BidId, UserId, Money])),
});
const Stored = z.discriminatedUnion('status', [
  z.object({ status: z.literal('NONE') }),
  Standing.extend({ status: z.literal('OPEN') }),
  Standing.extend({ status: z.literal('CLOSED'), closedAt: z.number().int() }),
]);

/**
 * The auction's state as a snapshot. Version 1 = the state of `evolveAuction` as of this file:
 * bump it with any change to `evolveAuction` or `AuctionState`.
 */
export const auctionSnapshot: StateSerializer<AuctionState> = {
  schemaVersion: 1,
  encode(state) {
    if (state.status === 'NONE') return state;
    return { ...state, bids: [...state.bids.values()].map((b) => [b.bidId, b.bidderId, b.amount]) };
  },
  decode(stored) {
    const s = Stored.parse(stored);
    if (s.status === 'NONE') return s;
    const bids = PersistentMap.of<AcceptedBid>(
      s.bids.map(([bidId, bidderId, amount]) => [bidKey(bidderId, bidId), { bidId, bidderId, amount }]),
    );
    // Keys in the order `evolveAuction` builds them, so a decoded state serialises like a folded one.
    const standing = { terms: s.terms, endsAt: s.endsAt, latestEndsAt: s.latestEndsAt, highest: s.highest, bids };
    return s.status === 'OPEN'
      ? { status: 'OPEN', ...standing }
      : { status: 'CLOSED', ...standing, closedAt: s.closedAt };
  },
};
