import { z } from 'zod';
import { AuctionOpened, BidPlaced } from '../auction/auction.events.js';
import {
  ChannelScheduled,
  LiveEnded,
  LiveStarted,
  ProductListed,
  ViewerCountChanged,
} from '../channel/channel.events.js';
import type { ChannelFeedEvent, ChatSignal, FeedItem, LikeSignal, WatchSignal } from '../live-feed/feed-item.js';

/**
 * Where a fact sits in its source, for idempotency: `stream` is an event stream id
 * (`channel-c1`, `auction-a7`) with `seq` its version, or, for unversioned signals (likes,
 * chat), the feed shard with `seq` the record's sequence number. Within one `stream` positions
 * only grow, so a fact at or below the highest applied position is a redelivery.
 */
export const FactPosition = z.object({
  stream: z.string().min(1).max(256),
  // Kinesis sequence numbers are up to 128 decimal digits: too big for a JS number.
  seq: z.string().regex(/^\d{1,128}$/, 'seq must be a non-negative decimal integer'),
});
export type FactPosition = z.infer<typeof FactPosition>;

/** Compares two non-negative decimal integer strings numerically. */
export const compareSeq = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
};

const At = z.number().int().nonnegative();
const Id = z.string().min(1).max(128);
const Position = { position: FactPosition, channelId: Id };

/** What the recommender learns from the live feed, normalised from events and signals. */
export const RecommendationFact = z.discriminatedUnion('type', [
  z.object({ type: z.literal('CHANNEL_SCHEDULED'), ...Position, title: z.string().min(1).max(200) }),
  z.object({ type: z.literal('LIVE_STARTED'), ...Position, at: At }),
  z.object({ type: z.literal('LIVE_ENDED'), ...Position, at: At }),
  z.object({ type: z.literal('VIEWERS_COUNTED'), ...Position, count: z.number().int().nonnegative(), asOf: At }),
  z.object({ type: z.literal('PRODUCT_LISTED'), ...Position, productId: Id, category: z.string().min(1).max(60) }),
  z.object({ type: z.literal('AUCTION_OPENED'), ...Position, auctionId: Id, productId: Id, at: At }),
  z.object({ type: z.literal('BID_PLACED'), ...Position, auctionId: Id, bidderId: Id, at: At }),
  z.object({ type: z.literal('LIKES_RECEIVED'), ...Position, count: z.number().int().positive(), at: At }),
  z.object({ type: z.literal('CHAT_POSTED'), ...Position, userId: Id, at: At }),
  /** A signed-in viewer joined the channel (the WATCHED signal the WebSocket join publishes). */
  z.object({ type: z.literal('CHANNEL_WATCHED'), ...Position, userId: Id, at: At }),
]);
export type RecommendationFact = z.infer<typeof RecommendationFact>;

const AUCTION_PREFIX = 'auction-';

/**
 * The fact a viewer-facing feed event carries, or null when the recommender does not use that
 * event type (price changes, auction extensions…) or its body is not the current schema (the
 * relay decodes bodies to the current schema, so that means a newer producer; skipping is safe
 * because the model is rebuildable once this code knows the shape).
 */
export const factFromFeedEvent = (item: ChannelFeedEvent): RecommendationFact | null => {
  const position = { stream: item.streamId, seq: String(item.version) };
  const base = { position, channelId: item.channelId };
  switch (item.sourceType) {
    case ChannelScheduled.type: {
      const body = ChannelScheduled.schema.safeParse(item.data);
      return body.success ? { type: 'CHANNEL_SCHEDULED', ...base, title: body.data.title } : null;
    }
    case LiveStarted.type: {
      const body = LiveStarted.schema.safeParse(item.data);
      return body.success ? { type: 'LIVE_STARTED', ...base, at: body.data.startedAt } : null;
    }
    case LiveEnded.type: {
      const body = LiveEnded.schema.safeParse(item.data);
      return body.success ? { type: 'LIVE_ENDED', ...base, at: body.data.endedAt } : null;
    }
    case ViewerCountChanged.type: {
      const body = ViewerCountChanged.schema.safeParse(item.data);
      return body.success ? { type: 'VIEWERS_COUNTED', ...base, count: body.data.count, asOf: body.data.asOf } : null;
    }
    case ProductListed.type: {
      const body = ProductListed.schema.safeParse(item.data);
      return body.success
        ? { type: 'PRODUCT_LISTED', ...base, productId: body.data.productId, category: body.data.category }
        : null;
    }
    case AuctionOpened.type: {
      const body = AuctionOpened.schema.safeParse(item.data);
      return body.success
        ? {
            type: 'AUCTION_OPENED',
            ...base,
            auctionId: body.data.auctionId,
            productId: body.data.productId,
            at: body.data.openedAt,
          }
        : null;
    }
    case BidPlaced.type: {
      const body = BidPlaced.schema.safeParse(item.data);
      if (!body.success || !item.streamId.startsWith(AUCTION_PREFIX)) return null;
      const auctionId = item.streamId.slice(AUCTION_PREFIX.length);
      return { type: 'BID_PLACED', ...base, auctionId, bidderId: body.data.bidderId, at: body.data.placedAt };
    }
    default:
      return null;
  }
};

/** The fact of an ephemeral signal; `position` locates the record that carried it. */
export const factFromSignal = (
  signal: LikeSignal | ChatSignal | WatchSignal,
  position: FactPosition,
): RecommendationFact => {
  switch (signal.signal) {
    case 'LIKES':
      return { type: 'LIKES_RECEIVED', position, channelId: signal.channelId, count: signal.count, at: signal.at };
    case 'CHAT':
      return { type: 'CHAT_POSTED', position, channelId: signal.channelId, userId: signal.userId, at: signal.at };
    case 'WATCHED':
      return { type: 'CHANNEL_WATCHED', position, channelId: signal.channelId, userId: signal.userId, at: signal.at };
  }
};

/**
 * The fact of any feed item. Versioned events locate themselves by (streamId, version);
 * signals have no version, so the caller passes where the record sat (shard, sequence number).
 */
export const factFromFeedItem = (item: FeedItem, signalPosition: FactPosition): RecommendationFact | null =>
  item.kind === 'event' ? factFromFeedEvent(item) : factFromSignal(item, signalPosition);
