import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentMap } from '../shared/persistent-map.js';
import type { AuctionEvent } from './auction.events.js';

/** A bid the auction took: by whom, under which of their ids, for how much. */
export interface AcceptedBid {
  readonly bidId: BidId;
  readonly bidderId: UserId;
  readonly amount: number;
}

export interface AuctionTerms {
  readonly auctionId: AuctionId;
  readonly channelId: ChannelId;
  readonly sellerId: UserId;
  readonly productId: ProductId;
  readonly startingPrice: number;
  readonly minIncrement: number;
  readonly currency: string;
  readonly extendWindowMs: number;
  readonly extendByMs: number;
  readonly maxExtensionMs: number;
}

/**
 * A bid is identified by its bidder and the bidder's own bid id: ids are chosen by clients, so
 * an id alone would let one bidder's guessable id swallow another's bid. The bidder's length
 * prefix keeps the key unambiguous whatever characters the two ids hold.
 */
export const bidKey = (bidderId: UserId, bidId: BidId): string => `${bidderId.length}:${bidderId}${bidId}`;

/** The bidder and bid id a `bidKey` was made of. */
export const splitBidKey = (key: string): { bidderId: UserId; bidId: BidId } => {
  const colon = key.indexOf(':');
  const end = colon + 1 + Number(key.slice(0, colon));
  return { bidderId: key.slice(colon + 1, end) as UserId, bidId: key.slice(end) as BidId };
};

interface Standing {
  readonly terms: AuctionTerms;
  readonly endsAt: number;
  /** The end as opened plus `maxExtensionMs`: no extension goes past it. */
  readonly latestEndsAt: number;
  readonly highest: AcceptedBid | null;
  /**
   * Accepted bids by `bidKey`, so a retry is recognised (no event) and a reused id with other
   * terms is refused. Persistent (shared structure): a hot auction folds thousands of
   * BidPlaced, and copying a map per event would make the replay quadratic.
   */
  readonly bids: PersistentMap<AcceptedBid>;
}

export type AuctionState =
  | { readonly status: 'NONE' }
  | (Standing & { readonly status: 'OPEN' })
  | (Standing & { readonly status: 'CLOSED'; readonly closedAt: number });

/** The bid this bidder placed under this id, if it was accepted. */
export const acceptedBid = (state: AuctionState, bidderId: UserId, bidId: BidId): AcceptedBid | undefined =>
  state.status === 'NONE' ? undefined : state.bids.get(bidKey(bidderId, bidId));

export const initialAuctionState: AuctionState = { status: 'NONE' };

export const evolveAuction = (state: AuctionState, event: AuctionEvent): AuctionState => {
  switch (event.type) {
    case 'AuctionOpened': {
      const { endsAt, openedAt: _openedAt, ...terms } = event.data;
      return {
        status: 'OPEN',
        terms,
        endsAt,
        latestEndsAt: endsAt + terms.maxExtensionMs,
        highest: null,
        bids: PersistentMap.empty(),
      };
    }
    case 'BidPlaced': {
      if (state.status !== 'OPEN') return state;
      const { bidId, bidderId, amount } = event.data;
      const placed = { bidId, bidderId, amount };
      return { ...state, highest: placed, bids: state.bids.set(bidKey(bidderId, bidId), placed) };
    }
    case 'AuctionExtended':
      return state.status === 'OPEN' ? { ...state, endsAt: event.data.endsAt } : state;
    case 'AuctionClosed':
      return state.status === 'OPEN' ? { ...state, status: 'CLOSED', closedAt: event.data.closedAt } : state;
  }
};
