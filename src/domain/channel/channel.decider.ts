import type { Decider } from '../shared/decider.js';
import { fail } from '../shared/errors.js';
import type { AuctionId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import {
  ChannelScheduled,
  Currency,
  Price,
  ProductListed,
  ViewerCountChanged,
  type ChannelEvent,
} from './channel.events.js';
import { evolveChannel, initialChannelState, type ChannelState, type ExistingChannel } from './channel.state.js';

/**
 * Prices travel with their currency: a client that thinks in USD must not list 1999 in a KRW
 * channel by accident, so ListProduct and ChangePrice name the currency and the channel checks it.
 * Times are epoch milliseconds supplied by the application layer.
 */
export type ChannelCommand =
  | {
      readonly type: 'ScheduleChannel';
      readonly channelId: ChannelId;
      readonly sellerId: UserId;
      readonly title: string;
      readonly currency: string;
      readonly at: number;
    }
  | { readonly type: 'StartLive'; readonly at: number }
  | { readonly type: 'EndLive'; readonly at: number }
  | {
      readonly type: 'ListProduct';
      readonly productId: ProductId;
      readonly name: string;
      readonly category: string;
      readonly price: number;
      readonly currency: string;
    }
  | {
      readonly type: 'ChangePrice';
      readonly productId: ProductId;
      readonly price: number;
      readonly currency: string;
      readonly at: number;
    }
  /** `asOf` is when the count was measured, not when the command was sent. */
  | { readonly type: 'UpdateViewerCount'; readonly count: number; readonly asOf: number }
  | { readonly type: 'AttachAuction'; readonly auctionId: AuctionId; readonly productId: ProductId };

export type ChannelErrorCode =
  | 'CHANNEL_NOT_FOUND'
  | 'CHANNEL_ALREADY_SCHEDULED'
  | 'CHANNEL_NOT_LIVE'
  | 'CHANNEL_ENDED'
  | 'INVALID_CHANNEL'
  | 'INVALID_PRODUCT'
  | 'INVALID_PRICE'
  | 'CURRENCY_MISMATCH'
  | 'PRODUCT_NOT_FOUND'
  | 'PRODUCT_ALREADY_LISTED'
  | 'PRODUCT_LIMIT_REACHED'
  | 'INVALID_VIEWER_COUNT'
  | 'AUCTION_ALREADY_ATTACHED';

/** Keeps the channel's state (and the catalogue viewers download on join) small. */
export const MAX_PRODUCTS_PER_CHANNEL = 500;

type Cmd<T extends ChannelCommand['type']> = Extract<ChannelCommand, { type: T }>;

const valid = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown): boolean =>
  schema.safeParse(value).success;
const isTime = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** A channel that exists and has not ended: the only kind most commands may change. */
const openChannel = (state: ChannelState): Exclude<ExistingChannel, { status: 'ENDED' }> => {
  if (state.status === 'NONE')
    return fail<ChannelErrorCode>('CHANNEL_NOT_FOUND', 'no channel is scheduled on this stream');
  if (state.status === 'ENDED')
    return fail<ChannelErrorCode>('CHANNEL_ENDED', 'the live has ended; schedule a new channel', {
      endedAt: state.endedAt,
    });
  return state;
};

const checkPrice = (state: ExistingChannel, price: number, currency: string): void => {
  if (!valid(Price, price))
    fail<ChannelErrorCode>('INVALID_PRICE', 'price must be a positive integer amount of minor units', { price });
  if (currency !== state.profile.currency) {
    fail<ChannelErrorCode>('CURRENCY_MISMATCH', `this channel sells in ${state.profile.currency}, not ${currency}`, {
      expected: state.profile.currency,
      got: currency,
    });
  }
};

const schedule = (c: Cmd<'ScheduleChannel'>, state: ChannelState): ChannelEvent[] => {
  if (state.status !== 'NONE') {
    const p = state.profile;
    const same =
      p.channelId === c.channelId && p.sellerId === c.sellerId && p.title === c.title && p.currency === c.currency;
    if (state.status === 'ENDED')
      return fail<ChannelErrorCode>('CHANNEL_ENDED', 'the live has ended; schedule a new channel');
    if (same) return []; // a redelivered ScheduleChannel
    return fail<ChannelErrorCode>('CHANNEL_ALREADY_SCHEDULED', `channel ${p.channelId} is already scheduled`);
  }
  if (!valid(ChannelScheduled.schema.shape.title, c.title))
    fail<ChannelErrorCode>('INVALID_CHANNEL', 'title must be 1 to 200 characters');
  if (!valid(Currency, c.currency))
    fail<ChannelErrorCode>('INVALID_CHANNEL', 'currency must be an ISO 4217 code such as KRW');
  if (!isTime(c.at)) fail<ChannelErrorCode>('INVALID_CHANNEL', 'at must be epoch milliseconds');
  const { channelId, sellerId, title, currency, at } = c;
  return [{ type: 'ChannelScheduled', data: { channelId, sellerId, title, currency, scheduledAt: at } }];
};

