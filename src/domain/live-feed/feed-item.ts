import { z } from 'zod';

/**
 * What viewers receive. Two kinds travel the same fan-out (Kinesis → SQS → WebSocket):
 *  - `event`: a versioned event of a channel-related stream (the channel's own stream or one of
 *    its auctions). Viewers apply each (streamId, version) once, in order, and recover gaps.
 *    A coalesced run of consecutive versions of one stream (e.g. several viewer counts) is one
 *    item covering `fromVersion..version`, carrying only the newest data — versions are never
 *    dropped, only merged.
 *  - `signal`: ephemeral, unversioned traffic (chat, likes) that is deliberately NOT part of
 *    the Channel aggregate: at stampede scale it would make the channel a hot stream.
 * One signal travels the feed for its other consumers only: WATCHED (a signed-in viewer joined
 * a channel), the recommender's "channels watched" history. `coalesce` drops it, so it never
 * reaches a viewer (it names who watches).
 */
export const FeedEventType = z.enum([
  'CHANNEL_SCHEDULED',
  'LIVE_STARTED',
  'LIVE_ENDED',
  'PRODUCT_LISTED',
  'PRICE_UPDATED',
  'VIEWER_COUNT_CHANGED',
  'AUCTION_ATTACHED',
  'AUCTION_UPDATED',
]);
export type FeedEventType = z.infer<typeof FeedEventType>;

export const ChannelFeedEvent = z.object({
  kind: z.literal('event'),
  channelId: z.string().min(1),
  streamId: z.string().min(1),
  eventType: FeedEventType,
  /** The domain event's own type, e.g. `BidPlaced` for an AUCTION_UPDATED. */
  sourceType: z.string().min(1),
  version: z.number().int().positive(),
  /** Set when this item stands for the coalesced run fromVersion..version. */
  fromVersion: z.number().int().positive().optional(),
  occurredAt: z.number().int().nonnegative(),
  data: z.record(z.string(), z.unknown()),
});
export type ChannelFeedEvent = z.infer<typeof ChannelFeedEvent>;

export const ChatSignal = z.object({
  kind: z.literal('signal'),
  signal: z.literal('CHAT'),
  channelId: z.string().min(1),
  messageId: z.string().min(1),
  userId: z.string().min(1),
  text: z.string().min(1).max(500),
  at: z.number().int().nonnegative(),
});
export const LikeSignal = z.object({
  kind: z.literal('signal'),
  signal: z.literal('LIKES'),
  channelId: z.string().min(1),
  /** Likes are summed when coalesced: one item says "N more likes". */
  count: z.number().int().positive(),
  at: z.number().int().nonnegative(),
});
/** A signed-in viewer joined the channel: for feed consumers (recommendations), never for viewers. */
export const WatchSignal = z.object({
  kind: z.literal('signal'),
  signal: z.literal('WATCHED'),
  channelId: z.string().min(1),
  userId: z.string().min(1),
  at: z.number().int().nonnegative(),
});
export type ChatSignal = z.infer<typeof ChatSignal>;
export type LikeSignal = z.infer<typeof LikeSignal>;
export type WatchSignal = z.infer<typeof WatchSignal>;

export const FeedItem = z.discriminatedUnion('kind', [
  ChannelFeedEvent,
  z.discriminatedUnion('signal', [ChatSignal, LikeSignal, WatchSignal]),
]);
export type FeedItem = z.infer<typeof FeedItem>;

/** A targeted retry addresses at most one shard's worth of connections. */
export const MAX_RETRY_TARGETS = 10_000;

/**
 * One SQS broadcast message: the items of one channel for the connections of one shard.
 * A retry of the connections a post could not reach names them in `connectionIds` (and counts
 * `attempt`), so the rest of the shard is not sent the frame twice.
 */
export const BroadcastMessage = z.object({
  channelId: z.string().min(1),
  shardNo: z.number().int().nonnegative(),
  payload: z.object({ channelId: z.string().min(1), items: z.array(FeedItem).min(1) }),
  connectionIds: z.array(z.string().min(1)).min(1).max(MAX_RETRY_TARGETS).optional(),
  attempt: z.number().int().nonnegative().optional(),
});
export type BroadcastMessage = z.infer<typeof BroadcastMessage>;
