/** One message to enqueue. FIFO queues need `groupId` (order) and `dedupId` (5-minute dedup). */
export interface OutgoingMessage<T> {
  readonly body: T;
  readonly groupId?: string;
  readonly dedupId?: string;
  /** 0..900 seconds (SQS maximum). */
  readonly delaySeconds?: number;
}

/** Enqueueing failed for good; `failed` are the messages not accepted. */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  constructor(
    message: string,
    readonly failed: readonly unknown[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The longest delay a queue accepts (SQS: 15 minutes); longer waits are re-scheduled hop by hop. */
export const MAX_DELAY_SECONDS = 900;

/**
 * A queue (SQS in AWS) used by producers: broadcast, booking, heartbeat and scheduler queues.
 * `send` batches as the service requires (10 per call) and retries refused entries, then
 * throws `EnqueueError`. Consumption is an event source, not a port: Lambda (or the local
 * emulation) calls the consumer handler with batches.
 */
export interface MessageQueue<T> {
  /** Enqueues messages; resolves when all were accepted. */
  send(messages: readonly OutgoingMessage<T>[]): Promise<void>;
}
