import type { Decider } from '../shared/decider.js';
import { fail } from '../shared/errors.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { AuctionOpened, DEFAULT_MAX_EXTENSION_MS, Money, type AuctionEvent } from './auction.events.js';
import { acceptedBid, evolveAuction, initialAuctionState, type AuctionState } from './auction.state.js';
import { auctionSnapshot } from './auction.snapshot.js';

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
      /** Bound on all extensions together; `DEFAULT_MAX_EXTENSION_MS` when not given. */
      readonly maxExtensionMs?: number;
      readonly at: number;
    }
  | {
      readonly type: 'PlaceBid';
      readonly bidId: BidId;
      readonly bidderId: UserId;
      readonly amount: number;
      readonly at: number;
    }
  | { readonly type: 'CloseAuction'; readonly at: number };

export type AuctionErrorCode =
  | 'AUCTION_ALREADY_OPEN'
  | 'AUCTION_NOT_FOUND'
  | 'AUCTION_CLOSED'
  | 'AUCTION_ENDED'
  | 'AUCTION_NOT_ENDED'
  | 'BID_TOO_LOW'
  | 'SELLER_CANNOT_BID'
  | 'INVALID_BID'
  | 'BID_ID_REUSED'
  | 'INVALID_TERMS';

const isMoney = (n: number): boolean => Money.safeParse(n).success;
const isDuration = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

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
  // Checked here, not only at the edge: an event that failed its schema on append would surface
  // as a crash instead of a rule the caller can act on.
  if (!isMoney(c.startingPrice))
    fail<AuctionErrorCode>('INVALID_TERMS', 'startingPrice must be a positive integer amount of minor units');
  if (!isMoney(c.minIncrement))
    fail<AuctionErrorCode>('INVALID_TERMS', 'minIncrement must be a positive integer amount of minor units');
  if (!AuctionOpened.schema.shape.currency.safeParse(c.currency).success)
    fail<AuctionErrorCode>('INVALID_TERMS', 'currency must be an ISO 4217 code such as KRW');
  if (!isDuration(c.at) || !isDuration(c.endsAt) || c.endsAt <= c.at)
    fail<AuctionErrorCode>('INVALID_TERMS', 'endsAt must be after the opening time');
  if (!isDuration(c.extendWindowMs ?? 0) || !isDuration(c.extendByMs ?? 0)) {
    fail<AuctionErrorCode>('INVALID_TERMS', 'extendWindowMs and extendByMs must be non-negative integers');
  }
  const maxExtensionMs = c.maxExtensionMs ?? DEFAULT_MAX_EXTENSION_MS;
  if (!isDuration(maxExtensionMs) || !isDuration(c.endsAt + maxExtensionMs)) {
    fail<AuctionErrorCode>('INVALID_TERMS', 'maxExtensionMs must be a non-negative integer');
  }
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
        maxExtensionMs,
        openedAt: c.at,
      },
    },
  ];
};

const placeBid = (c: Extract<AuctionCommand, { type: 'PlaceBid' }>, state: AuctionState): AuctionEvent[] => {
  if (state.status === 'NONE') return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', 'no auction is open on this stream');
  const earlier = acceptedBid(state, c.bidderId, c.bidId);
  if (earlier) {
    // The same bidder, the same id, the same amount: a retry of a bid already taken (even after
    // the close). Another amount under that id is not a retry, and silently answering it as
    // one would tell the bidder a bid stands that was never placed.
    if (earlier.amount === c.amount) return [];
    return fail<AuctionErrorCode>('BID_ID_REUSED', `bid ${c.bidId} was already placed with another amount`, {
      field: 'bidId',
      amount: earlier.amount,
    });
  }
  if (state.status === 'CLOSED') return fail<AuctionErrorCode>('AUCTION_CLOSED', 'the auction is closed');
  if (c.at >= state.endsAt)
    return fail<AuctionErrorCode>('AUCTION_ENDED', 'the auction has ended', { endsAt: state.endsAt });
  if (c.bidderId === state.terms.sellerId)
    return fail<AuctionErrorCode>('SELLER_CANNOT_BID', 'the seller cannot bid on their own auction');
  if (!isMoney(c.amount))
    return fail<AuctionErrorCode>('INVALID_BID', 'a bid must be a positive integer amount of minor units');
  const minimum = minimumNextBid(state) ?? 0;
  if (c.amount < minimum)
    return fail<AuctionErrorCode>('BID_TOO_LOW', `a bid must be at least ${minimum}`, { minimum });
  const events: AuctionEvent[] = [
    { type: 'BidPlaced', data: { bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, placedAt: c.at } },
  ];
  const { extendWindowMs, extendByMs } = state.terms;
  if (extendWindowMs > 0 && state.endsAt - c.at <= extendWindowMs) {
    // Bounded, or a bot bidding in every window would keep the auction open for ever.
    const endsAt = Math.min(state.latestEndsAt, Math.max(state.endsAt, c.at + extendByMs));
    if (endsAt > state.endsAt) events.push({ type: 'AuctionExtended', data: { endsAt, byBidId: c.bidId } });
  }
  return events;
};

const close = (c: Extract<AuctionCommand, { type: 'CloseAuction' }>, state: AuctionState): AuctionEvent[] => {
  if (state.status === 'NONE') return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', 'no auction is open on this stream');
  if (state.status === 'CLOSED') return []; // closing is idempotent: the scheduler may fire twice
  if (c.at < state.endsAt)
    return fail<AuctionErrorCode>('AUCTION_NOT_ENDED', 'the auction has not reached its end time', {
      endsAt: state.endsAt,
    });
  const h = state.highest;
  return [
    {
      type: 'AuctionClosed',
      data: h
        ? {
            outcome: 'SOLD',
            winnerId: h.bidderId,
            winningBidId: h.bidId,
            price: h.amount,
            currency: state.terms.currency,
            closedAt: c.at,
          }
        : { outcome: 'NO_SALE', closedAt: c.at },
    },
  ];
};

export const auctionDecider: Decider<AuctionCommand, AuctionEvent, AuctionState> = {
  initialState: initialAuctionState,
  evolve: evolveAuction,
  snapshot: auctionSnapshot,
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
