import type { WebSocket } from 'ws';

/**
 * How much a connection may have waiting to be sent, and for how long it may stay full.
 *
 * Why: API Gateway's `PostToConnection` never waits for a viewer to read. When "the WebSocket
 * client side buffer is full" it answers 429 LimitExceededException at once
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_PostToConnection.html, Errors), so one
 * viewer that stops reading costs the broadcaster a refused post, not a stalled one. The local
 * WebSocket API keeps the same promise with a bounded buffer per connection.
 */
export interface OutgoingBufferLimits {
  /** Bytes waiting in a connection's send queue (ws `bufferedAmount`) above which posts are refused (default 1 MiB). */
  readonly maxBufferedBytes: number;
  /** A connection still over its limit this long after its first refused post is closed as a slow consumer (default 2 s). */
  readonly slowConsumerGraceMs: number;
}

export const DEFAULT_OUTGOING_BUFFER: OutgoingBufferLimits = {
  maxBufferedBytes: 1024 * 1024,
  slowConsumerGraceMs: 2_000,
};

/**
 * One connection's outgoing buffer: `admits` says whether a post may be queued now. The first
 * refusal arms one timer; if the buffer is still over the limit when it fires, `onSlow` runs
 * (the caller closes the connection). A connection that drained below the limit by then is left
 * alone and its next refusal starts a new grace period.
 */
export class OutgoingBuffer {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: OutgoingBufferLimits,
    private readonly onSlow: (bufferedBytes: number) => void,
  ) {}

  admits(): boolean {
    if (this.socket.bufferedAmount <= this.limits.maxBufferedBytes) return true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const buffered = this.socket.bufferedAmount;
      if (buffered > this.limits.maxBufferedBytes) this.onSlow(buffered);
    }, this.limits.slowConsumerGraceMs);
    // A timer never keeps the process alive: shutdown closes every connection anyway.
    this.timer.unref();
    return false;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
