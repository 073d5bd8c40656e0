import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import type { ConnectionGateway } from '../ports/connection-gateway.port.js';
import type { ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';

/** The frame a viewer receives for a broadcast message. */
export interface FeedFrame {
  readonly type: 'feed';
  readonly channelId: string;
  readonly items: BroadcastMessage['payload']['items'];
}

export interface BroadcastDeps {
  readonly registry: ConnectionRegistry;
  readonly gateway: ConnectionGateway;
  /** Where retries for unreachable connections go (the broadcast queue itself). */
  readonly retryQueue: MessageQueue<BroadcastMessage>;
  /** Targeted retries before a connection is given up for this frame (the viewer then recovers the gap over HTTP). */
  readonly maxRetries?: number;
  readonly retryDelaySeconds?: number;
}

export interface BroadcastResult {
  readonly delivered: number;
  /** Connections that were gone (410) and have been removed from the registry. */
  readonly gone: readonly string[];
  /** Connections that could not be reached and were queued for a retry. */
  readonly retried: readonly string[];
  /** Connections given up for this frame after `maxRetries`. */
  readonly abandoned: readonly string[];
}

/**
 * F4: one broadcast message → one frame → every connection of the channel shard (or just the
 * connections a retry names). A gone connection is removed and is not an error: viewers leave
 * all the time. Connections that fail otherwise get a delayed retry message of their own, so
 * the rest of the shard does not receive the frame twice; only if that retry cannot be queued
 * does the call throw (and the whole message is redelivered — duplicates are harmless, viewers
 * apply each version once).
 */
export const makeBroadcast = (deps: BroadcastDeps) => {
  const maxRetries = deps.maxRetries ?? 3;
  return async (message: BroadcastMessage): Promise<BroadcastResult> => {
    const targets = message.connectionIds ?? (await deps.registry.connectionsIn(message.channelId, message.shardNo));
    if (targets.length === 0) return { delivered: 0, gone: [], retried: [], abandoned: [] };
    const frame: FeedFrame = { type: 'feed', channelId: message.channelId, items: message.payload.items };
    const result = await deps.gateway.post(targets, JSON.stringify(frame));
    await Promise.all(result.gone.map((id) => deps.registry.remove(id)));
    const attempt = (message.attempt ?? 0) + 1;
    const retry = attempt <= maxRetries ? result.failed : [];
    if (retry.length > 0) {
      await deps.retryQueue.send([
        { body: { ...message, connectionIds: [...retry], attempt }, delaySeconds: deps.retryDelaySeconds ?? 1 },
      ]);
    }
    // Refused for good (too large, forbidden): no retry message would fare better.
    return {
      delivered: targets.length - result.gone.length - result.failed.length - result.rejected.length,
      gone: result.gone,
      retried: retry,
      abandoned: [...result.rejected, ...(attempt <= maxRetries ? [] : result.failed)],
    };
  };
};
export type Broadcast = ReturnType<typeof makeBroadcast>;
