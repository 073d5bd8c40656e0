import { coalesce, groupByChannel } from '../../domain/live-feed/coalesce.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import type { ViewerDelivery } from '../ports/viewer-delivery.port.js';
import { makeQueueViewerDelivery, type QueueViewerDeliveryDeps } from './queue-viewer-delivery.js';

/** Where the coalesced items go; the queue's deps alone stand for the per-connection path. */
export type FanOutDeps = { readonly delivery: ViewerDelivery } | QueueViewerDeliveryDeps;

export interface FanOutResult {
  /** Channels with at least one item in the batch. */
  readonly channels: number;
  /** Items after coalescing, summed over channels. */
  readonly items: number;
  readonly messages: number;
  /** Backend calls the deliveries made (queue sends or publish requests). */
  readonly calls: number;
  /** Channels whose messages could not all be enqueued, with the reason; the caller retries their records. */
  readonly failed: ReadonlyMap<string, unknown>;
}

/**
 * F3: a batch of feed items → per channel (in arrival order), coalesced → the viewer delivery
 * (broadcast messages per channel shard on a queue, or one publish per channel batch to a
 * pub/sub service). Channels are independent: one channel's failure is reported, not allowed
 * to hold back the others.
 */
export const makeFanOut = (deps: FanOutDeps) => {
  const delivery = 'delivery' in deps ? deps.delivery : makeQueueViewerDelivery(deps);
  return async (items: readonly FeedItem[]): Promise<FanOutResult> => {
    const failed = new Map<string, unknown>();
    let itemCount = 0;
    let messageCount = 0;
    let callCount = 0;
    const groups = groupByChannel(items);
    await Promise.all(
      [...groups].map(async ([channelId, group]) => {
        try {
          const coalesced = coalesce(group);
          itemCount += coalesced.length;
          // Nothing for viewers (only WATCHED signals): no delivery at all.
          if (coalesced.length === 0) return;
          const receipt = await delivery.deliver(channelId, coalesced);
          messageCount += receipt.messages;
          callCount += receipt.calls;
        } catch (error) {
          failed.set(channelId, error);
        }
      }),
    );
    return { channels: groups.size, items: itemCount, messages: messageCount, calls: callCount, failed };
  };
};
export type FanOut = ReturnType<typeof makeFanOut>;
