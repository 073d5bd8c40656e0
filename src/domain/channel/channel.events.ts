import { z } from 'zod';
import { defineEvent, type EventsOf } from '../shared/codec.js';
import { AuctionId, ChannelId, ProductId, UserId } from '../shared/ids.js';

const At = z.number().int().nonnegative();
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as KRW');
export const Price = z.number().int().positive().max(100_000_000_000);

export const ChannelScheduled = defineEvent(
  'ChannelScheduled',
  z.object({
    channelId: ChannelId,
    sellerId: UserId,
    title: z.string().min(1).max(200),
    currency: Currency,
    scheduledAt: At,
  }),
);
export const LiveStarted = defineEvent('LiveStarted', z.object({ startedAt: At }));
export const LiveEnded = defineEvent('LiveEnded', z.object({ endedAt: At }));
/** Every product has a category (recommendations group by it); before v2 it had none. */
export const DEFAULT_PRODUCT_CATEGORY = 'general';
export const ProductListed = defineEvent(
  'ProductListed',
  z.object({
    productId: ProductId,
    name: z.string().min(1).max(200),
    price: Price,
    category: z.string().min(1).max(60),
  }),
  {
    schemaVersion: 2,
    // v1 listings had no category: they count as 'general', the category recommendations fall back to.
    upcasters: { 1: (old) => ({ category: DEFAULT_PRODUCT_CATEGORY, ...(old as object) }) },
  },
);
export const PriceChanged = defineEvent(
  'PriceChanged',
  z.object({ productId: ProductId, price: Price, previousPrice: Price, changedAt: At }),
);
/** `asOf` is when the count was measured: an older measurement never replaces a newer one. */
export const ViewerCountChanged = defineEvent(
  'ViewerCountChanged',
  z.object({ count: z.number().int().nonnegative(), asOf: At }),
);
export const AuctionAttached = defineEvent('AuctionAttached', z.object({ auctionId: AuctionId, productId: ProductId }));

export const channelEventDefinitions = [
  ChannelScheduled,
  LiveStarted,
  LiveEnded,
  ProductListed,
  PriceChanged,
  ViewerCountChanged,
  AuctionAttached,
] as const;
/** Derived from the definitions: an event missing from the array is missing from the union. */
export type ChannelEvent = EventsOf<typeof channelEventDefinitions>;
