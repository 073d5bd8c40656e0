import type { FeedItem } from '../../domain/live-feed/feed-item.js';

/** Publishing failed for good (retry budget spent); `failed` are the items not accepted. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    message: string,
    readonly failed: readonly unknown[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The live feed stream (Kinesis in AWS): items partitioned by channel id, so one channel's
 * items stay in order. One `publish` is one batch put (chunked at the service limits);
 * items the service refuses are retried with back-off, then `PublishError` is thrown.
 */
export interface FeedPublisher {
  /** Publishes items in order per channel. */
  publish(items: readonly FeedItem[]): Promise<void>;
}
