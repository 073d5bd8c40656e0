import { z } from 'zod';
import type { StateSerializer } from '../shared/decider.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { Money } from './auction.events.js';
import { bidKey, type AcceptedBid, type AuctionState } from './auction.state.js';

const Bid = z.object({ bidId: BidId, bidderId: UserId, amount: Money });

interface BidColumns {
  /** Bid ids, one per bid, the bids in ascending amount. */
  readonly ids: string[];
  /** The distinct bidders, in order of first appearance. */
  readonly bidderNames: string[];
  /** Per bid, its bidder's index in `bidderNames`. */
  readonly bidders: number[];
  /** Per bid, its amount minus the previous bid's (the first: its amount). */
  readonly amountSteps: number[];
}

/**
 * A hot auction's accepted bids, in columns: bid ids, bidders as indexes into the list of
 * distinct bidders, amounts as steps from the previous bid, the bids in ascending amount. A
 * cold load reads this item before its first command and its bytes are most of that cost: in
 * the fold's (hash) order with names and amounts spelled out, the cold-load benchmark's
 * 10,000-bid state was 68 KB gzipped; in amount order with repeated bidders named once and
 * amounts as small steps it is a fraction of that (bid ids chosen by clients compress only as
 * well as they are regular). Checked by hand, not by zod: a cold load of a 10,000-bid snapshot
 * spent 37 ms in zod's per-tuple parse (branded-id regexes) against under 1 ms for this loop,
 * and the ids were validated when their events were written; this guards only against an item
 * that is not what `encode` wrote.
 */
const Bids = z.custom<BidColumns>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const { ids, bidderNames, bidders, amountSteps } = value as Record<string, unknown>;
  if (!Array.isArray(ids) || !Array.isArray(bidderNames) || !Array.isArray(bidders) || !Array.isArray(amountSteps))
    return false;
  if (bidders.length !== ids.length || amountSteps.length !== ids.length) return false;
  if (!bidderNames.every((name) => typeof name === 'string')) return false;
  let amount = 0;
  for (let i = 0; i < ids.length; i++) {
    const [bidder, step] = [bidders[i], amountSteps[i]];
    if (typeof ids[i] !== 'string' || !Number.isSafeInteger(bidder) || !Number.isSafeInteger(step)) return false;
    if ((bidder as number) < 0 || (bidder as number) >= bidderNames.length || (step as number) < 0) return false;
    amount += step as number;
  }
  // Steps are never negative, so every amount is within Money's bounds when the first and the last are.
  const first = amountSteps[0];
  return ids.length === 0 || (Money.safeParse(first).success && Money.safeParse(amount).success);
}, 'bids: { ids, bidderNames, bidders, amountSteps } columns of equal length');

const toColumns = (bids: readonly AcceptedBid[]): BidColumns => {
  const sorted = [...bids].sort((a, b) => a.amount - b.amount);
  const index = new Map<string, number>();
  const bidderNames: string[] = [];
  const bidders = sorted.map((b) => {
    let at = index.get(b.bidderId);
    if (at === undefined) {
      at = bidderNames.push(b.bidderId) - 1;
      index.set(b.bidderId, at);
    }
    return at;
  });
  return {
    ids: sorted.map((b) => b.bidId),
    bidderNames,
    bidders,
    amountSteps: sorted.map((b, i) => b.amount - (i === 0 ? 0 : (sorted[i - 1] as AcceptedBid).amount)),
  };
};

const fromColumns = ({ ids, bidderNames, bidders, amountSteps }: BidColumns): PersistentMap<AcceptedBid> => {
  let amount = 0;
  return PersistentMap.of<AcceptedBid>(
    ids.map((id, i) => {
      amount += amountSteps[i] as number;
      const [bidId, bidderId] = [id as BidId, bidderNames[bidders[i] as number] as UserId];
      return [bidKey(bidderId, bidId), { bidId, bidderId, amount }];
    }),
  );
};
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
 * The auction's state as a snapshot. Version 3 = the state of `evolveAuction` as of this file,
 * bids in compact columns (version 2 spelled out every bidder and amount in the fold's order,
 * version 1 held tuples): bump it with any change to `evolveAuction`, `AuctionState` or this
 * encoding.
 */
export const auctionSnapshot: StateSerializer<AuctionState> = {
  schemaVersion: 3,
  encode(state) {
    if (state.status === 'NONE') return state;
    return { ...state, bids: toColumns([...state.bids.values()]) };
  },
  decode(stored) {
    const s = Stored.parse(stored);
    if (s.status === 'NONE') return s;
    const bids = fromColumns(s.bids);
    // Keys in the order `evolveAuction` builds them, so a decoded state serialises like a folded one.
    const standing = { terms: s.terms, endsAt: s.endsAt, latestEndsAt: s.latestEndsAt, highest: s.highest, bids };
    return s.status === 'OPEN'
      ? { status: 'OPEN', ...standing }
      : { status: 'CLOSED', ...standing, closedAt: s.closedAt };
  },
};
