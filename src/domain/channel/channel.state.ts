import type { AuctionId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import type { ChannelEvent } from './channel.events.js';

export interface ChannelProfile {
  readonly channelId: ChannelId;
  readonly sellerId: UserId;
  readonly title: string;
  /** Every price of the channel is in this currency; it never changes. */
  readonly currency: string;
  readonly scheduledAt: number;
}

export interface ListedProduct {
  readonly productId: ProductId;
  readonly name: string;
  readonly category: string;
  /** Current price, in minor units of the channel's currency. */
  readonly price: number;
  /** The price it was listed at, so a redelivered ListProduct is still recognised after a price change. */
  readonly listedPrice: number;
}

interface ChannelBody {
  readonly profile: ChannelProfile;
  /**
   * Bounded by `MAX_PRODUCTS_PER_CHANNEL`, so copying it on a listing or price change stays
   * cheap; viewer-count events (the frequent ones) share it untouched.
   */
  readonly products: ReadonlyMap<string, ListedProduct>;
  /** Attached auctions: auction id → the product it sells. */
  readonly auctions: ReadonlyMap<string, ProductId>;
  readonly viewerCount: number;
  /** When the applied count was measured; null before the first one. */
  readonly viewerCountAsOf: number | null;
}

export type ChannelState =
  | { readonly status: 'NONE' }
  | ({ readonly status: 'SCHEDULED' } & ChannelBody)
  | ({ readonly status: 'LIVE'; readonly startedAt: number } & ChannelBody)
  | ({ readonly status: 'ENDED'; readonly startedAt: number; readonly endedAt: number } & ChannelBody);

export type ExistingChannel = Exclude<ChannelState, { status: 'NONE' }>;

export const initialChannelState: ChannelState = { status: 'NONE' };

export const evolveChannel = (state: ChannelState, event: ChannelEvent): ChannelState => {
  if (event.type === 'ChannelScheduled') {
    const { channelId, sellerId, title, currency, scheduledAt } = event.data;
    return {
      status: 'SCHEDULED',
      profile: { channelId, sellerId, title, currency, scheduledAt },
      products: new Map(),
      auctions: new Map(),
      viewerCount: 0,
      viewerCountAsOf: null,
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'LiveStarted':
      return state.status === 'SCHEDULED' ? { ...state, status: 'LIVE', startedAt: event.data.startedAt } : state;
    case 'LiveEnded':
      return state.status === 'LIVE' ? { ...state, status: 'ENDED', endedAt: event.data.endedAt } : state;
    case 'ProductListed': {
      const { productId, name, category, price } = event.data;
      const products = new Map(state.products).set(productId, { productId, name, category, price, listedPrice: price });
      return { ...state, products };
    }
    case 'PriceChanged': {
      const product = state.products.get(event.data.productId);
      if (!product) return state;
      return {
        ...state,
        products: new Map(state.products).set(product.productId, { ...product, price: event.data.price }),
      };
    }
    case 'ViewerCountChanged':
      return { ...state, viewerCount: event.data.count, viewerCountAsOf: event.data.asOf };
    case 'AuctionAttached':
      return { ...state, auctions: new Map(state.auctions).set(event.data.auctionId, event.data.productId) };
  }
};

/** The product an auction of this channel sells, if the auction is attached. */
export const attachedProduct = (state: ChannelState, auctionId: AuctionId | string): ListedProduct | null => {
  if (state.status === 'NONE') return null;
  const productId = state.auctions.get(auctionId);
  return productId === undefined ? null : (state.products.get(productId) ?? null);
};
