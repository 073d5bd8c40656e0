import { coalesce, groupByChannel } from '../../domain/live-feed/coalesce.js';
import type { BroadcastMessage, FeedItem } from '../../domain/live-feed/feed-item.js';
import type { ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';
import { DEFAULT_MAX_MESSAGE_BYTES, planBroadcast } from './broadcast-plan.js';

export interface FanOutDeps {
  readonly queue: MessageQueue<BroadcastMessage>;
  readonly registry: ConnectionRegistry;
  readonly maxMessageBytes?: number;
}

export interface FanOutResult {
  /** Channels with at least one item in the batch. */
  readonly channels: number;
  /** Items after coalescing, summed over channels. */
  readonly items: number;
  readonly messages: number;
  /** Channels whose messages could not all be enqueued, with the reason; the caller retries their records. */
  readonly failed: ReadonlyMap<string, unknown>;
}

/**
 * F3: a batch of feed items → per channel (in arrival order), coalesced → one message per
 * (channel, shard) and size chunk → the broadcast queue. Channels are independent: one
 * channel's failure is reported, not allowed to hold back the others. A channel nobody
 * watches (0 shards) costs nothing; a viewer who joins later starts from the snapshot.
 */
export const makeFanOut = (deps: FanOutDeps) => {
  const maxBytes = deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return async (items: readonly FeedItem[]): Promise<FanOutResult> => {
    const failed = new Map<string, unknown>();
    let itemCount = 0;
    let messageCount = 0;
    const groups = groupByChannel(items);
    await Promise.all(
      [...groups].map(async ([channelId, group]) => {
        try {
          const coalesced = coalesce(group);
          itemCount += coalesced.length;
          // Nothing for viewers (only WATCHED signals): no shard lookup, no messages.
          if (coalesced.length === 0) return;
          const shardCount = await deps.registry.shardCount(channelId);
          const messages = planBroadcast(channelId, coalesced, shardCount, maxBytes);
          if (messages.length === 0) return;
          await deps.queue.send(messages.map((body) => ({ body })));
          messageCount += messages.length;
        } catch (error) {
          failed.set(channelId, error);
        }
      }),
    );
    return { channels: groups.size, items: itemCount, messages: messageCount, failed };
  };
};
export type FanOut = ReturnType<typeof makeFanOut>;
