import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentSet } from '../shared/persistent-map.js';
import type { AuctionEvent } from './auction.events.js';

export interface HighestBid {
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
}

export type AuctionState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'OPEN';
      readonly terms: AuctionTerms;
      readonly endsAt: number;
      readonly highest: HighestBid | null;
      /**
       * Accepted bid ids, so a retried bid is recognised and yields no event. Persistent (shared
       * structure): a hot auction folds thousands of BidPlaced, and copying a Set per event
       * would make the replay quadratic.
       */
      readonly bidIds: PersistentSet;
    }
  | {
      readonly status: 'CLOSED';
      readonly terms: AuctionTerms;
      readonly endsAt: number;
      readonly highest: HighestBid | null;
      readonly bidIds: PersistentSet;
      readonly closedAt: number;
    };

export const initialAuctionState: AuctionState = { status: 'NONE' };

export const evolveAuction = (state: AuctionState, event: AuctionEvent): AuctionState => {
  switch (event.type) {
    case 'AuctionOpened': {
      const { endsAt, openedAt: _openedAt, ...terms } = event.data;
      return { status: 'OPEN', terms, endsAt, highest: null, bidIds: PersistentSet.empty() };
    }
    case 'BidPlaced': {
      if (state.status !== 'OPEN') return state;
      const { bidId, bidderId, amount } = event.data;
      return { ...state, highest: { bidId, bidderId, amount }, bidIds: state.bidIds.add(bidId) };
    }
    case 'AuctionExtended':
      return state.status === 'OPEN' ? { ...state, endsAt: event.data.endsAt } : state;
    case 'AuctionClosed':
      return state.status === 'OPEN' ? { ...state, status: 'CLOSED', closedAt: event.data.closedAt } : state;
  }
};
