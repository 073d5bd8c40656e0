import { z } from 'zod';
import { AppliedPositions, isApplied, markApplied } from './applied-positions.js';
import type { FactPosition, RecommendationFact } from './recommendation-fact.js';

/** Bids and likes count in one-minute buckets over the last 15 minutes ("recent" popularity). */
export const BUCKET_MS = 60_000;
export const RECENT_WINDOW_MS = 15 * 60_000;
const MAX_PRODUCTS = 100;
const MAX_AUCTIONS = 200;
const MAX_APPLIED_STREAMS = 256;

const Bucket = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/**
 * One channel as the recommender sees it: whether it is live, how many watch, what it sells,
 * and recent activity. Built only from the facts of that channel's partition of the feed (its
 * own stream, its auctions, its signals), which arrive in order on one shard — so one writer
 * at a time updates a channel document.
 */
export const ChannelPopularity = z.object({
  channelId: z.string().min(1),
  title: z.string().nullable(),
  live: z.boolean(),
  viewers: z.number().int().nonnegative(),
  /** Measurement time of `viewers`: an older count never replaces a newer one. */
  viewersAsOf: z.number().int().nonnegative(),
  /** Listing order; a re-listed product keeps its place and takes the new category. */
  products: z.array(z.object({ productId: z.string().min(1), category: z.string().min(1) })),
  /** auctionId → productId, oldest first. */
  auctions: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
  /** [bucket start ms, count], ascending. */
  bids: z.array(Bucket),
  likes: z.array(Bucket),
  /** The latest fact time seen: buckets older than the window before it are dropped. */
  latestAt: z.number().int().nonnegative(),
  applied: AppliedPositions,
});
export type ChannelPopularity = z.infer<typeof ChannelPopularity>;

/** A user-taste change derived from a channel fact (bids and chat are about a user too). */
export interface TasteFact {
  readonly userId: string;
  readonly channelId: string;
  /** The category of the product bid on, when the channel knows the auction's product. */
  readonly category: string | null;
  readonly position: FactPosition;
}

export const emptyChannelPopularity = (channelId: string): ChannelPopularity => ({
  channelId,
  title: null,
  live: false,
  viewers: 0,
  viewersAsOf: 0,
  products: [],
  auctions: [],
  bids: [],
  likes: [],
  latestAt: 0,
  applied: [],
});

const addToBucket = (
  buckets: ChannelPopularity['bids'],
  at: number,
  count: number,
  latestAt: number,
): ChannelPopularity['bids'] => {
  const start = at - (at % BUCKET_MS);
  const horizon = latestAt - RECENT_WINDOW_MS - BUCKET_MS;
  if (start < horizon) return buckets.filter(([s]) => s >= horizon);
  const kept = buckets.filter(([s]) => s >= horizon && s !== start);
  const current = buckets.find(([s]) => s === start)?.[1] ?? 0;
  return [...kept, [start, current + count] as [number, number]].sort((a, b) => a[0] - b[0]);
};

/** The category of the product an auction sells, if this channel has seen both. */
export const categoryOfAuction = (doc: ChannelPopularity, auctionId: string): string | null => {
  const productId = doc.auctions.find(([id]) => id === auctionId)?.[1];
  return productId === undefined ? null : (doc.products.find((p) => p.productId === productId)?.category ?? null);
};

const tasteFactOf = (doc: ChannelPopularity, fact: RecommendationFact): TasteFact | null => {
  switch (fact.type) {
    case 'BID_PLACED':
      return {
        userId: fact.bidderId,
        channelId: fact.channelId,
        category: categoryOfAuction(doc, fact.auctionId),
        position: fact.position,
      };
    case 'CHAT_POSTED':
    case 'CHANNEL_WATCHED':
      return { userId: fact.userId, channelId: fact.channelId, category: null, position: fact.position };
    default:
      return null;
  }
};

const timeOf = (fact: RecommendationFact): number | null => {
  switch (fact.type) {
    case 'CHANNEL_SCHEDULED':
    case 'PRODUCT_LISTED':
      return null;
    case 'VIEWERS_COUNTED':
      return fact.asOf;
    default:
      return fact.at;
  }
};

const evolve = (doc: ChannelPopularity, fact: RecommendationFact): ChannelPopularity => {
  const latestAt = Math.max(doc.latestAt, timeOf(fact) ?? 0);
  const next = { ...doc, latestAt };
  switch (fact.type) {
    case 'CHANNEL_SCHEDULED':
      return { ...next, title: fact.title };
    case 'LIVE_STARTED':
      return { ...next, live: true };
    case 'LIVE_ENDED':
      return { ...next, live: false };
    case 'VIEWERS_COUNTED':
      return fact.asOf >= doc.viewersAsOf ? { ...next, viewers: fact.count, viewersAsOf: fact.asOf } : next;
    case 'PRODUCT_LISTED': {
      const at = doc.products.findIndex((p) => p.productId === fact.productId);
      const product = { productId: fact.productId, category: fact.category };
      const products = at === -1 ? [...doc.products, product].slice(-MAX_PRODUCTS) : doc.products.with(at, product);
      return { ...next, products };
    }
    case 'AUCTION_OPENED': {
      const auctions = [
        ...doc.auctions.filter(([id]) => id !== fact.auctionId),
        [fact.auctionId, fact.productId] as [string, string],
      ];
      return { ...next, auctions: auctions.slice(-MAX_AUCTIONS) };
    }
    case 'BID_PLACED':
      return { ...next, bids: addToBucket(doc.bids, fact.at, 1, latestAt) };
    case 'LIKES_RECEIVED':
      return { ...next, likes: addToBucket(doc.likes, fact.at, fact.count, latestAt) };
    case 'CHAT_POSTED':
    case 'CHANNEL_WATCHED':
      return next;
  }
};

/**
 * Applies one fact of this channel. A fact at or below the applied mark of its stream is a
 * redelivery: the document is returned unchanged. The taste fact (who bid or chatted here) is
 * returned either way, because the user's document has its own gate and may not have seen it
 * (a batch can fail after saving the channel and before saving the users).
 */
export const applyToChannel = (
  doc: ChannelPopularity,
  fact: RecommendationFact,
): { readonly doc: ChannelPopularity; readonly taste: TasteFact | null } => {
  if (fact.channelId !== doc.channelId) {
    throw new RangeError(`fact of channel ${fact.channelId} applied to the document of channel ${doc.channelId}`);
  }
  if (isApplied(doc.applied, fact.position)) return { doc, taste: tasteFactOf(doc, fact) };
  const evolved = { ...evolve(doc, fact), applied: markApplied(doc.applied, fact.position, MAX_APPLIED_STREAMS) };
  return { doc: evolved, taste: tasteFactOf(evolved, fact) };
};

/** Sum of the bucket counts within the recent window ending at `now`. */
export const recentCount = (buckets: ChannelPopularity['bids'], now: number): number =>
  buckets.reduce(
    (sum, [start, count]) => (start + BUCKET_MS > now - RECENT_WINDOW_MS && start <= now ? sum + count : sum),
    0,
  );
