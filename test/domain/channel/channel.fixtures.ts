import type { ChannelCommand, ChannelEvent } from '../../../src/domain/channel/index.js';
import type { AuctionId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';

export const scheduleChannel: Extract<ChannelCommand, { type: 'ScheduleChannel' }> = {
  type: 'ScheduleChannel',
  channelId: 'c1' as ChannelId,
  sellerId: 'seller' as UserId,
  title: 'Winter coats live',
  currency: 'KRW',
  at: 1_000,
};
export const scheduled: ChannelEvent = {
  type: 'ChannelScheduled',
  data: {
    channelId: 'c1' as ChannelId,
    sellerId: 'seller' as UserId,
    title: 'Winter coats live',
    currency: 'KRW',
    scheduledAt: 1_000,
  },
};
export const started = (startedAt = 2_000): ChannelEvent => ({ type: 'LiveStarted', data: { startedAt } });
export const ended = (endedAt = 9_000): ChannelEvent => ({ type: 'LiveEnded', data: { endedAt } });

export const listProduct = (
  productId: string,
  price: number,
  currency = 'KRW',
  category = 'outerwear',
): ChannelCommand => ({
  type: 'ListProduct',
  productId: productId as ProductId,
  name: `Coat ${productId}`,
  category,
  price,
  currency,
});
export const listed = (productId: string, price: number, category = 'outerwear'): ChannelEvent => ({
  type: 'ProductListed',
  data: { productId: productId as ProductId, name: `Coat ${productId}`, price, category },
});
export const changePrice = (productId: string, price: number, at = 3_000, currency = 'KRW'): ChannelCommand => ({
  type: 'ChangePrice',
  productId: productId as ProductId,
  price,
  currency,
  at,
});
export const priceChanged = (
  productId: string,
  price: number,
  previousPrice: number,
  changedAt = 3_000,
): ChannelEvent => ({
  type: 'PriceChanged',
  data: { productId: productId as ProductId, price, previousPrice, changedAt },
});
export const updateViewerCount = (count: number, asOf: number): ChannelCommand => ({
  type: 'UpdateViewerCount',
  count,
  asOf,
});
export const viewerCountChanged = (count: number, asOf: number): ChannelEvent => ({
  type: 'ViewerCountChanged',
  data: { count, asOf },
});
export const attachAuction = (auctionId: string, productId: string): ChannelCommand => ({
  type: 'AttachAuction',
  auctionId: auctionId as AuctionId,
  productId: productId as ProductId,
});
export const auctionAttached = (auctionId: string, productId: string): ChannelEvent => ({
  type: 'AuctionAttached',
  data: { auctionId: auctionId as AuctionId, productId: productId as ProductId },
});
