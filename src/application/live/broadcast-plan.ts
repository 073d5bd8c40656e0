import type { BroadcastMessage, FeedItem } from '../../domain/live-feed/feed-item.js';

/**
 * Default ceiling for one broadcast message body. Each message becomes one WebSocket frame, and
 * API Gateway refuses messages over 128 KB — much tighter than SQS's 1 MiB — so the frame
 * limit, less room for the frame envelope, is what bounds a message.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 120 * 1024;

/** One item is larger than a whole message may be: it can never reach a viewer over WebSocket. */
export class FeedItemTooLargeError extends Error {
  override readonly name = 'FeedItemTooLargeError';
  constructor(
    readonly channelId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `a feed item of channel ${channelId} is ${bytes} bytes; a broadcast message holds at most ${limit}: keep event bodies small (viewers can fetch details over HTTP)`,
    );
  }
}

const encoder = new TextEncoder();
const bytesOf = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

/**
 * Splits one channel's items into chunks whose broadcast message (for any shard number below
 * `shardCount`) stays within `maxBytes`, keeping their order. Throws `FeedItemTooLargeError`
 * when a single item cannot fit.
 */
export const chunkBySize = (
  channelId: string,
  items: readonly FeedItem[],
  shardCount: number,
  maxBytes: number,
): FeedItem[][] => {
  // The envelope around the items: the largest shard number gives the longest one.
  const empty: BroadcastMessage = {
    channelId,
    shardNo: Math.max(0, shardCount - 1),
    payload: { channelId, items: [] },
  };
  const overhead = bytesOf(empty);
  const chunks: FeedItem[][] = [];
  let chunk: FeedItem[] = [];
  let size = overhead;
  for (const item of items) {
    const itemBytes = bytesOf(item);
    if (overhead + itemBytes > maxBytes) throw new FeedItemTooLargeError(channelId, itemBytes, maxBytes - overhead);
    const added = itemBytes + (chunk.length > 0 ? 1 : 0); // the comma between array elements
    if (chunk.length > 0 && size + added > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      size = overhead;
    }
    size += chunk.length > 0 ? itemBytes + 1 : itemBytes;
    chunk.push(item);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
};

/** The broadcast messages of one channel: every chunk for every shard 0..shardCount-1. */
export const planBroadcast = (
  channelId: string,
  items: readonly FeedItem[],
  shardCount: number,
  maxBytes: number,
): BroadcastMessage[] => {
  if (shardCount <= 0 || items.length === 0) return [];
  const chunks = chunkBySize(channelId, items, shardCount, maxBytes);
  const messages: BroadcastMessage[] = [];
  for (let shardNo = 0; shardNo < shardCount; shardNo++) {
    for (const chunk of chunks) messages.push({ channelId, shardNo, payload: { channelId, items: chunk } });
  }
  return messages;
};
