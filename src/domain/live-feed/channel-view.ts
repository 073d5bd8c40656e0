import { AuctionClosed, AuctionExtended, AuctionOpened, BidPlaced } from '../auction/auction.events.js';
import {
  AuctionAttached,
  ChannelScheduled,
  LiveEnded,
  LiveStarted,
  PriceChanged,
  ProductListed,
  ViewerCountChanged,
} from '../channel/channel.events.js';
import type { z } from 'zod';
import { AUCTION_STREAM_PREFIX } from './feed-mapping.js';
import type { ChannelFeedEvent } from './feed-item.js';

export interface ProductView {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly price: number;
}

export interface AuctionView {
  readonly auctionId: string;
  readonly productId: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly currency: string;
  readonly startingPrice: number;
  readonly minIncrement: number;
  /** Viewers compute the countdown from this; the pipeline never ticks it. */
  readonly endsAt: number;
  readonly highestBid: { readonly bidId: string; readonly bidderId: string; readonly amount: number } | null;
  readonly bidCount: number;
  readonly minimumNextBid: number | null;
  readonly outcome:
    | null
    | { readonly outcome: 'SOLD'; readonly winnerId: string; readonly price: number }
    | { readonly outcome: 'NO_SALE' };
}

/**
 * What a viewer sees of a channel: the fold of its feed events. The server builds it for the
 * join snapshot and the viewer client keeps it up to date by applying the same events, so both
 * sides agree by construction. `versions` says which version of each stream it reflects.
 */
export interface ChannelView {
  readonly channelId: string;
  readonly status: 'UNKNOWN' | 'SCHEDULED' | 'LIVE' | 'ENDED';
  readonly title: string | null;
  readonly sellerId: string | null;
  readonly currency: string | null;
  readonly scheduledAt: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly viewerCount: number;
  readonly viewerCountAsOf: number | null;
  readonly products: Readonly<Record<string, ProductView>>;
  /** Auction id → the product it sells, as attached by the seller. */
  readonly attachedAuctions: Readonly<Record<string, string>>;
  readonly auctions: Readonly<Record<string, AuctionView>>;
  readonly versions: Readonly<Record<string, number>>;
}

export const emptyChannelView = (channelId: string): ChannelView => ({
  channelId,
  status: 'UNKNOWN',
  title: null,
  sellerId: null,
  currency: null,
  scheduledAt: null,
  startedAt: null,
  endedAt: null,
  viewerCount: 0,
  viewerCountAsOf: null,
  products: {},
  attachedAuctions: {},
  auctions: {},
  versions: {},
});

const read = <S extends z.ZodType>(schema: S, data: unknown): z.infer<S> | null => {
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : null;
};

/**
 * The view needs none of the anti-sniping terms, and a feed item mapped before `maxExtensionMs`
 * existed (in flight during a deploy) must still show the auction.
 */
const OpenedForView = AuctionOpened.schema.partial({ maxExtensionMs: true });

const applyAuction = (
  auctions: ChannelView['auctions'],
  auctionId: string,
  event: ChannelFeedEvent,
): ChannelView['auctions'] => {
  const current = auctions[auctionId];
  const set = (next: AuctionView): ChannelView['auctions'] => ({ ...auctions, [auctionId]: next });
  switch (event.sourceType) {
    case AuctionOpened.type: {
      const d = read(OpenedForView, event.data);
      if (!d) return auctions;
      return set({
        auctionId,
        productId: d.productId,
        status: 'OPEN',
        currency: d.currency,
        startingPrice: d.startingPrice,
        minIncrement: d.minIncrement,
        endsAt: d.endsAt,
        highestBid: null,
        bidCount: 0,
        minimumNextBid: d.startingPrice,
        outcome: null,
      });
    }
    case BidPlaced.type: {
      const d = read(BidPlaced.schema, event.data);
      if (!d || !current || current.status !== 'OPEN') return auctions;
      return set({
        ...current,
        highestBid: { bidId: d.bidId, bidderId: d.bidderId, amount: d.amount },
        bidCount: current.bidCount + 1,
        minimumNextBid: d.amount + current.minIncrement,
      });
    }
    case AuctionExtended.type: {
      const d = read(AuctionExtended.schema, event.data);
      return d && current ? set({ ...current, endsAt: d.endsAt }) : auctions;
    }
    case AuctionClosed.type: {
      const d = read(AuctionClosed.schema, event.data);
      if (!d || !current) return auctions;
      const outcome =
        d.outcome === 'SOLD'
          ? { outcome: 'SOLD' as const, winnerId: d.winnerId, price: d.price }
          : { outcome: 'NO_SALE' as const };
      return set({ ...current, status: 'CLOSED', minimumNextBid: null, outcome });
    }
    default:
      return auctions;
  }
};

const applyChannel = (view: ChannelView, event: ChannelFeedEvent): ChannelView => {
  switch (event.sourceType) {
    case ChannelScheduled.type: {
      const d = read(ChannelScheduled.schema, event.data);
      return d
        ? {
            ...view,
            status: 'SCHEDULED',
            title: d.title,
            sellerId: d.sellerId,
            currency: d.currency,
            scheduledAt: d.scheduledAt,
          }
        : view;
    }
    case LiveStarted.type: {
      const d = read(LiveStarted.schema, event.data);
      return d ? { ...view, status: 'LIVE', startedAt: d.startedAt } : view;
    }
    case LiveEnded.type: {
      const d = read(LiveEnded.schema, event.data);
      return d ? { ...view, status: 'ENDED', endedAt: d.endedAt } : view;
    }
    case ProductListed.type: {
      const d = read(ProductListed.schema, event.data);
      if (!d) return view;
      return {
        ...view,
        products: {
          ...view.products,
          [d.productId]: { productId: d.productId, name: d.name, category: d.category, price: d.price },
        },
      };
    }
    case PriceChanged.type: {
      const d = read(PriceChanged.schema, event.data);
      const product = d ? view.products[d.productId] : undefined;
      return d && product
        ? { ...view, products: { ...view.products, [d.productId]: { ...product, price: d.price } } }
        : view;
    }
    case ViewerCountChanged.type: {
      // A coalesced item carries the newest count of its run: applying it equals applying the run.
      const d = read(ViewerCountChanged.schema, event.data);
      return d ? { ...view, viewerCount: d.count, viewerCountAsOf: d.asOf } : view;
    }
    case AuctionAttached.type: {
      const d = read(AuctionAttached.schema, event.data);
      return d ? { ...view, attachedAuctions: { ...view.attachedAuctions, [d.auctionId]: d.productId } } : view;
    }
    default:
      return view;
  }
};

/**
 * Applies one feed event (possibly a coalesced run) to the view. The caller applies each
 * stream's versions once and in order; this function does not check them.
 */
export const applyFeedEvent = (view: ChannelView, event: ChannelFeedEvent): ChannelView => {
  const next = event.streamId.startsWith(AUCTION_STREAM_PREFIX)
    ? { ...view, auctions: applyAuction(view.auctions, event.streamId.slice(AUCTION_STREAM_PREFIX.length), event) }
    : applyChannel(view, event);
  return { ...next, versions: { ...next.versions, [event.streamId]: event.version } };
};

/** Auction ids of the channel that are still open. */
export const openAuctionIds = (view: ChannelView): string[] =>
  Object.values(view.auctions)
    .filter((a) => a.status === 'OPEN')
    .map((a) => a.auctionId);
