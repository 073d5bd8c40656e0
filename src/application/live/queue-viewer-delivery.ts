import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import type { ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';
import type { ViewerDelivery } from '../ports/viewer-delivery.port.js';
import { DEFAULT_MAX_MESSAGE_BYTES, planBroadcast } from './broadcast-plan.js';

export interface QueueViewerDeliveryDeps {
  readonly queue: MessageQueue<BroadcastMessage>;
  readonly registry: ConnectionRegistry;
  readonly maxMessageBytes?: number;
}

/** SQS SendMessageBatch takes at most 10 entries: the queue adapter splits, this only counts calls. */
const SQS_BATCH_ENTRIES = 10;

/**
 * The per-connection path (`apigateway`): one broadcast message per (channel shard, size chunk)
 * on the broadcast queue; the broadcast function then posts each to every connection of its
 * shard. A channel nobody watches (0 shards) costs nothing: a viewer who joins later starts
 * from the snapshot.
 */
export const makeQueueViewerDelivery = (deps: QueueViewerDeliveryDeps): ViewerDelivery => {
  const maxBytes = deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return {
    async deliver(channelId, items) {
      if (items.length === 0) return { messages: 0, calls: 0 };
      const shardCount = await deps.registry.shardCount(channelId);
      const messages = planBroadcast(channelId, items, shardCount, maxBytes);
      if (messages.length === 0) return { messages: 0, calls: 0 };
      await deps.queue.send(messages.map((body) => ({ body })));
      return { messages: messages.length, calls: Math.ceil(messages.length / SQS_BATCH_ENTRIES) };
    },
  };
};