const startLive = (c: Cmd<'StartLive'>, state: ChannelState): ChannelEvent[] => {
  const channel = openChannel(state);
  if (channel.status === 'LIVE') return [];
  return [{ type: 'LiveStarted', data: { startedAt: c.at } }];
};

const endLive = (c: Cmd<'EndLive'>, state: ChannelState): ChannelEvent[] => {
  if (state.status === 'ENDED') return []; // ending is idempotent; everything else after it is refused
  const channel = openChannel(state);
  if (channel.status !== 'LIVE')
    return fail<ChannelErrorCode>('CHANNEL_NOT_LIVE', 'only a live channel can end; start it first');
  return [{ type: 'LiveEnded', data: { endedAt: c.at } }];
};

const listProduct = (c: Cmd<'ListProduct'>, state: ChannelState): ChannelEvent[] => {
  const channel = openChannel(state);
  checkPrice(channel, c.price, c.currency);
  const { shape } = ProductListed.schema;
  if (!valid(shape.name, c.name)) fail<ChannelErrorCode>('INVALID_PRODUCT', 'name must be 1 to 200 characters');
  if (!valid(shape.category, c.category))
    fail<ChannelErrorCode>('INVALID_PRODUCT', 'category must be 1 to 60 characters');
  const listed = channel.products.get(c.productId);
  if (listed) {
    if (listed.name === c.name && listed.category === c.category && listed.listedPrice === c.price) return [];
    return fail<ChannelErrorCode>(
      'PRODUCT_ALREADY_LISTED',
      `product ${c.productId} is already listed; change its price instead`,
    );
  }
  if (channel.products.size >= MAX_PRODUCTS_PER_CHANNEL) {
    return fail<ChannelErrorCode>(
      'PRODUCT_LIMIT_REACHED',
      `a channel lists at most ${MAX_PRODUCTS_PER_CHANNEL} products`,
    );
  }
  const { productId, name, category, price } = c;
  return [{ type: 'ProductListed', data: { productId, name, price, category } }];
};

const changePrice = (c: Cmd<'ChangePrice'>, state: ChannelState): ChannelEvent[] => {
  const channel = openChannel(state);
  checkPrice(channel, c.price, c.currency);
  const product = channel.products.get(c.productId);
  if (!product)
    return fail<ChannelErrorCode>('PRODUCT_NOT_FOUND', `product ${c.productId} is not listed on this channel`);
  if (product.price === c.price) return [];
  return [
    {
      type: 'PriceChanged',
      data: { productId: c.productId, price: c.price, previousPrice: product.price, changedAt: c.at },
    },
  ];
};

const updateViewerCount = (c: Cmd<'UpdateViewerCount'>, state: ChannelState): ChannelEvent[] => {
  const channel = openChannel(state);
  if (!valid(ViewerCountChanged.schema, { count: c.count, asOf: c.asOf })) {
    fail<ChannelErrorCode>('INVALID_VIEWER_COUNT', 'count and asOf must be non-negative integers');
  }
  // Counts arrive from concurrent presence consumers: an older measurement never replaces a
  // newer one, and an unchanged count is not news for viewers.
  if (channel.viewerCountAsOf !== null && c.asOf <= channel.viewerCountAsOf) return [];
  if (c.count === channel.viewerCount) return [];
  return [{ type: 'ViewerCountChanged', data: { count: c.count, asOf: c.asOf } }];
};

const attachAuction = (c: Cmd<'AttachAuction'>, state: ChannelState): ChannelEvent[] => {
  const channel = openChannel(state);
  const attachedTo = channel.auctions.get(c.auctionId);
  if (attachedTo === c.productId) return [];
  if (attachedTo !== undefined) {
    return fail<ChannelErrorCode>(
      'AUCTION_ALREADY_ATTACHED',
      `auction ${c.auctionId} already sells product ${attachedTo}`,
    );
  }
  if (!channel.products.has(c.productId))
    return fail<ChannelErrorCode>('PRODUCT_NOT_FOUND', `product ${c.productId} is not listed on this channel`);
  return [{ type: 'AuctionAttached', data: { auctionId: c.auctionId, productId: c.productId } }];
};

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  initialState: initialChannelState,
  evolve: evolveChannel,
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleChannel':
        return schedule(command, state);
      case 'StartLive':
        return startLive(command, state);
      case 'EndLive':
        return endLive(command, state);
      case 'ListProduct':
        return listProduct(command, state);
      case 'ChangePrice':
        return changePrice(command, state);
      case 'UpdateViewerCount':
        return updateViewerCount(command, state);
      case 'AttachAuction':
        return attachAuction(command, state);
    }
  },
};
