import type { Decider } from '../shared/decider.js';
import { fail } from '../shared/errors.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import type { AuctionEvent } from './auction.events.js';
import { evolveAuction, initialAuctionState, type AuctionState } from './auction.state.js';

/** Times are epoch milliseconds supplied by the application layer; the domain reads no clock. */
export type AuctionCommand =
  | {
      readonly type: 'OpenAuction';
      readonly auctionId: AuctionId;
      readonly channelId: ChannelId;
      readonly sellerId: UserId;
      readonly productId: ProductId;
      readonly startingPrice: number;
      readonly minIncrement: number;
      readonly currency: string;
      readonly endsAt: number;
      readonly extendWindowMs?: number;
      readonly extendByMs?: number;
      readonly at: number;
    }
  | { readonly type: 'PlaceBid'; readonly bidId: BidId; readonly bidderId: UserId; readonly amount: number; readonly at: number }
  | { readonly type: 'CloseAuction'; readonly at: number };

export type AuctionErrorCode =
  | 'AUCTION_ALREADY_OPEN'
  | 'AUCTION_NOT_FOUND'
  | 'AUCTION_CLOSED'
  | 'AUCTION_ENDED'
  | 'AUCTION_NOT_ENDED'
  | 'BID_TOO_LOW'
  | 'SELLER_CANNOT_BID'
  | 'INVALID_TERMS';

/** The lowest amount the next bid may have. */
export const minimumNextBid = (state: AuctionState): number | null => {
  if (state.status !== 'OPEN') return null;
  return state.highest ? state.highest.amount + state.terms.minIncrement : state.terms.startingPrice;
};

const open = (c: Extract<AuctionCommand, { type: 'OpenAuction' }>, state: AuctionState): AuctionEvent[] => {
  if (state.status !== 'NONE') {
    // A redelivered OpenAuction for the same auction is already reflected in state.
    if (state.terms.auctionId === c.auctionId && state.terms.sellerId === c.sellerId) return [];
    return fail<AuctionErrorCode>('AUCTION_ALREADY_OPEN', `auction ${state.terms.auctionId} already exists`);
  }
  if (!Number.isInteger(c.startingPrice) || c.startingPrice <= 0) fail<AuctionErrorCode>('INVALID_TERMS', 'startingPrice must be a positive integer');
  if (!Number.isInteger(c.minIncrement) || c.minIncrement <= 0) fail<AuctionErrorCode>('INVALID_TERMS', 'minIncrement must be a positive integer');
  if (c.endsAt <= c.at) fail<AuctionErrorCode>('INVALID_TERMS', 'endsAt must be after the opening time');
  return [
    {
      type: 'AuctionOpened',
      data: {
        auctionId: c.auctionId,
        channelId: c.channelId,
        sellerId: c.sellerId,
        productId: c.productId,
        startingPrice: c.startingPrice,
        minIncrement: c.minIncrement,
        currency: c.currency,
        endsAt: c.endsAt,
        extendWindowMs: c.extendWindowMs ?? 0,
        extendByMs: c.extendByMs ?? 0,
        openedAt: c.at,
      },
    },
  ];
};

const placeBid = (c: Extract<AuctionCommand, { type: 'PlaceBid' }>, state: AuctionState): AuctionEvent[] => {
  if (state.status === 'NONE') return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', 'no auction is open on this stream');
  if (state.bidIds.has(c.bidId)) return []; // a retried bid: accepted once already
  if (state.status === 'CLOSED') return fail<AuctionErrorCode>('AUCTION_CLOSED', 'the auction is closed');
  if (c.at >= state.endsAt) return fail<AuctionErrorCode>('AUCTION_ENDED', 'the auction has ended', { endsAt: state.endsAt });
  if (c.bidderId === state.terms.sellerId) return fail<AuctionErrorCode>('SELLER_CANNOT_BID', 'the seller cannot bid on their own auction');
  const minimum = minimumNextBid(state) ?? 0;
  if (!Number.isInteger(c.amount) || c.amount < minimum) {
    return fail<AuctionErrorCode>('BID_TOO_LOW', `a bid must be at least ${minimum}`, { minimum });
  }
  const events: AuctionEvent[] = [{ type: 'BidPlaced', data: { bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, placedAt: c.at } }];
  const { extendWindowMs, extendByMs } = state.terms;
  if (extendWindowMs > 0 && state.endsAt - c.at <= extendWindowMs) {
    const endsAt = Math.max(state.endsAt, c.at + extendByMs);
    if (endsAt > state.endsAt) events.push({ type: 'AuctionExtended', data: { endsAt, byBidId: c.bidId } });
  }
  return events;
};

const close = (c: Extract<AuctionCommand, { type: 'CloseAuction' }>, state: AuctionState): AuctionEvent[] => {
  if (state.status === 'NONE') return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', 'no auction is open on this stream');
  if (state.status === 'CLOSED') return []; // closing is idempotent: the scheduler may fire twice
  if (c.at < state.endsAt) return fail<AuctionErrorCode>('AUCTION_NOT_ENDED', 'the auction has not reached its end time', { endsAt: state.endsAt });
  const h = state.highest;
  return [
    {
      type: 'AuctionClosed',
      data: h
        ? { outcome: 'SOLD', winnerId: h.bidderId, winningBidId: h.bidId, price: h.amount, closedAt: c.at }
        : { outcome: 'NO_SALE', closedAt: c.at },
    },
  ];
};

export const auctionDecider: Decider<AuctionCommand, AuctionEvent, AuctionState> = {
  initialState: initialAuctionState,
  evolve: evolveAuction,
  decide(command, state) {
    switch (command.type) {
      case 'OpenAuction':
        return open(command, state);
      case 'PlaceBid':
        return placeBid(command, state);
      case 'CloseAuction':
        return close(command, state);
    }
  },
};
