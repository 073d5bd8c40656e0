import { z } from 'zod';
import type { StateSerializer } from '../shared/decider.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { Money } from './auction.events.js';
import { bidKey, type AcceptedBid, type AuctionState } from './auction.state.js';

const Bid = z.object({ bidId: BidId, bidderId: UserId, amount: Money });

/**
 * A hot auction's accepted bids, in columns (bid ids, bidders, amounts). Checked by hand, not by
 * zod: a cold load of a 10,000-bid snapshot spent 37 ms in zod's per-tuple parse (branded-id
 * regexes) against under 1 ms for this loop, and the ids were validated when their events were
 * written; this guards only against an item that is not what `encode` wrote.
 */
const Bids = z.custom<{ ids: string[]; bidders: string[]; amounts: number[] }>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const { ids, bidders, amounts } = value as Record<string, unknown>;
  if (!Array.isArray(ids) || !Array.isArray(bidders) || !Array.isArray(amounts)) return false;
  if (bidders.length !== ids.length || amounts.length !== ids.length) return false;
  for (let i = 0; i < ids.length; i++) {
    if (typeof ids[i] !== 'string' || typeof bidders[i] !== 'string' || !Number.isSafeInteger(amounts[i])) return false;
  }
  return true;
}, 'bids: { ids, bidders, amounts } columns of equal length');
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
  // Columns, not objects: a hot auction's snapshot holds thousands of bids (bytes read on a cold load).
  bids: Bids,
});
const Stored = z.discriminatedUnion('status', [
  z.object({ status: z.literal('NONE') }),
  Standing.extend({ status: z.literal('OPEN') }),
  Standing.extend({ status: z.literal('CLOSED'), closedAt: z.number().int() }),
]);

/**
 * The auction's state as a snapshot. Version 2 = the state of `evolveAuction` as of this file,
 * bids in columns (version 1 held them as tuples): bump it with any change to `evolveAuction`,
 * `AuctionState` or this encoding.
 */
export const auctionSnapshot: StateSerializer<AuctionState> = {
  schemaVersion: 2,
  encode(state) {
    if (state.status === 'NONE') return state;
    const bids = [...state.bids.values()];
    return {
      ...state,
      bids: { ids: bids.map((b) => b.bidId), bidders: bids.map((b) => b.bidderId), amounts: bids.map((b) => b.amount) },
    };
  },
  decode(stored) {
    const s = Stored.parse(stored);
    if (s.status === 'NONE') return s;
    const { ids, bidders, amounts } = s.bids;
    const bids = PersistentMap.of<AcceptedBid>(
      ids.map((id, i) => {
        const [bidId, bidderId] = [id as BidId, bidders[i] as UserId];
        return [bidKey(bidderId, bidId), { bidId, bidderId, amount: amounts[i] as number }];
      }),
    );
    // Keys in the order `evolveAuction` builds them, so a decoded state serialises like a folded one.
    const standing = { terms: s.terms, endsAt: s.endsAt, latestEndsAt: s.latestEndsAt, highest: s.highest, bids };
    return s.status === 'OPEN'
      ? { status: 'OPEN', ...standing }
      : { status: 'CLOSED', ...standing, closedAt: s.closedAt };
  },
};
