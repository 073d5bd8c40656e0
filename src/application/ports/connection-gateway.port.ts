/** Result of posting one frame to many connections. */
export interface PostResult {
  /** Connections that no longer exist (API Gateway 410 Gone): the caller removes them. */
  readonly gone: readonly string[];
  /** Connections the frame could not reach for a passing reason (throttled, 5xx) after retries: worth another try later. */
  readonly failed: readonly string[];
  /** Connections the frame was refused for for good (frame over 128 KB, 403, 400): retrying cannot help. */
  readonly rejected: readonly string[];
}

/**
 * Pushes frames to viewers' WebSocket connections (API Gateway Management API
 * `PostToConnection` in AWS: one call per connection per frame, bounded concurrency,
 * throttling retried with back-off).
 */
export interface ConnectionGateway {
  /** Sends `frame` to each connection. */
  post(connectionIds: readonly string[], frame: string): Promise<PostResult>;
}
