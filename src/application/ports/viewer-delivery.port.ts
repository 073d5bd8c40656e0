import type { FeedItem } from '../../domain/live-feed/feed-item.js';

/** What one delivery cost: backend calls made (queue sends or publish requests), the figure the fan-out bench compares. */
export interface DeliveryReceipt {
  /** Messages or events handed to the backend (broadcast messages, published events). */
  readonly messages: number;
  /** Backend API calls (SQS SendMessageBatch calls, AppSync publish requests), retries included. */
  readonly calls: number;
}

/**
 * The fan-out's output: "deliver these feed items of channel C to its viewers". Items arrive
 * coalesced and in the channel's order. Delivery is at least once: a throw means the items may
 * not all have left, and the caller retries them (viewers drop repeats by stream version).
 *  - per connection (the original path): broadcast messages per channel shard on a queue, then
 *    one PostToConnection per viewer;
 *  - pub/sub (AppSync Events): one publish per channel batch; the service fans out.
 */
export interface ViewerDelivery {
  deliver(channelId: string, items: readonly FeedItem[]): Promise<DeliveryReceipt>;
}
