import type { AuctionClosed, AuctionExtended, AuctionOpened, BidPlaced } from '../auction/auction.events.js';
import type {
  AuctionAttached,
  ChannelScheduled,
  LiveEnded,
  LiveStarted,
  PriceChanged,
  ProductListed,
  ViewerCountChanged,
} from '../channel/channel.events.js';
import type { z } from 'zod';
import type { ChannelFeedEvent } from './feed-item.js';
import { AUCTION_STREAM_PREFIX } from './stream-prefixes.js';

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

/*
 * Reading event data: small hand-written guards, not the events' zod schemas. This fold runs in
 * every viewer's browser (the pages and the reference client bundle it), and importing the
 * schemas put all of zod on that path: nearly all of a 764 KB bundle (unminified) for a dozen
 * field checks (docs/PROTOCOL.md, "Bundle size"). The server decodes and upcasts every body with the schemas
 * before it becomes a feed item (feed-mapping.ts), so here a guard only has to keep a malformed
 * item from corrupting the view: it checks the type of each field the view reads, and the
 * types below tie each guard's fields to its event's schema, so a renamed field does not compile.
 * test/domain/live-feed/channel-view-guards.test.ts checks them against the schemas.
 */
type DataOf<D extends { readonly schema: z.ZodType }> = z.infer<D['schema']>;
type Kind<V> = V extends string ? 'string' : V extends number ? 'int' : never;
type Fields<T> = { readonly [K in keyof T]-?: Kind<T[K]> };

const fieldOk = (value: unknown, kind: 'string' | 'int'): boolean =>
  kind === 'string' ? typeof value === 'string' && value !== '' : Number.isSafeInteger(value);

/** A guard reading `fields` of an event's data: the data typed as those fields, or null. */
const reader =
  <T>(fields: Fields<T>) =>
  (data: Readonly<Record<string, unknown>>): T | null => {
    for (const [key, kind] of Object.entries(fields) as [string, 'string' | 'int'][])
      if (!fieldOk(data[key], kind)) return null;
    return data as T;
  };

type Opened = Pick<
  DataOf<typeof AuctionOpened>,
  'productId' | 'currency' | 'startingPrice' | 'minIncrement' | 'endsAt'
>;
type Closed = DataOf<typeof AuctionClosed>;
type SoldFields = Pick<Extract<Closed, { outcome: 'SOLD' }>, 'winnerId' | 'price'>;

/** Event type names: each checked against its definition's `type` by the compiler. */
const OPENED: (typeof AuctionOpened)['type'] = 'AuctionOpened';
const BID_PLACED: (typeof BidPlaced)['type'] = 'BidPlaced';
const EXTENDED: (typeof AuctionExtended)['type'] = 'AuctionExtended';
const CLOSED: (typeof AuctionClosed)['type'] = 'AuctionClosed';
const SCHEDULED: (typeof ChannelScheduled)['type'] = 'ChannelScheduled';
const STARTED: (typeof LiveStarted)['type'] = 'LiveStarted';
const ENDED: (typeof LiveEnded)['type'] = 'LiveEnded';
const LISTED: (typeof ProductListed)['type'] = 'ProductListed';
const PRICE_CHANGED: (typeof PriceChanged)['type'] = 'PriceChanged';
const VIEWERS: (typeof ViewerCountChanged)['type'] = 'ViewerCountChanged';
const ATTACHED: (typeof AuctionAttached)['type'] = 'AuctionAttached';

/**
 * The view needs none of the anti-sniping terms, and a feed item mapped before `maxExtensionMs`
 * existed (in flight during a deploy) must still show the auction: only what the view reads is checked.
 */
