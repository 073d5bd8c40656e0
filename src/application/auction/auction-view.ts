import { minimumNextBid, type AuctionState } from '../../domain/auction/index.js';

/** What `GET /api/auctions/{id}` and bid answers show: the terms and the standing, never bid ids. */
export interface AuctionView {
  readonly auctionId: string;
  readonly channelId: string;
  readonly productId: string;
  readonly sellerId: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly currency: string;
  readonly startingPrice: number;
  readonly minIncrement: number;
  readonly endsAt: number;
  /** Anti-sniping: a bid this close to the end moves it to `extendByMs` after the bid… */
  readonly extendWindowMs: number;
  readonly extendByMs: number;
  readonly maxExtensionMs: number;
  /** …but never past this (the end as opened plus `maxExtensionMs`). */
  readonly latestEndsAt: number;
  readonly highest: { readonly bidderId: string; readonly amount: number } | null;
  /** The lowest acceptable next bid; null once closed. */
  readonly minimumNextBid: number | null;
  readonly closedAt: number | null;
}

export const auctionView = (state: Exclude<AuctionState, { status: 'NONE' }>): AuctionView => ({
  auctionId: state.terms.auctionId,
  channelId: state.terms.channelId,
  productId: state.terms.productId,
  sellerId: state.terms.sellerId,
  status: state.status,
  currency: state.terms.currency,
  startingPrice: state.terms.startingPrice,
  minIncrement: state.terms.minIncrement,
  endsAt: state.endsAt,
  extendWindowMs: state.terms.extendWindowMs,
  extendByMs: state.terms.extendByMs,
  maxExtensionMs: state.terms.maxExtensionMs,
  latestEndsAt: state.latestEndsAt,
  highest: state.highest ? { bidderId: state.highest.bidderId, amount: state.highest.amount } : null,
  minimumNextBid: minimumNextBid(state),
  closedAt: state.status === 'CLOSED' ? state.closedAt : null,
});