export const readFeedData = {
  [OPENED]: reader<Opened>({
    productId: 'string',
    currency: 'string',
    startingPrice: 'int',
    minIncrement: 'int',
    endsAt: 'int',
  }),
  [BID_PLACED]: reader<Pick<DataOf<typeof BidPlaced>, 'bidId' | 'bidderId' | 'amount'>>({
    bidId: 'string',
    bidderId: 'string',
    amount: 'int',
  }),
  [EXTENDED]: reader<Pick<DataOf<typeof AuctionExtended>, 'endsAt'>>({ endsAt: 'int' }),
  [CLOSED]: (
    data: Readonly<Record<string, unknown>>,
  ): ({ outcome: 'SOLD' } & SoldFields) | { outcome: 'NO_SALE' } | null => {
    if (data['outcome'] === 'NO_SALE') return { outcome: 'NO_SALE' };
    const sold = data['outcome'] === 'SOLD' ? reader<SoldFields>({ winnerId: 'string', price: 'int' })(data) : null;
    return sold ? { outcome: 'SOLD', winnerId: sold.winnerId, price: sold.price } : null;
  },
  [SCHEDULED]: reader<Pick<DataOf<typeof ChannelScheduled>, 'title' | 'sellerId' | 'currency' | 'scheduledAt'>>({
    title: 'string',
    sellerId: 'string',
    currency: 'string',
    scheduledAt: 'int',
  }),
  [STARTED]: reader<DataOf<typeof LiveStarted>>({ startedAt: 'int' }),
  [ENDED]: reader<DataOf<typeof LiveEnded>>({ endedAt: 'int' }),
  [LISTED]: reader<Pick<DataOf<typeof ProductListed>, 'productId' | 'name' | 'category' | 'price'>>({
    productId: 'string',
    name: 'string',
    category: 'string',
    price: 'int',
  }),
  [PRICE_CHANGED]: reader<Pick<DataOf<typeof PriceChanged>, 'productId' | 'price'>>({
    productId: 'string',
    price: 'int',
  }),
  [VIEWERS]: reader<DataOf<typeof ViewerCountChanged>>({ count: 'int', asOf: 'int' }),
  [ATTACHED]: reader<DataOf<typeof AuctionAttached>>({ auctionId: 'string', productId: 'string' }),
} as const;

const applyAuction = (
  auctions: ChannelView['auctions'],
  auctionId: string,
  event: ChannelFeedEvent,
): ChannelView['auctions'] => {
  const current = auctions[auctionId];
  const set = (next: AuctionView): ChannelView['auctions'] => ({ ...auctions, [auctionId]: next });
  switch (event.sourceType) {
    case OPENED: {
      const d = readFeedData[OPENED](event.data);
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
    case BID_PLACED: {
      const d = readFeedData[BID_PLACED](event.data);
      if (!d || !current || current.status !== 'OPEN') return auctions;
      return set({
        ...current,
        highestBid: { bidId: d.bidId, bidderId: d.bidderId, amount: d.amount },
        bidCount: current.bidCount + 1,
        minimumNextBid: d.amount + current.minIncrement,
      });
    }
    case EXTENDED: {
      const d = readFeedData[EXTENDED](event.data);
      return d && current ? set({ ...current, endsAt: d.endsAt }) : auctions;
    }
    case CLOSED: {
      const d = readFeedData[CLOSED](event.data);
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
    case SCHEDULED: {
      const d = readFeedData[SCHEDULED](event.data);
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
    case STARTED: {
      const d = readFeedData[STARTED](event.data);
      return d ? { ...view, status: 'LIVE', startedAt: d.startedAt } : view;
    }
    case ENDED: {
      const d = readFeedData[ENDED](event.data);
      return d ? { ...view, status: 'ENDED', endedAt: d.endedAt } : view;
    }
    case LISTED: {
      const d = readFeedData[LISTED](event.data);
      if (!d) return view;
      return {
        ...view,
        products: {
          ...view.products,
          [d.productId]: { productId: d.productId, name: d.name, category: d.category, price: d.price },
        },
      };
    }
    case PRICE_CHANGED: {
      const d = readFeedData[PRICE_CHANGED](event.data);
      const product = d ? view.products[d.productId] : undefined;
      return d && product
        ? { ...view, products: { ...view.products, [d.productId]: { ...product, price: d.price } } }
        : view;
    }
    case VIEWERS: {
      // A coalesced item carries the newest count of its run: applying it equals applying the run.
      const d = readFeedData[VIEWERS](event.data);
      return d ? { ...view, viewerCount: d.count, viewerCountAsOf: d.asOf } : view;
    }
    case ATTACHED: {
      const d = readFeedData[ATTACHED](event.data);
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
